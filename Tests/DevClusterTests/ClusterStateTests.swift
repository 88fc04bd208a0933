import Foundation
import KubeAPI
import Testing

@testable import DevCluster

/// Create and update semantics of the store, through the handler as a client sees them.
@Suite struct ClusterStateTests {
    let cluster: TestCluster
    let configMaps = "/api/v1/namespaces/default/configmaps"
    let deployments = "/apis/apps/v1/namespaces/default/deployments"

    init() throws {
        cluster = try TestCluster()
    }

    func rv(_ reply: TestCluster.Reply) throws -> Int64 {
        try #require(reply.resourceVersion.flatMap { Int64($0) })
    }

    @Test func createAssignsIdentityAndIncreasingResourceVersions() throws {
        let before = Date()
        let a = cluster.post(configMaps, TestCluster.configMap("a"))
        let d = cluster.post(deployments, TestCluster.deployment("web"))
        let b = cluster.post(configMaps, TestCluster.configMap("b"))
        #expect(a.status == 201 && d.status == 201 && b.status == 201)

        // resourceVersion is one counter across all resources, increasing with every write.
        #expect(try rv(a) < rv(d))
        #expect(try rv(d) < rv(b))
        #expect(try rv(b) == cluster.store.resourceVersion)

        #expect(a.uid?.count == 36)
        #expect(a.uid != b.uid)
        let created = try #require(a.body[path: ["metadata", "creationTimestamp"]]?.stringValue)
        let date = try #require(TableConverter.parseTime(created))
        #expect(abs(date.timeIntervalSince(before)) < 5)
        // Kinds with a spec start at generation 1; ConfigMaps have none.
        #expect(d.body[path: ["metadata", "generation"]] == 1)
        #expect(a.body[path: ["metadata", "generation"]] == nil)
        #expect(a.body[path: ["metadata", "namespace"]] == "default")

        let fetched = cluster.get(configMaps + "/a")
        #expect(fetched.status == 200)
        #expect(fetched.resourceVersion == a.resourceVersion)
        #expect(fetched.uid == a.uid)
    }

