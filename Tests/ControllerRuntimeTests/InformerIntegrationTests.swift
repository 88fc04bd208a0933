import ControllerRuntime
import DevCluster
import Foundation
import KubeAPI
import KubeClient
import Synchronization
import Testing
import TrainyardTesting

/// Counts what an informer's handler sees, per object, to check "exactly once".
final class EventLog: Sendable {
    struct Entry: Sendable {
        var kind: String
        var key: ObjectKey
        var value: String?
    }
    private let entries = Mutex<[Entry]>([])

    var handler: EventHandler<ConfigMap> {
        EventHandler(
            onAdd: { object in self.entries.withLock { $0.append(Entry(kind: "add", key: object.objectKey, value: object.data?["v"])) } },
            onUpdate: { _, new in self.entries.withLock { $0.append(Entry(kind: "update", key: new.objectKey, value: new.data?["v"])) } },
            onDelete: { object in self.entries.withLock { $0.append(Entry(kind: "delete", key: object.objectKey, value: nil)) } })
    }

    var all: [Entry] { entries.withLock { $0 } }
    func count(_ kind: String) -> Int { all.filter { $0.kind == kind }.count }
    func clear() { entries.withLock { $0.removeAll() } }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Creates `count` ConfigMaps named `prefix-N` in `namespace`, `parallel` requests at a time.
func createConfigMaps(_ client: KubeClient, namespace: String, prefix: String, count: Int, parallel: Int = 16) async throws {
    try await concurrentForEach(0..<count, limit: parallel) { index in
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "\(prefix)-\(index)", namespace: namespace), data: ["v": "0"]))
    }
}

@Suite("Informer against trainyard dev", .serialized)
struct InformerIntegrationTests {
    @Test("converges on 5,000 objects, then sees every later change exactly once")
    func convergesAndSeesEachChangeOnce() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        try await client.ensureNamespace("load")
        try await createConfigMaps(client, namespace: "load", prefix: "cm", count: 5000)

        let informer = Informer<ConfigMap>(client: client, type: .configMaps, namespace: "load")
        let log = EventLog()
        informer.addHandler(log.handler)
        let run = Task { try await informer.run() }
        await informer.waitForSync()
        #expect(informer.store.count == 5000)
        #expect(log.count("add") == 5000)
        #expect(Set(log.all.map(\.key)).count == 5000)
        // The cache drops managedFields (by default) to save memory; the server keeps them.
        let served = try await client.get(ConfigMap.self, namespace: "load", name: "cm-0")
        #expect(served.metadata.managedFields?.isEmpty == false)
        #expect(informer.store.get(namespace: "load", name: "cm-0")?.metadata.managedFields == nil)

        // Later changes: 200 updates, 100 deletes, 100 creates.
        log.clear()
        for index in 0..<200 {
            var object = try #require(informer.store.get(namespace: "load", name: "cm-\(index)"))
            object.data = ["v": "1"]
            _ = try await client.update(object)
        }
        for index in 200..<300 {
            try await client.delete(ConfigMap.self, namespace: "load", name: "cm-\(index)")
        }
        try await createConfigMaps(client, namespace: "load", prefix: "new", count: 100)
        #expect(try await eventually { log.all.count >= 400 })
        try await Task.sleep(for: .milliseconds(300))  // anything extra would arrive now
        let entries = log.all
        #expect(entries.count == 400, "every change exactly once, nothing more")
        #expect(entries.filter { $0.kind == "update" && $0.value == "1" }.count == 200)
        #expect(Set(entries.filter { $0.kind == "update" }.map(\.key)).count == 200)
        #expect(Set(entries.filter { $0.kind == "delete" }.map(\.key)).count == 100)
        #expect(Set(entries.filter { $0.kind == "add" }.map(\.key)).count == 100)
        #expect(informer.store.count == 5000)
        run.cancel()
        _ = try? await run.value
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("a dev server restarted mid-watch (with --state-dir) loses no change")
    func survivesServerRestart() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ty-restart-\(UUID().uuidString.prefix(8))").path
        var cluster = try await DevClusterHarness.start(stateDirectory: state)
        let port = cluster.port
        let writer = try cluster.makeClient()
        try await writer.ensureNamespace("r")
        try await createConfigMaps(writer, namespace: "r", prefix: "before", count: 20)

