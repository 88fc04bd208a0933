import Foundation
import KubeAPI
import Testing

@testable import DevCluster

/// Server-side printing of custom resources as `kubectl get` asks for it.
@Suite struct TableConverterTests {
    static let tableAccept =
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
    let cluster: TestCluster
    let trainingJobs = "/apis/trainyard.dev/v1alpha1/namespaces/default/trainingjobs"

    init() throws {
        cluster = try TestCluster()
        try cluster.installCRD("trainyard.dev_trainingjobs.yaml")
    }

    func createTrainingJob(_ name: String, status: JSONValue? = nil) throws -> JSONValue {
        var job = SchemaEnforcementTests.trainingJob(name)
        job[path: ["spec", "register"]] = ["modelName": "churn"]
        var created = cluster.post(trainingJobs, job)
        try #require(created.status == 201, "\(created.body.serialized())")
        if let status {
            var body = created.body
            body["status"] = status
            created = cluster.put(trainingJobs + "/\(name)/status", body)
            try #require(created.status == 200, "\(created.body.serialized())")
        }
        return created.body
    }

    @Test func listAsTableHasNameAndThePrinterColumns() throws {
        _ = try createTrainingJob("a", status: ["phase": "Running", "model": ["version": 3], "promotion": ["candidate": 0.91]])
        _ = try createTrainingJob("b")

        let reply = cluster.get(trainingJobs, accept: Self.tableAccept)
        #expect(reply.status == 200)
        let table = reply.body
        #expect(table["kind"] == "Table")
        #expect(table["apiVersion"] == "meta.k8s.io/v1")
        #expect(table[path: ["metadata", "resourceVersion"]] != nil)

        let columns = table["columnDefinitions"]?.arrayValue ?? []
        #expect(
            columns.compactMap { $0["name"]?.stringValue } == [
                "Name", "Phase", "Model", "Version", "Metric", "Decision", "Champion", "Run ID", "Age",
            ])
        #expect(
            columns.compactMap { $0["type"]?.stringValue } == [
                "string", "string", "string", "integer", "number", "string", "number", "string", "date",
            ])
        #expect(columns.compactMap { $0["priority"]?.intValue } == [0, 0, 0, 0, 0, 1, 1, 1, 0])
        #expect(columns.compactMap { $0["format"]?.stringValue } == ["name", "", "", "", "", "", "", "", ""])
        #expect(columns[1]["description"] == "Where the job is: Pending, Running, Succeeded, Failed or Suspended.")

        let rows = table["rows"]?.arrayValue ?? []
        try #require(rows.count == 2)
        let cells = rows[0]["cells"]?.arrayValue ?? []
        try #require(cells.count == 9)
        #expect(Array(cells[0..<8]) == ["a", "Running", "churn", 3, 0.91, nil, nil, nil])
        let age = try #require(cells[8].stringValue)
        #expect(age.wholeMatch(of: /[0-9]+s/) != nil, "a just-created object's age is in seconds, got \(age)")
        #expect(rows[1]["cells"]?[1] == .null, "a missing value is null, shown as <none>")

        // The default includeObject=Metadata carries each row's metadata for kubectl.
        #expect(rows[0][path: ["object", "kind"]] == "PartialObjectMetadata")
        #expect(rows[0][path: ["object", "metadata", "name"]] == "a")
        #expect(cluster.get(trainingJobs, query: ["includeObject": "None"], accept: Self.tableAccept).body["rows"]?[0]?["object"] == nil)
    }

    @Test func builtInKindsEndWithAnAgeColumn() throws {
        cluster.post("/api/v1/namespaces/default/configmaps", TestCluster.configMap("a"))
        let table = cluster.get("/api/v1/namespaces/default/configmaps", accept: Self.tableAccept).body
        #expect(table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Age"])
        #expect(table["columnDefinitions"]?[1]?["type"] == "string")
        let age = try #require(table["rows"]?[0]?["cells"]?[1]?.stringValue)
        #expect(age.wholeMatch(of: /[0-9]+s/) != nil, "got \(age)")
    }

    @Test func customResourceDefinitionsShowTheirCreationTimestamp() throws {
        let table = cluster.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", accept: Self.tableAccept).body
        // The default table convertor: Name and "Created At" as a date, shown as the timestamp itself.
        #expect(table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Created At"])
        #expect(table["columnDefinitions"]?[1]?["type"] == "date")
        let created = cluster.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/trainingjobs.trainyard.dev")
            .body[path: ["metadata", "creationTimestamp"]]
        #expect(table["rows"]?[0]?["cells"] == ["trainingjobs.trainyard.dev", try #require(created)])
    }

    @Test func columnsWithoutADescriptionNameTheirPath() throws {
        let crd: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "widgets.example.com"],
            "spec": [
                "group": "example.com", "scope": "Namespaced",
                "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"],
                "versions": [
                    [
                        "name": "v1", "served": true, "storage": true,
                        "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                        "additionalPrinterColumns": [["name": "Size", "type": "integer", "jsonPath": ".spec.size"]],
                    ]
                ],
            ],
        ]
        try #require(cluster.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status == 201)
        let widgets = "/apis/example.com/v1/namespaces/default/widgets"
        cluster.post(widgets, ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w"], "spec": ["size": 4]])
        let table = cluster.get(widgets, accept: Self.tableAccept).body
        // Only the declared columns: a CRD that declares any gets no Age column added.
        #expect(table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Size"])
        #expect(table["columnDefinitions"]?[1]?["description"] == "Custom resource definition column (in JSONPath format): .spec.size")
        #expect(table["rows"]?[0]?["cells"] == ["w", 4])
    }

    @Test func singleObjectAsTable() throws {
        _ = try createTrainingJob("a")
        let reply = cluster.get(trainingJobs + "/a", accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io")
        #expect(reply.body["kind"] == "Table")
        #expect(reply.body["apiVersion"] == "meta.k8s.io/v1beta1")
        #expect(reply.body["rows"]?.arrayValue?.count == 1)
    }

    static let ages: [(TimeInterval, String)] = [
        (0, "0s"),
        (59.9, "59s"),
        (190, "3m10s"),
        (3 * 3600 + 60, "3h1m"),
        (49 * 3600, "2d1h"),
        // A creation time slightly ahead of this clock is "now", as in Go, which truncates toward zero.
        (-1.5, "0s"),
        (-2, "<invalid>"),
    ]

    @Test(arguments: ages)
    func dateColumnIsShownAsAnAge(_ age: TimeInterval, _ expected: String) throws {
        let created = try createTrainingJob("a")
        let resource = try #require(cluster.store.read { $0.resource(group: "trainyard.dev", version: "v1alpha1", name: "trainingjobs") })
        var object = created
        object[path: ["metadata", "creationTimestamp"]] = "2025-06-01T12:00:00Z"
        let creation = try #require(TableConverter.parseTime("2025-06-01T12:00:00Z"))
        let table = TableConverter(resource: resource, now: creation.addingTimeInterval(age))
            .table([object], includeObject: "None", listMetadata: [:])
        #expect(table["rows"]?[0]?["cells"]?[8] == .string(expected))
    }

    @Test func unparsableDateIsInvalid() throws {
        var object = try createTrainingJob("a")
        object[path: ["metadata", "creationTimestamp"]] = "yesterday"
        let resource = try #require(cluster.store.read { $0.resource(group: "trainyard.dev", version: "v1alpha1", name: "trainingjobs") })
        let table = TableConverter(resource: resource, now: Date()).table([object], includeObject: "None", listMetadata: [:])
        #expect(table["rows"]?[0]?["cells"]?[8] == "<invalid>")
    }

    @Test func filterColumnPicksTheMatchingCondition() throws {
        try cluster.installCRD("trainyard.dev_modeldeployments.yaml")
        let path = "/apis/trainyard.dev/v1alpha1/namespaces/default/modeldeployments"
        let created = cluster.post(
            path,
            [
                "apiVersion": "trainyard.dev/v1alpha1", "kind": "ModelDeployment", "metadata": ["name": "churn"],
                "spec": ["model": ["name": "churn", "alias": "champion"], "replicas": 2],
            ])
        try #require(created.status == 201, "\(created.body.serialized())")
        var body = created.body
        let condition = { (type: String, status: String) -> JSONValue in
            [
                "type": .string(type), "status": .string(status), "reason": "Checked", "message": "",
                "lastTransitionTime": "2025-06-01T12:00:00Z",
            ]
        }
        body["status"] = ["conditions": [condition("Progressing", "False"), condition("Ready", "True")]]
        let updated = cluster.put(path + "/churn/status", body)
        try #require(updated.status == 200, "\(updated.body.serialized())")

        let table = cluster.get(path, accept: Self.tableAccept).body
        let names = table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let ready = try #require(names.firstIndex(of: "Ready"))
        let replicas = try #require(names.firstIndex(of: "Replicas"))
        let cells = table["rows"]?[0]?["cells"]
        #expect(cells?[ready] == "True")
        #expect(cells?[replicas] == 2)
    }
}
