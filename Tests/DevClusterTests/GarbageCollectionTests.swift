import KubeAPI
import Testing

@testable import DevCluster

/// Finalizers, cascading deletion (background, foreground, orphan) and namespace deletion.
@Suite struct GarbageCollectionTests {
    let cluster: TestCluster
    let configMaps = "/api/v1/namespaces/default/configmaps"

    init() throws {
        cluster = try TestCluster()
    }

    /// Creates a ConfigMap owned by `owner` (a ConfigMap in default), optionally holding a finalizer.
    @discardableResult
    func dependent(_ name: String, of owner: TestCluster.Reply, finalizers: [String] = []) -> TestCluster.Reply {
        var metadata: JSONValue = [
            "ownerReferences": [
                [
                    "apiVersion": "v1", "kind": "ConfigMap", "name": .string(owner.name ?? ""), "uid": .string(owner.uid ?? ""),
                    "blockOwnerDeletion": true,
                ]
            ]
        ]
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers.map { .string($0) }) }
        let reply = cluster.post(configMaps, TestCluster.configMap(name, metadata: metadata))
        #expect(reply.status == 201, "creating \(name): \(reply.body.serialized())")
        return reply
    }

    func exists(_ name: String) -> Bool {
        cluster.get(configMaps + "/" + name).status == 200
    }

    func object(_ name: String) -> JSONValue {
        cluster.get(configMaps + "/" + name).body
    }

    @Test("an object written after its owner is gone is collected, as one whose owner goes later is")
    func dependentOfAGoneOwnerIsCollected() {
        let owner = cluster.post(configMaps, TestCluster.configMap("short-lived"))
        #expect(cluster.delete(configMaps + "/short-lived").status == 200)
        // A controller acting on a stale cache creates a child of the owner just deleted.
        dependent("late-child", of: owner)
        #expect(!exists("late-child"))
        // One live owner among gone ones keeps it.
        let live = cluster.post(configMaps, TestCluster.configMap("live"))
        var metadata: JSONValue = [
            "ownerReferences": [
                ["apiVersion": "v1", "kind": "ConfigMap", "name": "short-lived", "uid": .string(owner.uid ?? "")],
                ["apiVersion": "v1", "kind": "ConfigMap", "name": "live", "uid": .string(live.uid ?? "")],
            ]
        ]
        metadata["labels"] = ["kept": "yes"]
        #expect(cluster.post(configMaps, TestCluster.configMap("shared-child", metadata: metadata)).status == 201)
        #expect(exists("shared-child"))
    }

    @Test func finalizerKeepsADeletedObjectUntilRemoved() {
        cluster.post(configMaps, TestCluster.configMap("held", metadata: ["finalizers": ["example.com/cleanup"]]))
        let deleted = cluster.delete(configMaps + "/held")
        #expect(deleted.status == 200)
        #expect(deleted.body[path: ["metadata", "deletionTimestamp"]] != nil)

        let held = object("held")
        #expect(held[path: ["metadata", "deletionTimestamp"]] != nil)
        #expect(held[path: ["metadata", "finalizers"]] == ["example.com/cleanup"])

        // Deleting again changes nothing; adding a finalizer while terminating is forbidden.
        #expect(cluster.delete(configMaps + "/held").status == 200)
        let added = cluster.mergePatch(configMaps + "/held", ["metadata": ["finalizers": ["example.com/cleanup", "example.com/more"]]])
        #expect(added.status == 422)
        #expect(added.message.contains("no new finalizers can be added if the object is being deleted"))

        let released = cluster.mergePatch(configMaps + "/held", ["metadata": ["finalizers": nil]])
        #expect(released.status == 200)
        #expect(!exists("held"))
    }

    @Test func backgroundDeletionRemovesDependentsTransitively() {
        let owner = cluster.post(configMaps, TestCluster.configMap("owner"))
        let child = dependent("child", of: owner)
        dependent("grandchild", of: child)
        cluster.post(configMaps, TestCluster.configMap("bystander"))

        #expect(cluster.delete(configMaps + "/owner").status == 200)
        #expect(!exists("owner"))
        #expect(!exists("child"))
        #expect(!exists("grandchild"))
        #expect(exists("bystander"))
    }

    @Test func dependentWithAnotherLiveOwnerSurvives() {
        let first = cluster.post(configMaps, TestCluster.configMap("first"))
        let second = cluster.post(configMaps, TestCluster.configMap("second"))
        let shared = dependent("shared", of: first)
        var body = shared.body
        var refs = body[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        refs.append(["apiVersion": "v1", "kind": "ConfigMap", "name": "second", "uid": .string(second.uid ?? "")])
        body[path: ["metadata", "ownerReferences"]] = .array(refs)
        #expect(cluster.put(configMaps + "/shared", body).status == 200)

        cluster.delete(configMaps + "/first")
        #expect(exists("shared"))
        cluster.delete(configMaps + "/second")
        #expect(!exists("shared"))
    }

    @Test func foregroundDeletionKeepsTheOwnerUntilDependentsAreGone() {
        let owner = cluster.post(configMaps, TestCluster.configMap("owner"))
        dependent("child", of: owner, finalizers: ["example.com/hold"])

        let deleted = cluster.delete(configMaps + "/owner", propagation: "Foreground")
        #expect(deleted.status == 200)
        let waiting = object("owner")
        #expect(waiting[path: ["metadata", "deletionTimestamp"]] != nil)
        #expect(waiting[path: ["metadata", "finalizers"]]?.arrayValue?.contains("foregroundDeletion") == true)
        #expect(object("child")[path: ["metadata", "deletionTimestamp"]] != nil, "the dependent is being deleted too")

        // Releasing the dependent's own finalizer lets it go, and then its owner.
        let finalizers = (object("child")[path: ["metadata", "finalizers"]]?.arrayValue ?? []).filter { $0 != "example.com/hold" }
        #expect(cluster.mergePatch(configMaps + "/child", ["metadata": ["finalizers": .array(finalizers)]]).status == 200)
        #expect(!exists("child"))
        #expect(!exists("owner"))
    }

    @Test func orphanDeletionReleasesDependents() {
        let owner = cluster.post(configMaps, TestCluster.configMap("owner"))
        dependent("child", of: owner)
        let other = cluster.post(configMaps, TestCluster.configMap("other"))
        let both = dependent("both", of: owner)
        var body = both.body
        body[path: ["metadata", "ownerReferences"]] = .array(
            (body[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [])
                + [["apiVersion": "v1", "kind": "ConfigMap", "name": "other", "uid": .string(other.uid ?? "")]])
        cluster.put(configMaps + "/both", body)

        #expect(cluster.delete(configMaps + "/owner", propagation: "Orphan").status == 200)
        #expect(!exists("owner"))
        let child = object("child")
        #expect(child["metadata"] != nil)
        #expect(child[path: ["metadata", "ownerReferences"]] == nil)
        #expect(child[path: ["metadata", "deletionTimestamp"]] == nil)
        // Only the deleted owner's reference goes.
        #expect(object("both")[path: ["metadata", "ownerReferences"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["other"])
    }

    @Test func unknownPropagationPolicyIsInvalid() {
        cluster.post(configMaps, TestCluster.configMap("a"))
        let reply = cluster.delete(configMaps + "/a", propagation: "Sideways")
        #expect(reply.status == 422)
        #expect(reply.message.contains("Unsupported value: \"Sideways\""))
        #expect(exists("a"))
    }

    @Test func deletingANamespaceDeletesItsContentsThenItself() async throws {
        cluster.createNamespace("team")
        let teamConfigMaps = "/api/v1/namespaces/team/configmaps"
        cluster.post(teamConfigMaps, TestCluster.configMap("plain"))
        cluster.post(teamConfigMaps, TestCluster.configMap("held", metadata: ["finalizers": ["example.com/hold"]]))
        cluster.post("/api/v1/namespaces/team/secrets", ["metadata": ["name": "token"], "data": ["a": "Yg=="]])
        cluster.post(configMaps, TestCluster.configMap("outside"))

        #expect(cluster.delete("/api/v1/namespaces/team").status == 200)
        // What has no finalizer goes at once; the namespace waits for the rest.
        #expect(cluster.get(teamConfigMaps + "/plain").status == 404)
        #expect(cluster.get("/api/v1/namespaces/team/secrets/token").status == 404)
        #expect(cluster.get(teamConfigMaps + "/held").body[path: ["metadata", "deletionTimestamp"]] != nil)
        let namespace = cluster.get("/api/v1/namespaces/team")
        #expect(namespace.status == 200)
        #expect(namespace.body[path: ["status", "phase"]] == "Terminating")

        let namespaces = try #require(
            cluster.watch("/api/v1/namespaces", query: ["resourceVersion": String(cluster.store.resourceVersion)]))
        cluster.mergePatch(teamConfigMaps + "/held", ["metadata": ["finalizers": nil]])
        #expect(cluster.get(teamConfigMaps + "/held").status == 404)
        #expect(cluster.get("/api/v1/namespaces/team").status == 404)
        #expect(exists("outside"))
        #expect(await TestCluster.drain(namespaces).map(\.summary).last == "DELETED team")
    }
}
