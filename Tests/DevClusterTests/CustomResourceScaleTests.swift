import KubeAPI
import Testing

@testable import DevCluster

/// `/scale` of custom resources whose CRD declares `subresources.scale`, against the real
/// ModelDeployment CRD and a cluster-scoped Widget whose replicas field may be missing.
@Suite struct CustomResourceScaleTests {
    let cluster: TestCluster
    let modelDeployments = "/apis/trainyard.dev/v1alpha1/namespaces/default/modeldeployments"
    let widgets = "/apis/example.com/v1/widgets"
    let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"

    init() throws {
        cluster = try TestCluster()
        try cluster.installCRD("trainyard.dev_modeldeployments.yaml")
    }

    static func modelDeployment(_ name: String) -> JSONValue {
        [
            "apiVersion": "trainyard.dev/v1alpha1", "kind": "ModelDeployment", "metadata": ["name": .string(name)],
            "spec": ["model": ["name": "m", "alias": "champion"]],
        ]
    }

    /// A cluster-scoped kind with no schema to speak of: its spec replicas may be absent, and only
    /// the scale checks keep them from going negative.
    static func widgetCRD(scale: JSONValue = ["specReplicasPath": ".spec.size", "statusReplicasPath": ".status.count"]) -> JSONValue {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "widgets.example.com"],
            "spec": [
                "group": "example.com", "scope": "Cluster",
                "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"],
                "versions": [
                    [
                        "name": "v1", "served": true, "storage": true,
                        "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                        "subresources": ["status": [:], "scale": scale],
                    ]
                ],
            ],
        ]
    }

    func createModelDeployment(_ name: String) throws {
        let created = cluster.post(modelDeployments, Self.modelDeployment(name))
        try #require(created.status == 201, "\(created.body.serialized())")
    }

    @Test func scaleReadsTheFieldsTheCRDNames() throws {
        try createModelDeployment("x")
        let status = cluster.mergePatch(modelDeployments + "/x/status", ["status": ["replicas": 2, "selector": "app=x,tier in (a,b)"]])
        try #require(status.status == 200, "\(status.body.serialized())")

        let scale = cluster.get(modelDeployments + "/x/scale")
        #expect(scale.status == 200, "\(scale.body.serialized())")
        #expect(scale.body["kind"] == "Scale" && scale.body["apiVersion"] == "autoscaling/v1")
        // spec.replicas defaults to 1 from the CRD's schema.
        #expect(scale.body[path: ["spec", "replicas"]] == 1)
        #expect(scale.body[path: ["status", "replicas"]] == 2)
        #expect(scale.body[path: ["status", "selector"]] == "app=x,tier in (a,b)")
        let parent = cluster.get(modelDeployments + "/x").body
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            #expect(scale.body[path: ["metadata", key]] == parent[path: ["metadata", key]], "\(key)")
        }
        #expect(cluster.get(modelDeployments + "/nope/scale").message == "modeldeployments.trainyard.dev \"nope\" not found")
    }

    @Test func writingTheScaleIsASpecChange() throws {
        try createModelDeployment("x")
        var wanted = cluster.get(modelDeployments + "/x/scale").body
        wanted[path: ["spec", "replicas"]] = 3
        let written = cluster.put(modelDeployments + "/x/scale", wanted)
        #expect(written.status == 200, "\(written.body.serialized())")
        #expect(written.body["kind"] == "Scale" && written.body[path: ["spec", "replicas"]] == 3)
        let parent = cluster.get(modelDeployments + "/x").body
        #expect(parent[path: ["spec", "replicas"]] == 3)
        #expect(parent[path: ["metadata", "generation"]] == 2)
        #expect(written.resourceVersion == parent[path: ["metadata", "resourceVersion"]]?.stringValue)
        let entry = parent[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["subresource"] == "scale" }
        #expect(entry?["manager"] == "kubectl", "\(parent[path: ["metadata", "managedFields"]]?.serialized() ?? "")")

        let stale = cluster.put(modelDeployments + "/x/scale", wanted)
        #expect(stale.status == 409)
        #expect(
            stale.message.hasPrefix("Operation cannot be fulfilled on modeldeployments.trainyard.dev \"x\": the object has been modified"))

        var renamed = cluster.get(modelDeployments + "/x/scale").body
        renamed[path: ["metadata", "name"]] = "y"
        #expect(
            cluster.put(modelDeployments + "/x/scale", renamed).message
                == "the name of the object (y) does not match the name on the URL (x)")

        // The custom resource is checked, not the Scale: its schema's minimum and the scale checks both speak.
        var negative = cluster.get(modelDeployments + "/x/scale").body
        negative[path: ["spec", "replicas"]] = -1
        let invalid = cluster.put(modelDeployments + "/x/scale", negative)
        #expect(invalid.status == 422)
        #expect(
            invalid.message
                == "ModelDeployment.trainyard.dev \"x\" is invalid: [spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0, .spec.replicas: Invalid value: -1: should be a non-negative integer]"
        )
        #expect(cluster.get(modelDeployments + "/x").body[path: ["spec", "replicas"]] == 3)
    }

    @Test func patchingTheScale() throws {
        try createModelDeployment("x")
        let merged = cluster.mergePatch(modelDeployments + "/x/scale", ["spec": ["replicas": 3]])
        #expect(merged.status == 200 && merged.body[path: ["spec", "replicas"]] == 3, "\(merged.body.serialized())")
        let json = cluster.send(
            "PATCH", modelDeployments + "/x/scale", contentType: "application/json-patch+json",
            rawBody: #"[{"op":"replace","path":"/spec/replicas","value":4}]"#)
        #expect(json.status == 200 && json.body[path: ["spec", "replicas"]] == 4, "\(json.body.serialized())")
        let parent = cluster.get(modelDeployments + "/x").body
        #expect(parent[path: ["spec", "replicas"]] == 4 && parent[path: ["metadata", "generation"]] == 3)

        // Custom resources take no strategic merge patch, and neither does their Scale.
        let strategic = cluster.send(
            "PATCH", modelDeployments + "/x/scale", contentType: "application/strategic-merge-patch+json",
            rawBody: #"{"spec":{"replicas":6}}"#)
        #expect(strategic.status == 415)
        #expect(strategic.message.hasSuffix("accepted media types include: application/json-patch+json, application/merge-patch+json"))
        let stale = cluster.mergePatch(modelDeployments + "/x/scale", ["metadata": ["resourceVersion": "1"], "spec": ["replicas": 1]])
        #expect(stale.status == 409)
        #expect(cluster.mergePatch(modelDeployments + "/x/scale", ["spec": ["replicas": -2]]).status == 422)
        #expect(cluster.get(modelDeployments + "/x").body[path: ["spec", "replicas"]] == 4)
    }

    @Test func aMissingReplicasFieldHasNoScaleUntilOneIsWritten() throws {
        try #require(cluster.post(crds, Self.widgetCRD()).status == 201)
        let created = cluster.post(widgets, ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w"], "spec": [:]])
        try #require(created.status == 201, "\(created.body.serialized())")

        let missing = cluster.get(widgets + "/w/scale")
        #expect(missing.status == 500)
        #expect(missing.message == "Internal error occurred: the spec replicas field \".spec.size\" does not exist")
        let empty = cluster.mergePatch(widgets + "/w/scale", ["metadata": ["labels": ["a": "b"]]])
        #expect(empty.status == 400)
        #expect(empty.message == "the spec replicas field \".spec.size\" cannot be empty")

        let patched = cluster.mergePatch(widgets + "/w/scale", ["spec": ["replicas": 2]])
        #expect(patched.status == 200, "\(patched.body.serialized())")
        #expect(patched.body[path: ["metadata", "namespace"]] == nil)
        #expect(patched.body["status"] == ["replicas": 0], "no selector path: no selector")
        #expect(cluster.get(widgets + "/w").body[path: ["spec", "size"]] == 2)

        // Without a minimum in the schema, the scale checks alone reject a negative count, on any write.
        var scale = cluster.get(widgets + "/w/scale").body
        scale[path: ["spec", "replicas"]] = -1
        let negative = cluster.put(widgets + "/w/scale", scale)
        #expect(negative.status == 422)
        #expect(negative.message == "Widget.example.com \"w\" is invalid: .spec.size: Invalid value: -1: should be a non-negative integer")
        #expect(
            cluster.mergePatch(widgets + "/w", ["spec": ["size": "two"]]).message.contains(
                ".spec.size accessor error: two is of the type string"))
        let status = cluster.mergePatch(widgets + "/w/status", ["status": ["count": -1]])
        #expect(status.message == "Widget.example.com \"w\" is invalid: .status.count: Invalid value: -1: should be a non-negative integer")
    }

    @Test func theCRDsScalePathsAreChecked() throws {
        let outside = cluster.post(crds, Self.widgetCRD(scale: ["specReplicasPath": ".status.size", "statusReplicasPath": "count"]))
        #expect(outside.status == 422)
        #expect(
            outside.message
                == "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: [spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".status.size\": should be a json path under .spec, spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: \"count\": must be a simple json path starting with .]"
        )
        let required = cluster.post(crds, Self.widgetCRD(scale: ["labelSelectorPath": ".metadata.labels"]))
        #expect(required.status == 422)
        #expect(required.message.contains("spec.versions[0].subresources.scale.specReplicasPath: Required value"))
        #expect(required.message.contains("spec.versions[0].subresources.scale.statusReplicasPath: Required value"))
        #expect(
            required.message.contains(
                "labelSelectorPath: Invalid value: \".metadata.labels\": should be a json path under either .spec or .status"))
    }

    @Test func discoveryListsScaleOnlyWhereTheCRDDeclaresIt() throws {
        try cluster.installCRD("trainyard.dev_trainingjobs.yaml")
        let resources = cluster.get("/apis/trainyard.dev/v1alpha1").body["resources"]?.arrayValue ?? []
        let scale = resources.first { $0["name"] == "modeldeployments/scale" }
        #expect(scale?["group"] == "autoscaling" && scale?["version"] == "v1" && scale?["kind"] == "Scale")
        #expect(scale?["verbs"] == ["get", "patch", "update"] && scale?["namespaced"] == true)
        let names = resources.compactMap { $0["name"]?.stringValue }
        #expect(
            names.filter { $0.hasPrefix("modeldeployments") } == ["modeldeployments", "modeldeployments/scale", "modeldeployments/status"])
        #expect(!names.contains("trainingjobs/scale"))

        let job = cluster.post(
            "/apis/trainyard.dev/v1alpha1/namespaces/default/trainingjobs",
            SchemaEnforcementTests.trainingJob("j"))
        try #require(job.status == 201, "\(job.body.serialized())")
        let noScale = cluster.get("/apis/trainyard.dev/v1alpha1/namespaces/default/trainingjobs/j/scale")
        #expect(noScale.status == 404)
        #expect(
            cluster.mergePatch("/apis/trainyard.dev/v1alpha1/namespaces/default/trainingjobs/j/scale", ["spec": ["replicas": 1]]).status
                == 404)
    }
}