    @Test func generateNameAddsARandomSuffix() throws {
        let body: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "run-"]]
        let first = cluster.post(configMaps, body)
        let second = cluster.post(configMaps, body)
        #expect(first.status == 201 && second.status == 201)
        let name = try #require(first.name)
        #expect(name.hasPrefix("run-"))
        #expect(name.count == "run-".count + 5)
        #expect(first.name != second.name)
        #expect(cluster.get(configMaps + "/" + name).status == 200)
    }

    @Test func creatingAnExistingNameIsAlreadyExists() {
        #expect(cluster.post(configMaps, TestCluster.configMap("a")).status == 201)
        let again = cluster.post(configMaps, TestCluster.configMap("a", data: ["other": "x"]))
        #expect(again.status == 409)
        #expect(again.reason == "AlreadyExists")
        #expect(again.message == "configmaps \"a\" already exists")
        #expect(again.body[path: ["details", "name"]] == "a")
        #expect(cluster.get(configMaps + "/a").body["data"] == ["k": "v"])
    }

    @Test func updateWithAStaleResourceVersionConflicts() throws {
        let created = cluster.post(configMaps, TestCluster.configMap("a"))
        var first = created.body
        first["data"] = ["k": "first"]
        var second = created.body
        second["data"] = ["k": "second"]

        let ok = cluster.put(configMaps + "/a", first)
        #expect(ok.status == 200)
        #expect(try rv(ok) > rv(created))

        let stale = cluster.put(configMaps + "/a", second)
        #expect(stale.status == 409)
        #expect(stale.reason == "Conflict")
        #expect(
            stale.message
                == "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"
        )
        #expect(cluster.get(configMaps + "/a").body["data"] == ["k": "first"])
    }

    @Test func generationBumpsOnSpecChangesOnly() {
        var deployment = cluster.post(deployments, TestCluster.deployment("web")).body
        #expect(deployment[path: ["metadata", "generation"]] == 1)

        deployment[path: ["metadata", "labels"]] = ["tier": "frontend"]
        deployment = cluster.put(deployments + "/web", deployment).body
        #expect(deployment[path: ["metadata", "labels", "tier"]] == "frontend")
        #expect(deployment[path: ["metadata", "generation"]] == 1, "a metadata change keeps the generation")

        deployment["status"] = ["replicas": 1]
        deployment = cluster.put(deployments + "/web/status", deployment).body
        #expect(deployment[path: ["status", "replicas"]] == 1)
        #expect(deployment[path: ["metadata", "generation"]] == 1, "a status change keeps the generation")

        deployment[path: ["spec", "replicas"]] = 3
        deployment = cluster.put(deployments + "/web", deployment).body
        #expect(deployment[path: ["metadata", "generation"]] == 2)

        let patched = cluster.mergePatch(deployments + "/web", ["spec": ["replicas": 4]])
        #expect(patched.body[path: ["metadata", "generation"]] == 3)
    }

    @Test func mainEndpointIgnoresStatusAndStatusEndpointIgnoresTheRest() {
        var deployment = TestCluster.deployment("web")
        deployment["status"] = ["replicas": 7]
        let created = cluster.post(deployments, deployment)
        #expect(created.body["status"] == nil, "status is not set on create")

        var update = created.body
        update["status"] = ["replicas": 5]
        update[path: ["spec", "replicas"]] = 2
        let main = cluster.put(deployments + "/web", update)
        #expect(main.status == 200)
        #expect(main.body[path: ["spec", "replicas"]] == 2)
        #expect(main.body["status"] == nil)

        var statusUpdate = main.body
        statusUpdate["status"] = ["readyReplicas": 2]
        statusUpdate[path: ["spec", "replicas"]] = 9
        statusUpdate[path: ["metadata", "labels"]] = ["sneaky": "yes"]
        let status = cluster.put(deployments + "/web/status", statusUpdate)
        #expect(status.status == 200)
        #expect(status.body[path: ["status", "readyReplicas"]] == 2)
        #expect(status.body[path: ["spec", "replicas"]] == 2)
        #expect(status.body[path: ["metadata", "labels"]] == nil)
        #expect(status.body[path: ["metadata", "generation"]] == main.body[path: ["metadata", "generation"]])
    }

    @Test func noOpUpdateKeepsTheResourceVersion() {
        let created = cluster.post(configMaps, TestCluster.configMap("a"))
        let version = cluster.store.resourceVersion
        let same = cluster.put(configMaps + "/a", created.body)
        #expect(same.status == 200)
        #expect(same.resourceVersion == created.resourceVersion)
        let patched = cluster.mergePatch(configMaps + "/a", ["data": ["k": "v"]])
        #expect(patched.resourceVersion == created.resourceVersion)
        #expect(cluster.store.resourceVersion == version, "a no-op write stores nothing")
    }

    @Test func objectsNeedAnExistingNamespace() {
        let missing = cluster.post("/api/v1/namespaces/nowhere/configmaps", TestCluster.configMap("a"))
        #expect(missing.status == 404)
        #expect(missing.reason == "NotFound")
        #expect(missing.message == "namespaces \"nowhere\" not found")

        let mismatch = cluster.post(configMaps, TestCluster.configMap("a", metadata: ["namespace": "kube-system"]))
        #expect(mismatch.status == 400)
        #expect(mismatch.message.contains("does not match the namespace sent on the request"))
    }

    @Test func terminatingNamespaceRefusesNewObjects() {
        cluster.createNamespace("closing")
        let held = cluster.post(
            "/api/v1/namespaces/closing/configmaps", TestCluster.configMap("held", metadata: ["finalizers": ["example.com/hold"]]))
        #expect(held.status == 201)
        #expect(cluster.delete("/api/v1/namespaces/closing").status == 200)
        #expect(cluster.get("/api/v1/namespaces/closing").body[path: ["status", "phase"]] == "Terminating")

        let refused = cluster.post("/api/v1/namespaces/closing/configmaps", TestCluster.configMap("late"))
        #expect(refused.status == 403)
        #expect(refused.reason == "Forbidden")
        #expect(
            refused.message
                == "configmaps \"late\" is forbidden: unable to create new content in namespace closing because it is being terminated")
    }

    @Test func dryRunStoresNothing() {
        let version = cluster.store.resourceVersion
        let created = cluster.post(configMaps, TestCluster.configMap("ghost"), query: ["dryRun": "All"])
        #expect(created.status == 201)
        #expect(created.name == "ghost")
        #expect(created.uid != nil)
        #expect(cluster.get(configMaps + "/ghost").status == 404)

        let real = cluster.post(configMaps, TestCluster.configMap("a"))
        let afterCreate = cluster.store.resourceVersion
        #expect(afterCreate == version + 1)
        var changed = real.body
        changed["data"] = ["k": "dry"]
        #expect(cluster.put(configMaps + "/a", changed, query: ["dryRun": "All"]).body["data"] == ["k": "dry"])
        #expect(cluster.send("DELETE", configMaps + "/a", query: ["dryRun": "All"]).status == 200)
        #expect(cluster.get(configMaps + "/a").body["data"] == ["k": "v"])
        #expect(cluster.store.resourceVersion == afterCreate)

        let bad = cluster.post(configMaps, TestCluster.configMap("b"), query: ["dryRun": "Some"])
        #expect(bad.status == 400)
        #expect(bad.message == "Invalid dry run value: Some: supported values: \"All\"")
    }
}
