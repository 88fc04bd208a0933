import KubeAPI
import Testing
import TrainyardTesting

@testable import DevCluster

/// A schema shaped like a Trainyard CRD: nested objects, enums, defaults, list types, an embedded
/// resource, preserve-unknown-fields and a string map.
private let trainingJobSchemaJSON = """
    {
      "type": "object",
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
          "type": "object",
          "required": ["data", "model"],
          "properties": {
            "data": {
              "type": "object",
              "required": ["source"],
              "properties": {
                "source": {"type": "string", "minLength": 1},
                "format": {"type": "string", "enum": ["csv"], "default": "csv"},
                "target": {"type": "string"},
                "validationFraction": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 0.9, "default": 0.2},
                "features": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"}
              }
            },
            "task": {"type": "string", "enum": ["classification", "regression"], "default": "classification"},
            "model": {
              "type": "object",
              "required": ["type"],
              "properties": {
                "type": {"type": "string", "enum": ["gbdt", "linear", "logistic"]},
                "params": {"type": "object", "additionalProperties": {"x-kubernetes-int-or-string": true}}
              }
            },
            "register": {
              "type": "object",
              "default": {},
              "properties": {
                "modelName": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 63},
                "promotion": {
                  "type": "object",
                  "default": {},
                  "properties": {
                    "alias": {"type": "string", "default": "champion"},
                    "mode": {"type": "string", "enum": ["max", "min"], "default": "max"},
                    "minImprovement": {"type": "number", "default": 0}
                  }
                }
              }
            },
            "replicas": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 10},
            "note": {"type": "string", "nullable": true},
            "tolerations": {
              "type": "array",
              "items": {"type": "object", "properties": {"key": {"type": "string"}, "effect": {"type": "string", "default": "NoSchedule"}}}
            },
            "env": {
              "type": "array",
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["name"],
              "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}
            },
            "template": {
              "type": "object",
              "x-kubernetes-preserve-unknown-fields": true,
              "properties": {"image": {"type": "string"}, "inner": {"type": "object", "properties": {"a": {"type": "string"}}}}
            },
            "pod": {
              "type": "object",
              "x-kubernetes-embedded-resource": true,
              "properties": {"spec": {"type": "object", "properties": {"x": {"type": "string"}}}}
            },
            "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 5}}
          }
        },
        "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
      }
    }
    """

private func json(_ text: String) -> JSONValue {
    try! JSONValue.parse(text)
}

private func trainingJobValidator() throws -> SchemaValidator {
    try SchemaValidator(openAPIV3Schema: json(trainingJobSchemaJSON))
}

private func validJob() -> JSONValue {
    json(
        """
        {"apiVersion": "trainyard.dev/v1alpha1", "kind": "TrainingJob",
         "metadata": {"name": "iris", "namespace": "default"},
         "spec": {"data": {"source": "s3://bucket/iris.csv", "target": "species"}, "model": {"type": "gbdt"}}}
        """)
}

/// A valid job with `value` set at `path` (nil removes the field).
private func job(setting path: [String], to value: JSONValue?) -> JSONValue {
    var object = validJob()
    object[path: path] = value
    return object
}

