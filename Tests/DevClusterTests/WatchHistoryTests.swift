import KubeAPI
import Testing

@testable import DevCluster

/// Watches resuming from a resourceVersion, filtered watches and streaming lists.
@Suite struct WatchHistoryTests {
    let configMaps = "/api/v1/namespaces/default/configmaps"

    @Test func watchFromAVersionGetsExactlyTheLaterEventsInOrder() async throws {
        let cluster = try TestCluster()
        let a = cluster.post(configMaps, TestCluster.configMap("a"))
        let start = try #require(a.resourceVersion)
        cluster.post(configMaps, TestCluster.configMap("b"))
        cluster.post("/api/v1/namespaces/default/secrets", ["metadata": ["name": "not-a-configmap"]])
        cluster.post("/api/v1/namespaces/kube-system/configmaps", TestCluster.configMap("elsewhere"))
        cluster.mergePatch(configMaps + "/a", ["data": ["k": "changed"]])
        cluster.delete(configMaps + "/b")

        let plan = try #require(cluster.watch(configMaps, query: ["resourceVersion": start]))
        // Changes after the watch started arrive on the same stream, after the history.
        cluster.post(configMaps, TestCluster.configMap("c"))
        let messages = await TestCluster.drain(plan)

        #expect(messages.map(\.summary) == ["ADDED b", "MODIFIED a", "DELETED b", "ADDED c"])
        let versions = messages.compactMap { message -> Int64? in
            guard case .event(_, let object) = message else { return nil }
            return object[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap { Int64($0) }
        }
        #expect(versions.count == 4)
        #expect(versions == versions.sorted())
        #expect(versions.allSatisfy { $0 > Int64(start)! })
        if case .event(_, let deleted) = messages[2] {
            #expect(deleted["data"] == ["k": "v"], "DELETED carries the object's last state")
        }
    }

    @Test func watchFromTheCurrentVersionGetsNothingOld() async throws {
        let cluster = try TestCluster()
        cluster.post(configMaps, TestCluster.configMap("a"))
        let plan = try #require(cluster.watch(configMaps, query: ["resourceVersion": String(cluster.store.resourceVersion)]))
        #expect(await TestCluster.drain(plan).isEmpty)
    }

    @Test func watchFromAVersionOlderThanTheHistoryIsExpired() async throws {
        let cluster = try TestCluster(historyLimit: 3)
        let first = cluster.post(configMaps, TestCluster.configMap("first"))
        for i in 0..<5 { cluster.post(configMaps, TestCluster.configMap("cm-\(i)")) }

        // The real server answers 200 with a stream whose only event is an ERROR carrying the 410.
        let firstVersion = try #require(first.resourceVersion)
        let plan = try #require(cluster.watch(configMaps, query: ["resourceVersion": firstVersion]))
        var iterator = plan.stream.makeAsyncIterator()
        guard case .event(let type, let status) = try #require(await iterator.next()) else {
            Issue.record("expected an ERROR event first")
            return
        }
        #expect(type == "ERROR")
        #expect(status["kind"] == "Status")
        #expect(status["code"] == 410)
        #expect(status["reason"] == "Expired")
        #expect(status["message"]?.stringValue?.hasPrefix("too old resource version: ") == true)
        if case .end = try #require(await iterator.next()) {} else { Issue.record("the stream should end after the ERROR") }

        // The last historyLimit events can still be resumed from.
        let recent = String(cluster.store.resourceVersion - 3)
        let resumed = try #require(cluster.watch(configMaps, query: ["resourceVersion": recent]))
        #expect(await TestCluster.drain(resumed).map(\.summary) == ["ADDED cm-2", "ADDED cm-3", "ADDED cm-4"])

        let bad = cluster.send("GET", configMaps, query: ["watch": "true", "resourceVersion": "abc"])
        #expect(bad.status == 400)
    }

    @Test func labelSelectorWatchTurnsLeavingTheSelectionIntoDeleted() async throws {
        let cluster = try TestCluster()
        cluster.post(configMaps, TestCluster.configMap("web", metadata: ["labels": ["app": "web"]]))
        cluster.post(configMaps, TestCluster.configMap("db", metadata: ["labels": ["app": "db"]]))

        let plan = try #require(cluster.watch(configMaps, query: ["labelSelector": "app=web"]))
        cluster.mergePatch(configMaps + "/web", ["data": ["k": "2"]])
        cluster.mergePatch(configMaps + "/web", ["metadata": ["labels": ["app": "api"]]])
        cluster.mergePatch(configMaps + "/db", ["data": ["k": "3"]])
        cluster.mergePatch(configMaps + "/db", ["metadata": ["labels": ["app": "web"]]])
        cluster.delete(configMaps + "/web")
        cluster.delete(configMaps + "/db")
        let messages = await TestCluster.drain(plan)

        #expect(
            messages.map(\.summary) == [
                "ADDED web",  // the current state, as for a watch without resourceVersion
                "MODIFIED web",
                "DELETED web",  // relabelled out of the selection
                "ADDED db",  // relabelled into it
                "DELETED db",
            ])
        if case .event(_, let left) = messages[2] {
            #expect(left[path: ["metadata", "labels", "app"]] == "api", "the DELETED object is the new state")
        }
    }

    @Test func sendInitialEventsListsThenBookmarks() async throws {
        let cluster = try TestCluster()
        cluster.post(configMaps, TestCluster.configMap("b"))
        cluster.post(configMaps, TestCluster.configMap("a"))
        let listedAt = cluster.store.resourceVersion

        let plan = try #require(
            cluster.watch(
                configMaps, query: ["sendInitialEvents": "true", "allowWatchBookmarks": "true", "resourceVersionMatch": "NotOlderThan"]))
        cluster.mergePatch(configMaps + "/a", ["data": ["k": "later"]])
        let messages = await TestCluster.drain(plan)

        #expect(messages.map(\.summary) == ["ADDED a", "ADDED b", "BOOKMARK initial-events-end", "MODIFIED a"])
        if case .bookmark(let version, _) = messages[2] {
            #expect(version == listedAt)
        }
        #expect(plan.bookmarks)

        let refused = cluster.send("GET", configMaps, query: ["watch": "true", "sendInitialEvents": "true"])
        #expect(refused.status == 422)
        #expect(refused.message.contains("allowWatchBookmarks must be set to true when sendInitialEvents is set"))
    }

    @Test func cancellingAWatchUnregistersIt() async throws {
        let cluster = try TestCluster()
        let before = cluster.store.watcherCount
        let plan = try #require(cluster.watch(configMaps, query: [:]))
        #expect(cluster.store.watcherCount == before + 1)
        _ = await TestCluster.drain(plan)
        #expect(cluster.store.watcherCount == before)
    }
}
