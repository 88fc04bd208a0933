import KubeAPI
import Testing

@testable import DevCluster

private let subdomainRule =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
private let labelRule =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
private let keyNameRule =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
private let labelValueRule =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

struct MetaCase: Sendable, CustomTestStringConvertible {
    var name: String
    var metadata: JSONValue?
    var namespaced = true
    var expected: [String]
    var testDescription: String { name }
}

private let longName = String(repeating: "a", count: 254)

@Test(arguments: [
    MetaCase(name: "valid", metadata: ["name": "iris-1.v2", "namespace": "default"], expected: []),
    MetaCase(
        name: "bad name", metadata: ["name": "Bad_Name", "namespace": "default"],
        expected: [#"metadata.name: Invalid value: "Bad_Name": "# + subdomainRule]),
    MetaCase(
        name: "name ends with a dash", metadata: ["name": "iris-", "namespace": "default"],
        expected: [#"metadata.name: Invalid value: "iris-": "# + subdomainRule]),
    MetaCase(
        name: "name too long", metadata: ["name": .string(longName), "namespace": "default"],
        expected: ["metadata.name: Invalid value: \"\(longName)\": must be no more than 253 characters"]),
    MetaCase(
        name: "no name", metadata: ["namespace": "default"],
        expected: ["metadata.name: Required value: name or generateName is required"]),
    MetaCase(
        name: "no metadata at all", metadata: nil,
        expected: ["metadata.name: Required value: name or generateName is required", "metadata.namespace: Required value"]),
    MetaCase(name: "generateName only", metadata: ["generateName": "iris-", "namespace": "default"], expected: []),
    MetaCase(
        name: "bad generateName", metadata: ["generateName": "Iris-", "namespace": "default"],
        expected: [#"metadata.generateName: Invalid value: "Iris-": "# + subdomainRule]),
    MetaCase(name: "no namespace", metadata: ["name": "a"], expected: ["metadata.namespace: Required value"]),
    MetaCase(
        name: "bad namespace", metadata: ["name": "a", "namespace": "Team_A"],
        expected: [#"metadata.namespace: Invalid value: "Team_A": "# + labelRule]),
    MetaCase(
        name: "namespace with dots", metadata: ["name": "a", "namespace": "team.a"],
        expected: [#"metadata.namespace: Invalid value: "team.a": must not contain dots"#]),
    MetaCase(
        name: "namespace on a cluster-scoped kind", metadata: ["name": "a", "namespace": "default"], namespaced: false,
        expected: ["metadata.namespace: Forbidden: not allowed on this type"]),
    MetaCase(name: "cluster-scoped", metadata: ["name": "a"], namespaced: false, expected: []),
    MetaCase(
        name: "negative generation", metadata: ["name": "a", "namespace": "d", "generation": -1],
        expected: ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]),
    MetaCase(
        name: "good labels",
        metadata: ["name": "a", "namespace": "d", "labels": ["app": "iris", "trainyard.dev/model-name": "Iris_V1", "empty": ""]],
        expected: []),
    MetaCase(
        name: "label key with a space", metadata: ["name": "a", "namespace": "d", "labels": ["bad key": "v"]],
        expected: [#"metadata.labels: Invalid value: "bad key": "# + keyNameRule]),
    MetaCase(
        name: "label key with an empty prefix", metadata: ["name": "a", "namespace": "d", "labels": ["/app": "v"]],
        expected: [#"metadata.labels: Invalid value: "/app": prefix part must be non-empty"#]),
    MetaCase(
        name: "label key with a bad prefix", metadata: ["name": "a", "namespace": "d", "labels": ["Example.com/app": "v"]],
        expected: [#"metadata.labels: Invalid value: "Example.com/app": prefix part "# + subdomainRule]),
    MetaCase(
        name: "label key with two slashes", metadata: ["name": "a", "namespace": "d", "labels": ["a/b/c": "v"]],
        expected: [
            #"metadata.labels: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"#
        ]),
    MetaCase(
        name: "empty label key", metadata: ["name": "a", "namespace": "d", "labels": ["": "v"]],
        expected: [
            #"metadata.labels: Invalid value: "": name part must be non-empty"#, #"metadata.labels: Invalid value: "": "# + keyNameRule,
        ]),
    MetaCase(
        name: "bad label value", metadata: ["name": "a", "namespace": "d", "labels": ["app": "iris!"]],
        expected: [#"metadata.labels: Invalid value: "iris!": "# + labelValueRule]),
    MetaCase(
        name: "long label value", metadata: ["name": "a", "namespace": "d", "labels": ["app": .string(String(repeating: "v", count: 64))]],
        expected: ["metadata.labels: Invalid value: \"\(String(repeating: "v", count: 64))\": must be no more than 63 characters"]),
    MetaCase(
        name: "label value not a string", metadata: ["name": "a", "namespace": "d", "labels": ["replicas": 3]],
        expected: ["metadata.labels[replicas]: Invalid value: 3: must be a string"]),
    MetaCase(
        name: "annotation keys ignore case",
        metadata: ["name": "a", "namespace": "d", "annotations": ["Example.COM/Note": "anything at all"]],
        expected: []),
    MetaCase(
        name: "bad annotation key", metadata: ["name": "a", "namespace": "d", "annotations": ["a b": "x"]],
        expected: [#"metadata.annotations: Invalid value: "a b": "# + keyNameRule]),
    MetaCase(
        name: "annotations too large",
        metadata: ["name": "a", "namespace": "d", "annotations": ["big": .string(String(repeating: "x", count: 262_142))]],
        expected: ["metadata.annotations: Too long: may not be more than 262144 bytes"]),
    MetaCase(
        name: "bad finalizer", metadata: ["name": "a", "namespace": "d", "finalizers": ["trainyard.dev/cleanup", "no good"]],
        expected: [#"metadata.finalizers: Invalid value: "no good": "# + keyNameRule]),
    MetaCase(
        name: "name not a string", metadata: ["name": 5, "namespace": "d"],
        expected: [
            "metadata.name: Invalid value: 5: must be a string",
            "metadata.name: Required value: name or generateName is required",
        ]),
    MetaCase(name: "metadata not an object", metadata: "x", expected: [#"metadata: Invalid value: "x": must be an object"#]),
])
func objectMetaMessages(_ testCase: MetaCase) {
    let errors = SchemaValidator.validateObjectMeta(testCase.metadata, namespaced: testCase.namespaced)
    #expect(errors.map(\.message) == testCase.expected)
}

@Test func objectMetaErrorsCarryStatusCauseReasons() {
    let errors = SchemaValidator.validateObjectMeta(["name": "Bad_Name", "namespace": "default"], namespaced: false)
    #expect(errors.map(\.type) == [.invalid, .forbidden])
    #expect(errors.map(\.type.reason) == ["FieldValueInvalid", "FieldValueForbidden"])
    #expect(errors.map(\.field) == ["metadata.name", "metadata.namespace"])
    #expect(errors.first?.badValue == "Bad_Name")
}

@Test(arguments: [
    ("a", true), ("a-b.c-d", true), ("0", true), ("-a", false), ("a-", false), ("a..b", false), (".a", false), ("A", false),
    ("", false), ("a_b", false),
])
func dns1123Subdomains(_ value: String, _ valid: Bool) {
    #expect(ObjectMetaRules.dns1123Subdomain(value).isEmpty == valid)
}

@Test(arguments: [
    ("app", true), ("app.kubernetes.io/name", true), ("A_b-C.d", true), ("a/", false), ("_a", false),
    ("a" + String(repeating: "b", count: 63), false),
])
func qualifiedNames(_ value: String, _ valid: Bool) {
    #expect(ObjectMetaRules.qualifiedName(value).isEmpty == valid)
}

/// Namespace names are DNS-1123 labels; the create path reports any breach with the format rule.
@Test(
    arguments: [
        ("team-1", nil), ("Team", "metadata.name: Invalid value: \"Team\": " + labelRule),
        ("-team", "metadata.name: Invalid value: \"-team\": " + labelRule),
        ("team-", "metadata.name: Invalid value: \"team-\": " + labelRule),
        ("tëam", "metadata.name: Invalid value: \"tëam\": " + labelRule),
        ("", "metadata.name: Required value: name or generateName is required"),
    ] as [(String, String?)])
func namespaceNames(_ name: String, _ expected: String?) {
    #expect(ClusterState.validateNamespaceName(name).map(\.message) == (expected.map { [$0] } ?? []))
}
