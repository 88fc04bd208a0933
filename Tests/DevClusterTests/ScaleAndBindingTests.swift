import KubeAPI
import Testing

@testable import DevCluster

/// `/scale` of workloads, `pods/binding` and how discovery announces them.
@Suite struct ScaleAndBindingTests {
    let cluster: TestCluster
    let deployments = "/apis/apps/v1/namespaces/default/deployments"
    let pods = "/api/v1/namespaces/default/pods"

    init() throws {
        cluster = try TestCluster()
    }

    @Test func scaleShowsTheParentsReplicasAndSelector() throws {
        var body = TestCluster.deployment("web", replicas: 2)
        body[path: ["spec", "selector"]] = [
            "matchLabels": ["app": "web"],
            "matchExpressions": [["key": "tier", "operator": "In", "values": ["front", "edge"]]],
        ]
        body[path: ["spec", "template", "metadata", "labels", "tier"]] = "front"
        let created = cluster.post(deployments, body)
        #expect(created.status == 201, "\(created.body.serialized())")
        cluster.mergePatch(deployments + "/web/status", ["status": ["replicas": 1]])
        let scale = cluster.get(deployments + "/web/scale")
        #expect(scale.status == 200)
        #expect(scale.body["kind"] == "Scale" && scale.body["apiVersion"] == "autoscaling/v1")
        #expect(scale.body[path: ["spec", "replicas"]] == 2)
        #expect(scale.body[path: ["status", "replicas"]] == 1)
        #expect(scale.body[path: ["status", "selector"]] == "app=web,tier in (edge,front)")
        let parent = cluster.get(deployments + "/web").body
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            #expect(scale.body[path: ["metadata", key]] == parent[path: ["metadata", key]], "\(key)")
        }
        #expect(cluster.get(deployments + "/nope/scale").message == "deployments.apps \"nope\" not found")
    }

    @Test func writingTheScaleIsASpecChange() throws {
        cluster.post(deployments, TestCluster.deployment("web"))
        let current = cluster.get(deployments + "/web/scale").body
        var wanted = current
        wanted[path: ["spec", "replicas"]] = 5
        let written = cluster.put(deployments + "/web/scale", wanted)
        #expect(written.status == 200)
        #expect(written.body["kind"] == "Scale" && written.body[path: ["spec", "replicas"]] == 5)
        let parent = cluster.get(deployments + "/web").body
        #expect(parent[path: ["spec", "replicas"]] == 5)
        #expect(parent[path: ["metadata", "generation"]] == 2)
        #expect(written.resourceVersion == parent[path: ["metadata", "resourceVersion"]]?.stringValue)
        let entry = parent[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["subresource"] == "scale" }
        #expect(entry?["manager"] == "kubectl", "\(parent[path: ["metadata", "managedFields"]]?.serialized() ?? "")")

        // The old resourceVersion no longer matches.
        let stale = cluster.put(deployments + "/web/scale", wanted)
        #expect(stale.status == 409)
        #expect(stale.message.hasPrefix("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified"))

        var negative = cluster.get(deployments + "/web/scale").body
        negative[path: ["spec", "replicas"]] = -1
        let invalid = cluster.put(deployments + "/web/scale", negative)
        #expect(invalid.status == 422)
        #expect(
            invalid.message == "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0")

        var otherUID = cluster.get(deployments + "/web/scale").body
        otherUID[path: ["metadata", "uid"]] = "not-the-uid"
        let conflict = cluster.put(deployments + "/web/scale", otherUID)
        #expect(conflict.status == 409)
        #expect(
            conflict.message.hasPrefix(
                "Operation cannot be fulfilled on deployments/scale.apps \"web\": Precondition failed: UID in precondition: not-the-uid"))

        // Without spec.replicas a Scale means 0 replicas, as autoscaling/v1 omits a zero.
        var zero = cluster.get(deployments + "/web/scale").body
        zero["spec"] = [:]
        #expect(cluster.put(deployments + "/web/scale", zero).body["spec"] == [:])
        #expect(cluster.get(deployments + "/web").body[path: ["spec", "replicas"]] == 0)
    }

    @Test func patchingTheScale() throws {
        cluster.post(deployments, TestCluster.deployment("web"))
        let merged = cluster.mergePatch(deployments + "/web/scale", ["spec": ["replicas": 3]])
        #expect(merged.status == 200 && merged.body[path: ["spec", "replicas"]] == 3)
        let json = cluster.send(
            "PATCH", deployments + "/web/scale", contentType: "application/json-patch+json",
            rawBody: #"[{"op":"replace","path":"/spec/replicas","value":4}]"#)
        #expect(json.status == 200 && json.body[path: ["spec", "replicas"]] == 4, "\(json.body.serialized())")
        let strategic = cluster.send(
            "PATCH", deployments + "/web/scale", contentType: "application/strategic-merge-patch+json", rawBody: #"{"spec":{"replicas":6}}"#
        )
        #expect(strategic.status == 200 && strategic.body[path: ["spec", "replicas"]] == 6)
        #expect(cluster.get(deployments + "/web").body[path: ["metadata", "generation"]] == 4)
        // A patch naming an old resourceVersion conflicts.
        let stale = cluster.mergePatch(deployments + "/web/scale", ["metadata": ["resourceVersion": "1"], "spec": ["replicas": 1]])
        #expect(stale.status == 409)
        // Pods have no /scale.
        cluster.post(pods, ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": ["containers": [["name": "c"]]]])
        #expect(cluster.get(pods + "/p/scale").status == 404)
    }

    @Test func scaleAsATable() throws {
        cluster.post(deployments, TestCluster.deployment("web", replicas: 0))
        let table = cluster.get(deployments + "/web/scale", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.body["kind"] == "Table")
        let columns = table.body["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns == ["Name", "Desired", "Available", "Age"])
        let cells = table.body["rows"]?[0]?["cells"]?.arrayValue ?? []
        #expect(Array(cells.prefix(3)) == ["web", 0, 0])
    }

    func bind(_ pod: String, _ body: JSONValue, query: [String: String] = [:]) -> TestCluster.Reply {
        cluster.post(pods + "/\(pod)/binding", body, query: query)
    }

    static func binding(_ pod: String, node: String = "node-a") -> JSONValue {
        ["apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(pod)], "target": ["kind": "Node", "name": .string(node)]]
    }

    @Test func bindingAssignsOnceAndChecksWhatItIsGiven() throws {
        let created = cluster.post(
            pods, ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": ["containers": [["name": "c"]]]])
        let managedFields = created.body[path: ["metadata", "managedFields"]]

        #expect(bind("p", Self.binding("other")).message == "name in URL does not match name in Binding object")
        let noNode = bind("p", ["apiVersion": "v1", "kind": "Binding", "metadata": ["name": "p"], "target": ["kind": "Node"]])
        #expect(noNode.status == 422)
        #expect(noNode.message == "Binding \"p\" is invalid: target.name: Required value")
        var wrongKind = Self.binding("p")
        wrongKind[path: ["target", "kind"]] = "Pod"
        #expect(bind("p", wrongKind).message.contains("target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\""))
        var wrongUID = Self.binding("p")
        wrongUID[path: ["metadata", "uid"]] = "someone-else"
        #expect(bind("p", wrongUID).status == 409)
        #expect(bind("p", Self.binding("p"), query: ["dryRun": "All"]).status == 201)
        #expect(cluster.get(pods + "/p").body[path: ["spec", "nodeName"]] == nil)

        let bound = bind("p", Self.binding("p"))
        #expect(bound.status == 201)
        #expect(bound.body == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201])
        let pod = cluster.get(pods + "/p").body
        #expect(pod[path: ["spec", "nodeName"]] == "node-a")
        #expect(pod[path: ["status", "conditions"]]?[0]?["type"] == "PodScheduled")
        #expect(pod[path: ["metadata", "managedFields"]] == managedFields)

        let again = bind("p", Self.binding("p", node: "node-b"))
        #expect(again.status == 409)
        #expect(again.message == "Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"node-a\"")
        #expect(bind("nope", Self.binding("nope")).status == 404)

        // The bindings collection takes the pod's name from the Binding.
        cluster.post(pods, ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "q"], "spec": ["containers": [["name": "c"]]]])
        #expect(cluster.post("/api/v1/namespaces/default/bindings", Self.binding("q")).status == 201)
        #expect(cluster.get(pods + "/q").body[path: ["spec", "nodeName"]] == "node-a")
        #expect(cluster.get(pods + "/q/binding").status == 405)
    }

    @Test func discoveryListsTheSubresources() throws {
        func names(_ path: String) -> [String] {
            (cluster.get(path).body["resources"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
        let core = names("/api/v1")
        #expect(core.contains("bindings"))
        let podEntries = core.filter { $0.hasPrefix("pods/") }
        #expect(podEntries == ["pods/binding", "pods/log", "pods/status"])
        let apps = cluster.get("/apis/apps/v1").body["resources"]?.arrayValue ?? []
        let scale = apps.first { $0["name"] == "deployments/scale" }
        #expect(scale?["group"] == "autoscaling" && scale?["version"] == "v1" && scale?["kind"] == "Scale")
        #expect(scale?["verbs"] == ["get", "patch", "update"])
        #expect(apps.contains { $0["name"] == "replicasets/scale" })
    }
}
