import DevCluster
import Foundation
import KubeAPI
import KubeClient
import Testing
import TrainyardTesting

@Suite("KubeClient against trainyard dev", .serialized)
struct KubeClientAPITests {
    @Test("typed create, get, list, update, status-free kinds, delete round-trip")
    func typedRoundTrip() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        let created = try await client.create(
            ConfigMap(metadata: ObjectMeta(name: "a", namespace: "default", labels: ["app": "x"]), data: ["k": "v"]))
        #expect(created.metadata.uid != nil && created.metadata.resourceVersion != nil)
        var fetched = try await client.get(ConfigMap.self, namespace: "default", name: "a")
        #expect(fetched.data == ["k": "v"])
        fetched.data = ["k": "w"]
        let updated = try await client.update(fetched)
        #expect(updated.data == ["k": "w"])
        #expect(updated.metadata.resourceVersion != created.metadata.resourceVersion)
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "b", namespace: "default")))
        let selected = try await client.list(ConfigMap.self, namespace: "default", options: ListOptions(labelSelector: "app=x"))
        #expect(selected.items.map(\.metadata.name) == ["a"])
        try await client.delete(ConfigMap.self, namespace: "default", name: "a")
        await #expect {
            _ = try await client.get(ConfigMap.self, namespace: "default", name: "a")
        } throws: { error in
            let error = try #require(error as? KubeError)
            return error.isNotFound && error.statusCode == 404 && error.message == #"configmaps "a" not found"#
        }
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("server errors become typed errors: alreadyExists, conflict, invalid with causes")
    func typedErrors() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        let first = try await client.create(ConfigMap(metadata: ObjectMeta(name: "dup", namespace: "default")))
        await #expect {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "dup", namespace: "default")))
        } throws: { ($0 as? KubeError)?.isAlreadyExists == true }

        var stale = first
        stale.data = ["x": "1"]
        _ = try await client.update(stale)
        stale.data = ["x": "2"]
        await #expect {
            _ = try await client.update(stale)
        } throws: { error in
            let error = error as? KubeError
            return error?.isConflict == true && error?.message.contains("the object has been modified") == true
        }

        await #expect {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "Not_Valid", namespace: "default")))
        } throws: { error in
            guard let error = error as? KubeError, error.isInvalid else { return false }
            return error.statusCode == 422 && error.causes.contains { $0.field == "metadata.name" }
        }
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("merge, JSON and server-side apply patches; apply conflicts unless forced")
    func patches() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "p", namespace: "default"), data: ["a": "1"]))
        let merged = try await client.patch(ConfigMap.self, namespace: "default", name: "p", patch: ["data": ["b": "2"]], patchType: .merge)
        #expect(merged.data == ["a": "1", "b": "2"])
        let jsonPatched = try await client.patch(
            ConfigMap.self, namespace: "default", name: "p", patch: [["op": "remove", "path": "/data/a"]], patchType: .json)
        #expect(jsonPatched.data == ["b": "2"])

        // Fields written by create and patch belong to the client's manager (its user agent), so
        // another manager's apply conflicts with them; apply to a fresh object instead.
        let applied = try await client.apply(
            ConfigMap(metadata: ObjectMeta(name: "q", namespace: "default"), data: ["b": "3"]), fieldManager: "one")
        #expect(applied.data?["b"] == "3")
        await #expect {
            _ = try await client.apply(
                ConfigMap(metadata: ObjectMeta(name: "q", namespace: "default"), data: ["b": "4"]), fieldManager: "two")
        } throws: { error in
            let error = error as? KubeError
            return error?.isConflict == true && error?.message.contains("conflict with \"one\"") == true
        }
        let forced = try await client.apply(
            ConfigMap(metadata: ObjectMeta(name: "q", namespace: "default"), data: ["b": "4"]), fieldManager: "two", force: true)
        #expect(forced.data?["b"] == "4")
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("listAll pages through everything with continue tokens")
    func pagination() async throws {
        let cluster = try await DevClusterHarness.start()
        let observer = RecordingObserver()
        let client = try cluster.makeClient(observer: observer)
        for index in 0..<7 {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "page-\(index)", namespace: "default")))
        }
        let before = observer.count("list")
        let all = try await client.listAll(ResourceType.configMaps, namespace: "default", pageSize: 2)
        #expect(all.items.count >= 7)
        #expect(observer.count("list") - before == (all.items.count + 1) / 2, "one request per page of 2")
        #expect(!all.resourceVersion.isEmpty)
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("a raw watch streams changes and BOOKMARKs that carry the latest resourceVersion")
    func watchWithBookmarks() async throws {
        let cluster = try await DevClusterHarness.start(bookmarkInterval: .milliseconds(200))
        let client = try cluster.makeClient()
        let start = try await client.list(ConfigMap.self, namespace: "default")
        var stream = try await client.watch(
            .configMaps, namespace: "default", options: ListOptions(resourceVersion: start.resourceVersion, timeoutSeconds: 10)
        ).makeAsyncIterator()
        let created = try await client.create(ConfigMap(metadata: ObjectMeta(name: "w", namespace: "default")))
        let first = try await stream.next()
        #expect(first?.type == .added)
        #expect(first?.resourceVersion == created.metadata.resourceVersion)
        var bookmark: WatchEvent?
        while bookmark == nil, let event = try await stream.next() {
            if event.type == .bookmark { bookmark = event }
        }
        let version = try #require(bookmark?.resourceVersion)
        #expect(Int(version)! >= Int(created.metadata.resourceVersion!)!)
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("the status subresource and dynamic objects")
    func statusAndDynamic() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        let crd = try loadYAMLDocuments(repositoryRoot + "/crds/trainyard.dev_trainingjobs.yaml")[0]
        do {
            _ = try await client.create(
                ResourceType(
                    group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions", kind: "CustomResourceDefinition",
                    namespaced: false),
                namespace: nil, object: crd)
        }
        let trainingJobs = ResourceType(group: "trainyard.dev", version: "v1alpha1", resource: "trainingjobs", kind: "TrainingJob")
        let example = try loadYAMLDocuments(repositoryRoot + "/examples/reference/trainingjob.yaml")[0]
        var created: JSONValue = .null
        #expect(
            try await eventuallyOK {
                created = try await client.create(trainingJobs, namespace: "default", object: example)
            })
        let name = try #require(created[path: ["metadata", "name"]]?.stringValue)
        var withStatus = created
        withStatus["status"] = ["phase": "Running"]
        withStatus["spec"] = ["ignored": true]
        let written = try await client.update(trainingJobs, namespace: "default", name: name, object: withStatus, subresource: "status")
        #expect(written[path: ["status", "phase"]] == "Running")
        #expect(written["spec"] == created["spec"], "a status write leaves spec alone")
        let object = try await client.get(DynamicObject.self, type: trainingJobs, namespace: "default", name: name)
        #expect(object.metadata.name == name)
        try await client.shutdown()
        await cluster.stop()
    }
}

/// Retries `body` for a few seconds while it throws (a CRD takes a moment to be served).
func eventuallyOK(_ body: () async throws -> Void) async throws -> Bool {
    for _ in 0..<100 {
        do {
            try await body()
            return true
        } catch {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
    return false
}