/// Validates against a one-property schema `{"type": "object", "properties": {"x": property}}`.
private func messages(property: String, value: JSONValue) throws -> [String] {
    let schema = try StructuralSchema(json: json(#"{"type": "object", "properties": {"x": \#(property)}}"#))
    return SchemaValidator(schema: schema).validate(["x": value]).map(\.message)
}

// MARK: - The CRD-like schema

@Test func validJobHasNoErrors() throws {
    let validator = try trainingJobValidator()
    let (pruned, unknown) = validator.prune(validJob())
    #expect(unknown.isEmpty)
    #expect(validator.validate(validator.applyDefaults(pruned)).isEmpty)
}

struct JobCase: Sendable, CustomTestStringConvertible {
    var path: [String]
    var value: JSONValue?
    var expected: [String]
    var testDescription: String { path.joined(separator: ".") }
}

@Test(arguments: [
    JobCase(
        path: ["spec", "model", "type"], value: "foo",
        expected: [#"spec.model.type: Unsupported value: "foo": supported values: "gbdt", "linear", "logistic""#]),
    JobCase(path: ["spec", "data"], value: nil, expected: ["spec.data: Required value"]),
    JobCase(path: ["spec", "data", "source"], value: nil, expected: ["spec.data.source: Required value"]),
    JobCase(
        path: ["spec", "replicas"], value: "abc",
        expected: [#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#]),
    JobCase(
        path: ["spec", "replicas"], value: 1.5,
        // With a format, kube-openapi names the format it expected and the one it found.
        expected: [#"spec.replicas: Invalid value: "float64": spec.replicas in body must be of type int32: "float64""#]),
    JobCase(path: ["spec", "replicas"], value: 2.0, expected: []),
    JobCase(
        path: ["spec", "replicas"], value: 0,
        expected: ["spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"]),
    JobCase(
        path: ["spec", "replicas"], value: 11,
        expected: ["spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"]),
    JobCase(
        path: ["spec", "data", "validationFraction"], value: 1.5,
        expected: [
            "spec.data.validationFraction: Invalid value: 1.5: spec.data.validationFraction in body should be less than or equal to 0.9"
        ]),
    JobCase(
        path: ["spec", "data", "validationFraction"], value: 0,
        expected: ["spec.data.validationFraction: Invalid value: 0: spec.data.validationFraction in body should be greater than 0"]),
    JobCase(
        path: ["spec", "data", "source"], value: "",
        expected: [#"spec.data.source: Invalid value: "": spec.data.source in body should be at least 1 chars long"#]),
    JobCase(
        path: ["spec", "register", "modelName"], value: "Bad_Name",
        expected: [#"spec.register.modelName: Invalid value: "Bad_Name": spec.register.modelName in body should match '^[a-z0-9-]+$'"#]),
    JobCase(
        path: ["spec", "register", "modelName"], value: .string(String(repeating: "a", count: 64)),
        expected: ["spec.register.modelName: Too long: may not be more than 63 bytes"]),
    JobCase(
        path: ["spec", "data", "features"], value: ["a", "b", "a", "a", "b"],
        expected: [#"spec.data.features[2]: Duplicate value: "a""#, #"spec.data.features[4]: Duplicate value: "b""#]),
    JobCase(
        path: ["spec", "env"], value: [["name": "A"], ["name": "B", "value": "1"], ["name": "A", "value": "2"]],
        expected: [#"spec.env[2]: Duplicate value: {"name":"A"}"#]),
    JobCase(
        path: ["spec", "env"], value: [["name": "A"], "oops"],
        expected: [
            #"spec.env[1]: Invalid value: "string": spec.env[1] in body must be of type object: "string""#,
            #"spec.env[1]: Invalid value: "oops": must be an object for an array of list-type map"#,
        ]),
    JobCase(
        path: ["spec", "labels"], value: ["team": "ml", "owner": "someone"],
        expected: ["spec.labels.owner: Too long: may not be more than 5 bytes"]),
    JobCase(
        path: ["spec", "model", "params"], value: ["depth": 6, "lr": "0.1", "bad": true],
        expected: [
            #"spec.model.params.bad: Invalid value: "boolean": spec.model.params.bad in body must be of type integer,string: "boolean""#
        ]),
    JobCase(
        path: ["spec", "tolerations"], value: [["key": "a"], ["key": 5]],
        expected: [#"spec.tolerations[1].key: Invalid value: "integer": spec.tolerations[1].key in body must be of type string: "integer""#]
    ),
    JobCase(
        path: ["spec", "task"], value: .null,
        expected: [
            #"spec.task: Invalid value: "null": spec.task in body must be of type string: "null""#,
            #"spec.task: Unsupported value: null: supported values: "classification", "regression""#,
        ]),
    JobCase(path: ["spec", "note"], value: .null, expected: []),
    JobCase(
        path: ["spec", "model"], value: "gbdt",
        expected: [#"spec.model: Invalid value: "string": spec.model in body must be of type object: "string""#]),
])
func jobErrors(_ testCase: JobCase) throws {
    let validator = try trainingJobValidator()
    let object = job(setting: testCase.path, to: testCase.value)
    #expect(validator.validate(object).map(\.message) == testCase.expected)
}

@Test func everyErrorIsReportedNotJustTheFirst() throws {
    let validator = try trainingJobValidator()
    var object = validJob()
    object[path: ["spec", "model", "type"]] = "forest"
    object[path: ["spec", "data", "source"]] = nil
    object[path: ["spec", "replicas"]] = 100
    object[path: ["spec", "task"]] = "clustering"
    let errors = validator.validate(object)
    #expect(
        errors.map(\.message) == [
            "spec.data.source: Required value",
            #"spec.model.type: Unsupported value: "forest": supported values: "gbdt", "linear", "logistic""#,
            "spec.replicas: Invalid value: 100: spec.replicas in body should be less than or equal to 10",
            #"spec.task: Unsupported value: "clustering": supported values: "classification", "regression""#,
        ])
    #expect(errors.map(\.type.reason) == ["FieldValueRequired", "FieldValueNotSupported", "FieldValueInvalid", "FieldValueNotSupported"])
}

@Test func customResourceValidationReportsMetadataBeforeSchema() throws {
    let validator = try trainingJobValidator()
    var object = job(setting: ["spec", "model", "type"], to: "forest")
    object[path: ["metadata", "name"]] = "Iris_1"
    let messages = validator.validateCustomResource(object, namespaced: true).map(\.message)
    #expect(messages.count == 2)
    #expect(messages.first?.hasPrefix(#"metadata.name: Invalid value: "Iris_1": a lowercase RFC 1123 subdomain"#) == true)
    #expect(messages.last?.hasPrefix("spec.model.type: Unsupported value") == true)
}

// MARK: - Keywords one by one

struct KeywordCase: Sendable, CustomTestStringConvertible {
    var property: String
    var value: JSONValue
    var expected: [String]
    var testDescription: String { "\(property) ← \(value)" }
}

@Test(arguments: [
    // type
    KeywordCase(property: #"{"type": "string"}"#, value: "ok", expected: []),
    KeywordCase(
        property: #"{"type": "string"}"#, value: 1, expected: [#"x: Invalid value: "integer": x in body must be of type string: "integer""#]
    ),
    KeywordCase(
        property: #"{"type": "boolean"}"#, value: "true",
        expected: [#"x: Invalid value: "string": x in body must be of type boolean: "string""#]),
    KeywordCase(property: #"{"type": "number"}"#, value: 3, expected: []),
    KeywordCase(property: #"{"type": "integer"}"#, value: 3.0, expected: []),
    KeywordCase(
        property: #"{"type": "integer"}"#, value: 3.25,
        expected: [#"x: Invalid value: "number": x in body must be of type integer: "number""#]),
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "string"}}"#, value: ["a": 1],
        expected: [#"x: Invalid value: "object": x in body must be of type array: "object""#]),
    KeywordCase(
        property: #"{"type": "object"}"#, value: [1], expected: [#"x: Invalid value: "array": x in body must be of type object: "array""#]),
    KeywordCase(
        property: #"{"type": "integer", "format": "int64"}"#, value: true,
        expected: [#"x: Invalid value: "": x in body must be of type int64: """#]),
    KeywordCase(property: #"{"x-kubernetes-int-or-string": true}"#, value: "50%", expected: []),
    KeywordCase(property: #"{"x-kubernetes-int-or-string": true}"#, value: 3, expected: []),
    KeywordCase(
        property: #"{"x-kubernetes-int-or-string": true}"#, value: 0.5,
        expected: [#"x: Invalid value: "number": x in body must be of type integer,string: "number""#]),
    KeywordCase(property: #"{"type": "string", "nullable": true}"#, value: .null, expected: []),
    KeywordCase(property: #"{"type": "object", "x-kubernetes-preserve-unknown-fields": true}"#, value: ["any": [1, 2]], expected: []),
    // enum
    KeywordCase(
        property: #"{"type": "string", "enum": ["b", "a"]}"#, value: "c",
        expected: [#"x: Unsupported value: "c": supported values: "b", "a""#]),
    KeywordCase(
        property: #"{"x-kubernetes-preserve-unknown-fields": true, "enum": [1, 2.5, "s", true, null]}"#, value: 3,
        expected: [#"x: Unsupported value: 3: supported values: "1", "2.5", "s", "true", "null""#]),
    KeywordCase(property: #"{"type": "number", "enum": [1, 2]}"#, value: 2.0, expected: []),
    KeywordCase(
        property: #"{"type": "string", "enum": ["a"]}"#, value: .null,
        expected: [
            #"x: Invalid value: "null": x in body must be of type string: "null""#, #"x: Unsupported value: null: supported values: "a""#,
        ]),
    KeywordCase(
        property: #"{"type": "object", "enum": [{"a": 1}]}"#, value: ["a": 2],
        expected: [#"x: Unsupported value: {"a":2}: supported values: "{\"a\":1}""#]),
    // numbers
    KeywordCase(
        property: #"{"type": "number", "maximum": 10, "exclusiveMaximum": true}"#, value: 10,
        expected: ["x: Invalid value: 10: x in body should be less than 10"]),
    KeywordCase(property: #"{"type": "number", "maximum": 10, "exclusiveMaximum": true}"#, value: 9.5, expected: []),
    KeywordCase(
        property: #"{"type": "number", "minimum": 0.5}"#, value: 0.25,
        expected: ["x: Invalid value: 0.25: x in body should be greater than or equal to 0.5"]),
    KeywordCase(
        property: #"{"type": "number", "minimum": 1e-7}"#, value: 0.0,
        expected: ["x: Invalid value: 0: x in body should be greater than or equal to 1e-07"]),
    KeywordCase(
        property: #"{"type": "number", "maximum": 1e21}"#, value: 2e21,
        expected: ["x: Invalid value: 2e+21: x in body should be less than or equal to 1e+21"]),
    KeywordCase(
        property: #"{"type": "integer", "multipleOf": 5}"#, value: 12,
        expected: ["x: Invalid value: 12: x in body should be a multiple of 5"]),
    KeywordCase(property: #"{"type": "integer", "multipleOf": 5}"#, value: 15, expected: []),
    KeywordCase(property: #"{"type": "number", "multipleOf": 0.1}"#, value: 0.3, expected: []),
    KeywordCase(
        property: #"{"type": "number", "multipleOf": 0.25}"#, value: 0.3,
        expected: ["x: Invalid value: 0.3: x in body should be a multiple of 0.25"]),
    KeywordCase(
        property: #"{"type": "number", "minimum": 1, "maximum": 0}"#, value: 0.5,
        expected: [
            "x: Invalid value: 0.5: x in body should be greater than or equal to 1",
            "x: Invalid value: 0.5: x in body should be less than or equal to 0",
        ]),
    // strings: only the first failure is reported
    KeywordCase(property: #"{"type": "string", "maxLength": 3}"#, value: "abcd", expected: ["x: Too long: may not be more than 3 bytes"]),
    KeywordCase(property: #"{"type": "string", "maxLength": 1}"#, value: "ab", expected: ["x: Too long: may not be more than 1 byte"]),
    KeywordCase(property: #"{"type": "string", "maxLength": 3}"#, value: "äöü", expected: []),
    KeywordCase(
        property: #"{"type": "string", "minLength": 2, "pattern": "^z"}"#, value: "a",
        expected: [#"x: Invalid value: "a": x in body should be at least 2 chars long"#]),
    KeywordCase(property: #"{"type": "string", "pattern": "[0-9]"}"#, value: "v1", expected: []),
    KeywordCase(
        property: #"{"type": "string", "pattern": "^[0-9]+$"}"#, value: "say \"hi\"\n",
        expected: [#"x: Invalid value: "say \"hi\"\n": x in body should match '^[0-9]+$'"#]),
    // formats
    KeywordCase(property: #"{"type": "string", "format": "date-time"}"#, value: "2024-05-01T10:00:00Z", expected: []),
    KeywordCase(
        property: #"{"type": "string", "format": "date-time"}"#, value: "yesterday",
        expected: [#"x: Invalid value: "yesterday": x in body must be of type date-time: "yesterday""#]),
    KeywordCase(property: #"{"type": "string", "format": "byte"}"#, value: "aGVsbG8=", expected: []),
    KeywordCase(
        property: #"{"type": "string", "format": "byte"}"#, value: "not base64!",
        expected: [#"x: Invalid value: "not base64!": x in body must be of type byte: "not base64!""#]),
    KeywordCase(property: #"{"type": "string", "format": "uuid"}"#, value: "123e4567-e89b-12d3-a456-426614174000", expected: []),
    KeywordCase(
        property: #"{"type": "string", "format": "ipv4"}"#, value: "10.0.300.1",
        expected: [#"x: Invalid value: "10.0.300.1": x in body must be of type ipv4: "10.0.300.1""#]),
    KeywordCase(property: #"{"type": "string", "format": "int32"}"#, value: "anything", expected: []),
    KeywordCase(property: #"{"type": "number", "format": "double"}"#, value: 1.5, expected: []),
    // arrays
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "integer"}, "minItems": 2}"#, value: [1],
        expected: ["x: Invalid value: 1: x in body should have at least 2 items"]),
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "integer"}, "maxItems": 2}"#, value: [1, 2, 3],
        expected: ["x: Too many: 3: must have at most 2 items"]),
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "integer"}, "maxItems": 1}"#, value: [1, 2],
        expected: ["x: Too many: 2: must have at most 1 item"]),
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "integer"}, "uniqueItems": true}"#, value: [1, 2, 1],
        expected: [#"x: Invalid value: "": x in body shouldn't contain duplicates"#]),
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "integer"}, "x-kubernetes-list-type": "set"}"#, value: [1, 1.0, 1],
        expected: ["x[2]: Duplicate value: 1"]),
    KeywordCase(
        property: #"{"type": "array", "items": {"type": "integer"}, "x-kubernetes-list-type": "atomic"}"#, value: [1, 1], expected: []),
    KeywordCase(
        property:
            #"{"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}"#,
        value: [["a": 1], ["a": 1]], expected: [#"x[1]: Duplicate value: {"a":1}"#]),
    KeywordCase(
        property:
            #"{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k", "p"], "items": {"type": "object", "properties": {"k": {"type": "string"}, "p": {"type": "integer"}}}}"#,
        value: [["k": "a", "p": 1], ["k": "a", "p": 2], ["k": "a", "p": 1]], expected: [#"x[2]: Duplicate value: {"k":"a","p":1}"#]),
    KeywordCase(
        property:
            #"{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"], "items": {"type": "object", "properties": {"k": {"type": "string"}}}}"#,
        value: [[:], ["k": "a"], [:]], expected: ["x[2]: Duplicate value: {}"]),
    // objects
    KeywordCase(
        property: #"{"type": "object", "minProperties": 2, "required": ["a"]}"#, value: ["b": 1],
        expected: ["x: Invalid value: 1: x in body should have at least 2 properties"]),
    KeywordCase(
        property: #"{"type": "object", "maxProperties": 1, "x-kubernetes-preserve-unknown-fields": true}"#, value: ["a": 1, "b": 2],
        expected: ["x: Too many: 2: must have at most 1 item"]),
    KeywordCase(
        property: #"{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}"#,
        value: ["a": "1", "b": 2], expected: [#"x: Invalid value: "b": x.b in body is a forbidden property"#]),
    KeywordCase(
        property: #"{"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}"#, value: ["a": 1, "b": -1],
        expected: ["x.b: Invalid value: -1: x.b in body should be greater than or equal to 0"]),
    KeywordCase(
        property: #"{"type": "object", "required": ["b", "a"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}"#,
        value: [:], expected: ["x.b: Required value", "x.a: Required value"]),
    // anyOf / oneOf / allOf / not (value validations on the same value)
    KeywordCase(property: #"{"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]}"#, value: "bee", expected: []),
    KeywordCase(
        property: #"{"type": "string", "anyOf": [{"maxLength": 1}, {"pattern": "^b"}]}"#, value: "cee",
        expected: [#": Invalid value: "": "x" must validate at least one schema (anyOf)"#, "x: Too long: may not be more than 1 byte"]),
    KeywordCase(
        property: #"{"type": "integer", "oneOf": [{"minimum": 0}, {"maximum": 10}]}"#, value: 5,
        expected: [#": Invalid value: "": "x" must validate one and only one schema (oneOf). Found 2 valid alternatives"#]),
    KeywordCase(property: #"{"type": "integer", "oneOf": [{"minimum": 0}, {"maximum": 10}]}"#, value: 50, expected: []),
    KeywordCase(
        property: #"{"type": "integer", "allOf": [{"minimum": 0}, {"maximum": 10}]}"#, value: 50,
        expected: [
            "x: Invalid value: 50: x in body should be less than or equal to 10",
            #": Invalid value: "": "x" must validate all the schemas (allOf)"#,
        ]),
    KeywordCase(
        property: #"{"type": "string", "not": {"enum": ["forbidden"]}}"#, value: "forbidden",
        expected: [#": Invalid value: "": "x" must not validate the schema (not)"#]),
])
func keywordErrors(_ testCase: KeywordCase) throws {
    #expect(try messages(property: testCase.property, value: testCase.value) == testCase.expected)
}

// MARK: - Pruning

@Test func pruningRemovesUnknownFieldsAndReportsTheirPaths() throws {
    let validator = try trainingJobValidator()
    let object = json(
        """
        {"apiVersion": "trainyard.dev/v1alpha1", "kind": "TrainingJob", "extra": 1,
         "metadata": {"name": "iris", "bogus": true, "labels": {"a": "b"}},
         "spec": {"data": {"source": "s", "sorce": "typo"}, "model": {"type": "gbdt"}, "foo": {"bar": 1},
                  "tolerations": [{"key": "a"}, {"key": "b", "operator": "Exists"}],
                  "template": {"image": "x", "anything": {"goes": [1]}, "inner": {"a": "1", "zzz": 2}},
                  "pod": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"x": "1", "y": 2}, "other": 3},
                  "labels": {"k": "v"}},
         "status": {"free": {"form": true}}}
        """)
    let (pruned, unknown) = validator.prune(object)
    #expect(
        unknown == [
            "extra", "metadata.bogus", "spec.data.sorce", "spec.foo", "spec.pod.other", "spec.pod.spec.y",
            "spec.template.inner.zzz", "spec.tolerations[1].operator",
        ])
    #expect(pruned["extra"] == nil)
    #expect(pruned[path: ["metadata", "labels", "a"]] == "b")
    #expect(pruned[path: ["spec", "template", "anything", "goes"]] == [1])
    #expect(pruned[path: ["spec", "template", "inner"]] == ["a": "1"])
    #expect(pruned[path: ["spec", "pod", "kind"]] == "Pod")
    #expect(pruned[path: ["spec", "pod", "metadata", "name"]] == "p")
    #expect(pruned[path: ["status", "free", "form"]] == true)
    #expect(pruned[path: ["spec", "labels", "k"]] == "v")

    let (again, unknownAgain) = validator.prune(pruned)
    #expect(again == pruned)
    #expect(unknownAgain.isEmpty)
}

@Test func pruningKeepsWhatPreserveUnknownFieldsCovers() throws {
    let schema = try StructuralSchema(
        json: json(
            """
            {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
              "properties": {"known": {"type": "object", "properties": {"a": {"type": "string"}}}},
              "additionalProperties": false}}}
            """))
    let validator = SchemaValidator(schema: schema)
    let (pruned, unknown) = validator.prune(["spec": ["free": ["x": 1], "known": ["a": "1", "b": "2"]], "top": 1])
    #expect(unknown == ["spec.known.b", "top"])
    #expect(pruned == ["spec": ["free": ["x": 1], "known": ["a": "1"]]])
}

@Test func pruningAtTheRootKeepsTypeMetaOnlyWhenWellFormed() throws {
    let validator = SchemaValidator(schema: try StructuralSchema(json: ["type": "object"]))
    let (pruned, unknown) = validator.prune(["apiVersion": "v1", "kind": 3, "metadata": ["name": "a"]])
    #expect(pruned == ["apiVersion": "v1", "metadata": ["name": "a"]])
    #expect(unknown == ["kind"])
}

// MARK: - Defaulting

@Test func defaultsOfParentsApplyBeforeTheirChildren() throws {
    let validator = try trainingJobValidator()
    let defaulted = validator.applyDefaults(validJob())
    #expect(defaulted[path: ["spec", "register"]] == ["promotion": ["alias": "champion", "mode": "max", "minImprovement": 0]])
    #expect(defaulted[path: ["spec", "task"]] == "classification")
    #expect(defaulted[path: ["spec", "data", "format"]] == "csv")
    #expect(defaulted[path: ["spec", "data", "validationFraction"]] == 0.2)
    #expect(validator.validate(defaulted).isEmpty)
    #expect(validator.applyDefaults(defaulted) == defaulted)
}

@Test func defaultsNeverOverwriteGivenValues() throws {
    let validator = try trainingJobValidator()
    var object = validJob()
    object[path: ["spec", "task"]] = "regression"
    object[path: ["spec", "register"]] = ["promotion": ["mode": "min"]]
    let defaulted = validator.applyDefaults(object)
    #expect(defaulted[path: ["spec", "task"]] == "regression")
    #expect(defaulted[path: ["spec", "register", "promotion"]] == ["alias": "champion", "mode": "min", "minImprovement": 0])
}

@Test func nullsAreDefaultedOrDroppedUnlessNullable() throws {
    let validator = try trainingJobValidator()
    var object = validJob()
    object[path: ["spec", "task"]] = .null
    object[path: ["spec", "note"]] = .null
    object[path: ["spec", "data", "target"]] = .null
    object[path: ["spec", "model", "type"]] = .null
    let defaulted = validator.applyDefaults(object)
    #expect(defaulted[path: ["spec", "task"]] == "classification")
    #expect(defaulted[path: ["spec", "note"]] == .null)
    #expect(defaulted[path: ["spec", "data"]]?.objectValue?.keys.contains("target") == false)
    #expect(validator.validate(defaulted).map(\.message) == ["spec.model.type: Required value"])
}

@Test func defaultsReachArrayItemsAndMapValues() throws {
    let schema = try StructuralSchema(
        json: json(
            """
            {"type": "object", "properties": {
              "list": {"type": "array", "items": {"type": "object", "default": {"n": 0}, "properties": {"n": {"type": "integer"}, "m": {"type": "string", "default": "d"}}}},
              "map": {"type": "object", "additionalProperties": {"type": "string", "default": "dv"}},
              "pruned": {"type": "object", "default": {"keep": 1, "drop": 2}, "properties": {"keep": {"type": "integer"}}}}}
            """))
    let validator = SchemaValidator(schema: schema)
    let defaulted = validator.applyDefaults(["list": [["n": 1], .null, [:]], "map": ["a": "x", "b": .null]])
    #expect(defaulted["list"] == [["n": 1, "m": "d"], ["n": 0, "m": "d"], ["m": "d"]])
    #expect(defaulted["map"] == ["a": "x", "b": "dv"])
    #expect(defaulted["pruned"] == ["keep": 1])
}

// MARK: - Reading schemas

struct SchemaCase: Sendable, CustomTestStringConvertible {
    var schema: String
    var expected: [String]
    var testDescription: String { schema }
}

@Test(arguments: [
    SchemaCase(
        schema: #"{"type": "object", "properties": {"spec": {"properties": {}}}}"#,
        expected: ["openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields"]),
    SchemaCase(schema: #"{"properties": {}}"#, expected: ["openAPIV3Schema.type: Required value: must not be empty at the root"]),
    SchemaCase(schema: #"{"type": "string"}"#, expected: [#"openAPIV3Schema.type: Invalid value: "string": must be object at the root"#]),
    SchemaCase(
        schema: #"{"type": "object", "properties": {"a": {"type": "array"}}}"#,
        expected: ["openAPIV3Schema.properties[a].items: Required value: must be specified"]),
    SchemaCase(
        schema: #"{"type": "object", "properties": {"a": {"type": "array", "items": {}}}}"#,
        expected: ["openAPIV3Schema.properties[a].items.type: Required value: must not be empty for specified array items"]),
    SchemaCase(
        schema: #"{"type": "object", "properties": {"a": {"type": "array", "items": [{"type": "string"}]}}}"#,
        expected: [
            "openAPIV3Schema.properties[a].items: Forbidden: items must be a schema object and not an array",
            "openAPIV3Schema.properties[a].items: Required value: must be specified",
        ]),
    SchemaCase(
        schema: #"{"type": "object", "properties": {"a": {"type": "strin"}}}"#,
        expected: [
            #"openAPIV3Schema.properties[a].type: Unsupported value: "strin": supported values: "array", "boolean", "integer", "number", "object", "string""#,
            "openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields",
        ]),
    SchemaCase(
        schema: #"{"type": "object", "properties": {"a": {"type": "string", "pattern": "(["}}}"#,
        expected: [#"openAPIV3Schema.properties[a].pattern: Invalid value: "([": must be a valid regular expression, but isn't"#]),
    SchemaCase(
        schema: #"{"type": "object", "properties": {"a": {"type": "string", "maxLength": -1, "minimum": "1"}}}"#,
        expected: [
            #"openAPIV3Schema.properties[a].minimum: Invalid value: "1": must be a number"#,
            "openAPIV3Schema.properties[a].maxLength: Invalid value: -1: must be a non-negative integer",
        ]),
    SchemaCase(
        schema:
            #"{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object"}, "x-kubernetes-list-type": "map"}}}"#,
        expected: [
            "openAPIV3Schema.properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"
        ]),
    SchemaCase(
        schema:
            #"{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "bag"}}}"#,
        expected: [
            #"openAPIV3Schema.properties[a].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "map", "set""#
        ]),
    SchemaCase(
        schema:
            #"{"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}, "additionalProperties": {"type": "string"}}}}"#,
        expected: [
            "openAPIV3Schema.properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"
        ]),
    SchemaCase(
        schema: ##"{"type": "object", "$ref": "#/definitions/x"}"##,
        expected: ["openAPIV3Schema.$ref: Forbidden: $ref is not supported in a structural schema"]),
    SchemaCase(
        schema: #"{"type": "object", "required": "spec"}"#,
        expected: [#"openAPIV3Schema.required: Invalid value: "spec": must be an array of strings"#]),
    SchemaCase(schema: #"[1]"#, expected: ["openAPIV3Schema: Invalid value: [1]: must be a JSON object describing a schema"]),
])
func malformedSchemasAreRefused(_ testCase: SchemaCase) {
    #expect(throws: SchemaError.self) { try StructuralSchema(json: json(testCase.schema)) }
    do {
        _ = try StructuralSchema(json: json(testCase.schema))
    } catch {
        #expect(error.errors.map(\.message) == testCase.expected)
    }
}

@Test func schemaErrorsCarryTheCallersPrefix() {
    do {
        _ = try StructuralSchema(
            json: json(#"{"type": "object", "properties": {"spec": {"properties": {}}}}"#),
            path: "spec.versions[0].schema.openAPIV3Schema")
        Issue.record("expected a SchemaError")
    } catch {
        #expect(
            error.description
                == "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields"
        )
    }
}

@Test func schemaModelReadsEveryKeyword() throws {
    let schema = try StructuralSchema(json: json(trainingJobSchemaJSON))
    let spec = try #require(schema.properties["spec"])
    #expect(spec.required == ["data", "model"])
    #expect(spec.properties["replicas"]?.format == "int32")
    #expect(spec.properties["env"]?.listType == .map)
    #expect(spec.properties["env"]?.listMapKeys == ["name"])
    #expect(spec.properties["env"]?.items?.type == .object)
    #expect(spec.properties["template"]?.preserveUnknownFields == true)
    #expect(spec.properties["pod"]?.embeddedResource == true)
    #expect(spec.properties["labels"]?.additionalProperties?.schema?.maxLength == 5)
    #expect(spec.properties["model"]?.properties["params"]?.additionalProperties?.schema?.intOrString == true)
    #expect(spec.properties["data"]?.properties["validationFraction"]?.exclusiveMinimum == true)
    #expect(spec.properties["register"]?.defaultValue == [:])
    #expect(spec.properties["note"]?.nullable == true)
}

// MARK: - Messages

@Test(arguments: [
    (FieldError.required("spec.data"), "spec.data: Required value", "FieldValueRequired"),
    (
        FieldError.required("metadata.name", "name or generateName is required"),
        "metadata.name: Required value: name or generateName is required", "FieldValueRequired"
    ),
    (FieldError.invalid("a", .bool(true), "d"), "a: Invalid value: true: d", "FieldValueInvalid"),
    (FieldError.invalid("a", nil, "d"), "a: Invalid value: d", "FieldValueInvalid"),
    (FieldError.invalid("a", .null, "d"), "a: Invalid value: null: d", "FieldValueInvalid"),
    (FieldError.typeInvalid("a", .string("string"), "d"), #"a: Invalid value: "string": d"#, "FieldValueTypeInvalid"),
    (
        FieldError.notSupported("a", .string("x"), supported: ["p", "q"]), #"a: Unsupported value: "x": supported values: "p", "q""#,
        "FieldValueNotSupported"
    ),
    (FieldError.notSupported("a", .string("x"), supported: []), #"a: Unsupported value: "x""#, "FieldValueNotSupported"),
    (FieldError.duplicate("a[1]", ["k": "v"]), #"a[1]: Duplicate value: {"k":"v"}"#, "FieldValueDuplicate"),
    (FieldError.tooLong("a", maxLength: 10), "a: Too long: may not be more than 10 bytes", "FieldValueTooLong"),
    (FieldError.tooLong("a", maxLength: -1), "a: Too long: value is too long", "FieldValueTooLong"),
    (FieldError.tooMany("a", actual: 4, max: 3), "a: Too many: 4: must have at most 3 items", "FieldValueTooMany"),
    (FieldError.tooMany("a", actual: nil, max: nil), "a: Too many: has too many items", "FieldValueTooMany"),
    (
        FieldError(.notSupported, field: "spec.scope", badValue: "Regional", detail: #"supported values: "Cluster", "Namespaced""#),
        #"spec.scope: Unsupported value: "Regional": supported values: "Cluster", "Namespaced""#, "FieldValueNotSupported"
    ),
    (
        FieldError.forbidden("metadata.namespace", "not allowed on this type"), "metadata.namespace: Forbidden: not allowed on this type",
        "FieldValueForbidden"
    ),
])
func fieldErrorMessages(_ error: FieldError, _ message: String, _ reason: String) {
    #expect(error.message == message)
    #expect(error.description == message)
    #expect(error.type.reason == reason)
}

@Test(arguments: [
    (0.9, "0.9"), (1.5, "1.5"), (100.0, "100"), (-2.0, "-2"), (0.0, "0"), (1e20, "100000000000000000000"),
    (1e21, "1e+21"), (1.25e22, "1.25e+22"), (0.0001, "0.0001"), (0.00001, "1e-05"), (1.5e-10, "1.5e-10"),
    (123456789.125, "123456789.125"), (Double.infinity, "+Inf"),
])
func goFloatFormatting(_ value: Double, _ expected: String) {
    #expect(GoFormat.float(value) == expected)
}

@Test func goQuoting() {
    #expect(GoFormat.quote("plain") == #""plain""#)
    #expect(GoFormat.quote("a\"b\\c\n\t\u{01}é") == #""a\"b\\c\n\t\x01é""#)
}

/// Go escapes every rune `unicode.IsPrint` rejects; letters, marks, symbols and the ASCII space stay.
@Test(arguments: [
    ("日本 ✓ e\u{301}", #""日本 ✓ e\#u{301}""#),
    ("\u{7F}", #""\x7f""#),
    ("\u{85}", #""\u0085""#),
    ("\u{A0}", #""\u00a0""#),
    ("\u{200B}", #""\u200b""#),
    ("\u{2028}", #""\u2028""#),
    ("\u{E000}", #""\ue000""#),
    ("\u{F0000}", #""\U000f0000""#),
])
func goQuotingEscapesNonPrintableRunes(_ text: String, _ expected: String) {
    #expect(GoFormat.quote(text) == expected)
}

@Test func goStringSlices() {
    #expect(GoFormat.stringSlice([]) == "[]string{}")
    #expect(GoFormat.stringSlice(["a", "b\"c"]) == #"[]string{"a", "b\"c"}"#)
}

@Test(arguments: [
    (JSONValue.null, "<nil>", "%!s(<nil>)"), (.bool(true), "true", "bool"), (.int(-3), "-3", "int64"),
    (.double(2.0), "2", "float64"), (.double(0.5), "0.5", "float64"), (.string("a b"), "a b", "string"),
    (.array(["x", 1]), "[x 1]", "[]interface {}"),
    (.object(["b": ["c": nil], "a": 1]), "map[a:1 b:map[c:<nil>]]", "map[string]interface {}"),
])
func goInterfaceValues(_ value: JSONValue, _ printed: String, _ type: String) {
    #expect(GoFormat.interfaceValue(value) == printed)
    #expect(GoFormat.typeName(value) == type)
}

// MARK: - Fuzzing

private typealias SeededGenerator = SeededRandom

private let fuzzKeys = [
    "spec", "data", "model", "type", "source", "replicas", "env", "name", "labels", "template", "pod", "status",
    "metadata", "apiVersion", "kind", "task", "register", "promotion", "features", "x", "",
]

private func randomJSON(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
    let choice = Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &rng)
    switch choice {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2: return .int(Int64.random(in: -20...20, using: &rng))
    case 3: return .double([0.5, -1.25, 1e300, -0.0, 3.0, 0.9].randomElement(using: &rng)!)
    case 4: return .string(["", "gbdt", "a", "Bad_Name", "é", "2024-01-01T00:00:00Z", "x\"y"].randomElement(using: &rng)!)
    case 5: return .int([Int64.max, Int64.min, 0].randomElement(using: &rng)!)
    case 6, 7:
        var object: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            object[fuzzKeys.randomElement(using: &rng)!] = randomJSON(&rng, depth: depth - 1)
        }
        return .object(object)
    default:
        return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomJSON(&rng, depth: depth - 1) })
    }
}

@Test func fuzzedValuesNeverCrashAndProcessingIsStable() throws {
    let validator = try trainingJobValidator()
    var rng = SeededGenerator(seed: 20_240_501)
    for round in 0..<1500 {
        var object = randomJSON(&rng, depth: 5)
        if round.isMultiple(of: 2) {
            // Graft random values into a valid job so that deep schema paths are reached too.
            var base = validJob()
            let path = (0..<Int.random(in: 1...3, using: &rng)).map { _ in fuzzKeys.randomElement(using: &rng)! }
            base[path: ["spec"] + path] = object
            object = base
        }
        let (pruned, _) = validator.prune(object)
        let (prunedAgain, unknownAgain) = validator.prune(pruned)
        #expect(prunedAgain == pruned)
        #expect(unknownAgain.isEmpty)
        let defaulted = validator.applyDefaults(pruned)
        #expect(validator.applyDefaults(defaulted) == defaulted)
        for error in validator.validate(defaulted) + validator.validate(object) {
            #expect(!error.bodyMessage.isEmpty)
            #expect(error.message.hasPrefix(error.field + ": "))
        }
        _ = SchemaValidator.validateObjectMeta(object["metadata"], namespaced: round.isMultiple(of: 3))
    }
}