        let client = try cluster.makeClient()
        let informer = Informer<ConfigMap>(
            client: client, type: .configMaps, namespace: "r",
            configuration: WatcherConfiguration(backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(500))))
        let log = EventLog()
        informer.addHandler(log.handler)
        let run = Task { try await informer.run() }
        await informer.waitForSync()
        log.clear()

        // Changes while the informer watches, then the server goes away.
        var first = try #require(informer.store.get(namespace: "r", name: "before-0"))
        first.data = ["v": "1"]
        _ = try await writer.update(first)
        #expect(try await eventually { log.count("update") == 1 })
        await cluster.stop()
        try await writer.shutdown()

        // While it is down nothing can change; when it is back, change more at once.
        try await Task.sleep(for: .milliseconds(300))
        cluster = try await DevClusterHarness.start(stateDirectory: state, port: port)
        let writer2 = try cluster.makeClient()
        var second = try await writer2.get(ConfigMap.self, namespace: "r", name: "before-1")
        second.data = ["v": "2"]
        _ = try await writer2.update(second)
        try await writer2.delete(ConfigMap.self, namespace: "r", name: "before-2")
        try await createConfigMaps(writer2, namespace: "r", prefix: "after", count: 5)

        #expect(try await eventually { log.all.count >= 8 })
        try await Task.sleep(for: .milliseconds(300))
        let entries = log.all
        #expect(entries.count == 8, "1 update before, 1 update + 1 delete + 5 adds after: \(entries.map { "\($0.kind) \($0.key)" })")
        #expect(entries.contains { $0.kind == "update" && $0.key.name == "before-1" && $0.value == "2" })
        #expect(entries.contains { $0.kind == "delete" && $0.key.name == "before-2" })
        #expect(entries.filter { $0.kind == "add" }.count == 5)
        #expect(informer.store.count == 20 - 1 + 5)
        run.cancel()
        _ = try? await run.value
        try await client.shutdown()
        try await writer2.shutdown()
        await cluster.stop()
        try? FileManager.default.removeItem(atPath: state)
    }

    @Test("a watch from an expired resourceVersion gets 410 and the watcher relists")
    func expiredVersionRelists() async throws {
        let cluster = try await DevClusterHarness.start(watchHistory: 10)
        let observer = RecordingObserver()
        let client = try cluster.makeClient(observer: observer)
        try await client.ensureNamespace("x")
        try await createConfigMaps(client, namespace: "x", prefix: "old", count: 3)
        let list = try await client.list(ConfigMap.self, namespace: "x")
        // Push the server's history past the list's version.
        try await createConfigMaps(client, namespace: "x", prefix: "more", count: 30)

        // The raw watch reports it as a typed error...
        await #expect {
            var stream = try await client.watch(.configMaps, namespace: "x", options: ListOptions(resourceVersion: list.resourceVersion))
                .makeAsyncIterator()
            _ = try await stream.next()
        } throws: { error in
            (error as? KubeError)?.isGone == true
        }

        // ...and a watcher resuming from that version relists and reports the whole state.
        var watcher = client.watcher(
            ConfigMap.self, namespace: "x", configuration: WatcherConfiguration(startResourceVersion: list.resourceVersion)
        ).makeAsyncIterator()
        guard case .restarted(let objects, let version, let undecodable) = try await watcher.next() else {
            Issue.record("an expired version must lead to a relist")
            return
        }
        #expect(objects.count == 33)
        #expect(undecodable.isEmpty)
        #expect(Int(version)! > Int(list.resourceVersion)!)
        #expect(observer.restarts == ["expired"])
        // After the relist it watches from the new version: a change arrives as a single event.
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "late", namespace: "x")))
        guard case .added(let added) = try await watcher.next() else {
            Issue.record("the change after the relist must arrive as an add")
            return
        }
        #expect(added.metadata.name == "late")
        try await client.shutdown()
        await cluster.stop()
    }
}

extension InformerIntegrationTests {
    @Test("an object that does not decode is reported by key and skipped; the rest of the list loads")
    func undecodableObjectInAList() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        try await client.ensureNamespace("u")
        try await createConfigMaps(client, namespace: "u", prefix: "ok", count: 3)
        // The dev server stores built-in kinds without a schema, so a number where ConfigMap
        // data must be a string gets in; a real cluster would refuse it.
        _ = try await client.create(
            .configMaps, namespace: "u", object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "bad"], "data": ["k": 1]])
        var watcher = client.watcher(ConfigMap.self, namespace: "u").makeAsyncIterator()
        guard case .restarted(let objects, _, let undecodable) = try await watcher.next() else {
            Issue.record("the first watcher event must be the list")
            return
        }
        #expect(objects.count == 3)
        #expect(undecodable == [ObjectKey(namespace: "u", name: "bad")])
        try await client.shutdown()
        await cluster.stop()
    }
}
