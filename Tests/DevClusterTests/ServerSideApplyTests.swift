import KubeAPI
import Testing

@testable import DevCluster

/// Server-side apply (`application/apply-patch+yaml`) and the managedFields it keeps.
@Suite struct ServerSideApplyTests {
    let cluster: TestCluster
    let path = "/api/v1/namespaces/default/configmaps/settings"

    init() throws {
        cluster = try TestCluster()
    }

    static func manifest(_ data: [(String, String)], labels: [(String, String)] = []) -> String {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
        if !labels.isEmpty {
            yaml += "  labels:\n" + labels.map { "    \($0.0): \"\($0.1)\"\n" }.joined()
        }
        yaml += "data:\n" + data.map { "  \($0.0): \"\($0.1)\"\n" }.joined()
        return yaml
    }

    func entries(_ object: JSONValue) -> [JSONValue] {
        object[path: ["metadata", "managedFields"]]?.arrayValue ?? []
    }

    func entry(_ object: JSONValue, manager: String) -> JSONValue? {
        entries(object).first { $0["manager"]?.stringValue == manager }
    }

    @Test func applyCreatesAndRecordsOwnership() throws {
        let created = cluster.apply(path, yaml: Self.manifest([("a", "1"), ("b", "2")], labels: [("app", "web")]), manager: "alice")
        #expect(created.status == 201, "\(created.body.serialized())")
        #expect(created.body["data"] == ["a": "1", "b": "2"])
        #expect(created.body[path: ["metadata", "labels"]] == ["app": "web"])
        #expect(cluster.get(path).status == 200)

        #expect(entries(created.body).count == 1)
        let alice = try #require(entry(created.body, manager: "alice"))
        #expect(alice["operation"] == "Apply")
        #expect(alice["apiVersion"] == "v1")
        #expect(alice["fieldsType"] == "FieldsV1")
        #expect(alice["time"]?.stringValue.flatMap(TableConverter.parseTime) != nil)
        let fields = try #require(alice["fieldsV1"])
        #expect(fields[path: ["f:data", "f:a"]] == [:])
        #expect(fields[path: ["f:data", "f:b"]] == [:])
        #expect(fields[path: ["f:metadata", "f:labels", "f:app"]] == [:])
        // Identity and bookkeeping are nobody's.
        #expect(fields[path: ["f:metadata", "f:name"]] == nil)
        #expect(fields["f:apiVersion"] == nil)
        #expect(fields["f:kind"] == nil)
    }

    @Test func reapplyingUnchangedIsANoOp() {
        let yaml = Self.manifest([("a", "1")])
        let first = cluster.apply(path, yaml: yaml, manager: "alice")
        let again = cluster.apply(path, yaml: yaml, manager: "alice")
        #expect(again.status == 200)
        #expect(again.resourceVersion == first.resourceVersion)
        #expect(again.body[path: ["metadata", "managedFields"]] == first.body[path: ["metadata", "managedFields"]])
    }

    @Test func changeByAnotherManagerConflictsUnlessForced() throws {
        cluster.apply(path, yaml: Self.manifest([("a", "1"), ("b", "2")]), manager: "alice")
        let edited = cluster.mergePatch(path, ["data": ["a": "changed"]], query: ["fieldManager": "bob"])
        #expect(edited.status == 200)
        let bob = try #require(entry(edited.body, manager: "bob"))
        #expect(bob["operation"] == "Update")
        #expect(bob[path: ["fieldsV1", "f:data", "f:a"]] == [:])
        #expect(entry(edited.body, manager: "alice")?[path: ["fieldsV1", "f:data", "f:a"]] == nil, "alice lost the field bob changed")

        let conflict = cluster.apply(path, yaml: Self.manifest([("a", "1"), ("b", "2")]), manager: "alice")
        #expect(conflict.status == 409)
        #expect(conflict.reason == "Conflict")
        #expect(conflict.message == "Apply failed with 1 conflict: conflict with \"bob\" using v1: .data.a")
        #expect(
            conflict.body[path: ["details", "causes"]] == [
                ["reason": "FieldManagerConflict", "message": "conflict with \"bob\" using v1", "field": ".data.a"]
            ])
        #expect(cluster.get(path).body[path: ["data", "a"]] == "changed")

        let forced = cluster.apply(path, yaml: Self.manifest([("a", "1"), ("b", "2")]), manager: "alice", force: true)
        #expect(forced.status == 200)
        #expect(forced.body[path: ["data", "a"]] == "1")
        #expect(entry(forced.body, manager: "bob") == nil, "bob owns nothing any more")
        #expect(entry(forced.body, manager: "alice")?[path: ["fieldsV1", "f:data", "f:a"]] == [:])
    }

    @Test func twoAppliersConflictOnDifferentValuesAndShareEqualOnes() throws {
        cluster.apply(path, yaml: Self.manifest([("a", "1")]), manager: "alice")
        let different = cluster.apply(path, yaml: Self.manifest([("a", "2")]), manager: "carol")
        #expect(different.status == 409)
        #expect(different.message == "Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.a")

        let same = cluster.apply(path, yaml: Self.manifest([("a", "1")]), manager: "carol")
        #expect(same.status == 200)
        #expect(entries(same.body).compactMap { $0["manager"]?.stringValue }.sorted() == ["alice", "carol"])
    }

    @Test func fieldsDroppedFromTheAppliedConfigAreRemoved() {
        cluster.apply(path, yaml: Self.manifest([("a", "1"), ("b", "2"), ("c", "3")], labels: [("app", "web")]), manager: "alice")
        // Another applier co-owns c, so it stays when alice lets go of it.
        #expect(cluster.apply(path, yaml: Self.manifest([("c", "3")]), manager: "carol").status == 200)

        let shrunk = cluster.apply(path, yaml: Self.manifest([("a", "1")]), manager: "alice")
        #expect(shrunk.status == 200)
        #expect(shrunk.body["data"] == ["a": "1", "c": "3"])
        #expect(shrunk.body[path: ["metadata", "labels"]] == nil)
        #expect(entry(shrunk.body, manager: "alice")?["fieldsV1"] == ["f:data": ["f:a": [:]]])
    }

    @Test func ordinaryWritesAreRecordedAsUpdates() throws {
        let created = cluster.post("/api/v1/namespaces/default/configmaps", TestCluster.configMap("settings"))
        // The default manager is the user agent's program name.
        let kubectl = try #require(entry(created.body, manager: "kubectl"))
        #expect(kubectl["operation"] == "Update")
        #expect(kubectl[path: ["fieldsV1", "f:data", "f:k"]] == [:])

        var body = created.body
        body["data"] = ["k": "v", "extra": "x"]
        let updated = cluster.put(path, body, query: ["fieldManager": "editor"])
        let editor = try #require(entry(updated.body, manager: "editor"))
        #expect(editor["fieldsV1"] == ["f:data": ["f:extra": [:]]])
        #expect(entry(updated.body, manager: "kubectl")?["fieldsV1"] == ["f:data": ["f:k": [:]]])
    }

    @Test func applyNeedsAFieldManager() {
        let reply = cluster.send("PATCH", path, contentType: "application/apply-patch+yaml", rawBody: Self.manifest([("a", "1")]))
        #expect(reply.status == 422)
        #expect(reply.message == "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
        #expect(cluster.get(path).status == 404)

        let forceOnMerge = cluster.send(
            "PATCH", path, query: ["force": "true"], body: ["data": [:]], contentType: "application/merge-patch+json")
        #expect(forceOnMerge.status == 422)
    }
}
