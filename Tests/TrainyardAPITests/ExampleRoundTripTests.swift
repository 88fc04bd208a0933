import Foundation
import KubeAPI
import Testing
import TrainyardAPI
import TrainyardTesting

private func example(_ name: String) throws -> [JSONValue] {
    try TrainyardTesting.loadYAMLDocuments(TrainyardTesting.repositoryRoot + "/examples/" + name)
}

private func crdSchema(_ plural: String) throws -> JSONValue {
    let docs = try TrainyardTesting.loadYAMLDocuments(
        TrainyardTesting.repositoryRoot + "/crds/trainyard.dev_\(plural).yaml")
    let crd = try #require(docs.first)
    return try #require(crd[path: ["spec", "versions"]]?[0]?[path: ["schema", "openAPIV3Schema"]])
}

/// Decodes as `T`, encodes again, and reports the two JSON texts when they differ.
private func roundTrip<T: Codable>(_ json: JSONValue, as type: T.Type) throws -> (T, JSONValue) {
    let decoded = try json.decode(as: T.self)
    let encoded = try JSONValue(encoding: decoded)
    #expect(
        encoded.semanticallyEquals(json),
        "re-encoded \(T.self) differs:\n\(encoded.prettySerialized())\nexpected:\n\(json.prettySerialized())")
    return (decoded, encoded)
}

private func decodingError<T: Decodable>(_ json: JSONValue, as type: T.Type) -> DecodingError? {
    do {
        _ = try json.decode(as: T.self)
        return nil
    } catch let error as DecodingError {
        return error
    } catch {
        Issue.record("expected a DecodingError, got \(error)")
        return nil
    }
}

@Suite("Examples and resource types")
struct ExampleRoundTripTests {
    @Test(
        "every document in examples/ and examples/reference/ decodes by kind and encodes back unchanged",
        arguments: [
            ("trainingjob.yaml", "TrainingJob"),
            ("reference/trainingjob.yaml", "TrainingJob"),
            ("reference/modeldeployment.yaml", "ModelDeployment"),
            ("reference/batchprediction.yaml", "BatchPrediction"),
        ])
    func exampleRoundTrips(file: String, kind: String) throws {
        let documents = try example(file)
        #expect(!documents.isEmpty, "\(file) has no documents")
        for document in documents {
            #expect(document["kind"] == .string(kind))
            #expect(document[path: ["metadata", "namespace"]] == nil, "examples leave the namespace to kubectl")
            let (object, _) = try roundTrip(document, as: TrainyardObject.self)
            switch (object, kind) {
            case (.trainingJob(let job), "TrainingJob"):
                _ = try roundTrip(document, as: TrainingJob.self)
                #expect(job.spec.task == .classification)
                #expect(job.spec.model.type == .gbdt)
                #expect(job.spec.register?.promotion?.metric == "auc")
            case (.modelDeployment(let deployment), "ModelDeployment"):
                _ = try roundTrip(document, as: ModelDeployment.self)
                #expect(deployment.spec.model.uri == "models:/credit-default@champion")
            case (.batchPrediction(let prediction), "BatchPrediction"):
                _ = try roundTrip(document, as: BatchPrediction.self)
                #expect(prediction.spec.drift?.retrain?.task == .classification)
            default:
                Issue.record("\(file): decoded as \(object), expected kind \(kind)")
            }
        }
    }

    @Test("a TrainingJob's hyperparameters keep their JSON types")
    func paramsKeepTheirTypes() throws {
        let job = try #require(try example("reference/trainingjob.yaml").first)
        let (decoded, encoded) = try roundTrip(job, as: TrainingJob.self)
        let params = try #require(decoded.spec.model.params)
        #expect(params["numTrees"] == .int(300))
        #expect(params["learningRate"] == .double(0.05))
        #expect(encoded[path: ["spec", "model", "params", "numTrees"]] == .int(300))
        #expect(encoded[path: ["spec", "model", "params", "learningRate"]] == .double(0.05))
        let limits = try #require(decoded.spec.resources?.limits)
        let requests = try #require(decoded.spec.resources?.requests)
        #expect(limits["cpu"] == .int(4))
        #expect(requests["cpu"] == .string("2"))
        #expect(encoded[path: ["spec", "resources", "limits", "cpu"]] == .int(4))
        #expect(encoded[path: ["spec", "resources", "requests", "cpu"]] == .string("2"))
    }

    @Test(
        "ParamValue encodes each case as the JSON type it came from",
        arguments: [
            ("\"binary\"", ParamValue.string("binary")),
            ("\"0.1\"", ParamValue.string("0.1")),
            ("6", ParamValue.int(6)),
            ("-3", ParamValue.int(-3)),
            ("0.05", ParamValue.double(0.05)),
            ("1e-3", ParamValue.double(0.001)),
        ])
    func paramValueRoundTrips(text: String, expected: ParamValue) throws {
        let json = try JSONValue.parse(text)
        let value = try json.decode(as: ParamValue.self)
        #expect(value == expected)
        #expect(try JSONValue(encoding: value).typeName == json.typeName)
    }

    @Test(
        "ParamValue refuses values that are neither a string nor a number",
        arguments: [
            ("true", "Invalid value: must be a string or a number"),
            ("null", "Invalid value: must be a string or a number"),
            ("[1]", "Invalid value: must be a string or a number"),
            ("{\"a\":1}", "Invalid value: must be a string or a number"),
        ])
    func paramValueRejects(text: String, message: String) throws {
        let json = try JSONValue.parse("{\"spec\":{\"model\":{\"type\":\"gbdt\",\"params\":{\"depth\":\(text)}}}}")
        let error = try #require(decodingError(json["spec"]!["model"]!, as: ModelSpec.self))
        #expect(error.fieldDescription == "params.depth: \(message)")
    }

    @Test(
        "Quantity keeps integers and strings, refuses fractions and booleans",
        arguments: [
            ("\"500m\"", Quantity.string("500m") as Quantity?),
            ("4", Quantity.int(4)),
            ("\"4Gi\"", Quantity.string("4Gi")),
            ("0.5", nil),
            ("true", nil),
        ])
    func quantityDecoding(text: String, expected: Quantity?) throws {
        let json = try JSONValue.parse(text)
        if let expected {
            let value = try json.decode(as: Quantity.self)
            #expect(value == expected)
            #expect(try JSONValue(encoding: value) == json)
        } else {
            let error = try #require(decodingError(json, as: Quantity.self))
            #expect(error.fieldDescription.contains("must be a quantity"))
        }
    }

    @Test(
        "a wrong enum value fails with the field's path and the supported values",
        arguments: [
            (
                "reference/trainingjob.yaml", ["spec", "task"], "regresion",
                "spec.task: Unsupported value: \"regresion\": supported values: \"classification\", \"regression\""
            ),
            (
                "reference/trainingjob.yaml", ["spec", "model", "type"], "xgboost",
                "spec.model.type: Unsupported value: \"xgboost\": supported values: \"gbdt\", \"logistic\", \"linear\""
            ),
            (
                "reference/trainingjob.yaml", ["spec", "data", "format"], "parquet",
                "spec.data.format: Unsupported value: \"parquet\": supported values: \"csv\""
            ),
            (
                "reference/trainingjob.yaml", ["spec", "register", "promotion", "mode"], "maximize",
                "spec.register.promotion.mode: Unsupported value: \"maximize\": supported values: \"max\", \"min\""
            ),
            (
                "reference/trainingjob.yaml", ["spec", "tuning", "searchSpace", "learningRate", "scale"], "ln",
                "spec.tuning.searchSpace.learningRate.scale: Unsupported value: \"ln\": supported values: \"linear\", \"log\""
            ),
            (
                "reference/batchprediction.yaml", ["spec", "drift", "retrain", "task"], "ranking",
                "spec.drift.retrain.task: Unsupported value: \"ranking\": supported values: \"classification\", \"regression\""
            ),
            (
                "reference/batchprediction.yaml", ["status", "phase"], "Done",
                "status.phase: Unsupported value: \"Done\": supported values: \"Pending\", \"Running\", \"Succeeded\", \"Failed\""
            ),
        ])
    func wrongEnumValueNamesTheField(file: String, path: [String], value: String, message: String) throws {
        var document = try #require(try example(file).first)
        document[path: path] = .string(value)
        let error = try #require(decodingError(document, as: TrainyardObject.self))
        #expect(error.fieldPath == path.joined(separator: "."))
        #expect(error.fieldDescription == message)
    }

    /// A manifest edit: set (or, with `nil`, remove) the value at `path` of the example in `file`.
    struct Mutation: Sendable, CustomTestStringConvertible {
        var file: String
        var path: [String]
        var value: JSONValue?
        var message: String
        var testDescription: String { path.joined(separator: ".") + " = " + (value?.serialized() ?? "<removed>") }
    }

    static let malformedManifests: [Mutation] = [
        Mutation(
            file: "reference/trainingjob.yaml", path: ["spec", "data", "target"], value: nil,
            message: "spec.data.target: Required value"),
        Mutation(file: "reference/trainingjob.yaml", path: ["spec", "model"], value: nil, message: "spec.model: Required value"),
        Mutation(
            file: "reference/trainingjob.yaml", path: ["spec", "backoffLimit"], value: .string("two"),
            message: "spec.backoffLimit: Invalid value: must be of type integer"),
        Mutation(
            file: "reference/trainingjob.yaml", path: ["spec", "data", "validationFraction"], value: .string("0.2"),
            message: "spec.data.validationFraction: Invalid value: must be of type number"),
        Mutation(
            file: "reference/trainingjob.yaml", path: ["spec", "suspend"], value: .int(1),
            message: "spec.suspend: Invalid value: must be of type boolean"),
        Mutation(
            file: "reference/trainingjob.yaml", path: ["spec", "model", "params", "maxDepth"], value: .bool(true),
            message: "spec.model.params.maxDepth: Invalid value: must be a string or a number"),
        Mutation(
            file: "reference/modeldeployment.yaml", path: ["spec", "model", "name"], value: nil,
            message: "spec.model.name: Required value"),
        Mutation(
            file: "reference/modeldeployment.yaml", path: ["spec", "replicas"], value: .string("2"),
            message: "spec.replicas: Invalid value: must be of type integer"),
        Mutation(
            file: "reference/modeldeployment.yaml", path: ["spec", "tolerations"], value: .object(["key": .int(3)]),
            message: "spec.tolerations: Invalid value: must be of type array"),
        Mutation(
            file: "reference/modeldeployment.yaml", path: ["kind"], value: .string("ModelDeploy"),
            message: "kind: no matches for kind \"ModelDeploy\" in version \"trainyard.dev/v1alpha1\""),
        Mutation(
            file: "reference/modeldeployment.yaml", path: ["apiVersion"], value: .string("trainyard.dev/v1"),
            message: "apiVersion: Unsupported value: \"trainyard.dev/v1\": supported values: \"trainyard.dev/v1alpha1\""),
        Mutation(file: "reference/batchprediction.yaml", path: ["spec", "output"], value: nil, message: "spec.output: Required value"),
    ]

    @Test("malformed manifests fail with the field's path", arguments: Self.malformedManifests)
    func malformedManifestNamesTheField(_ mutation: Mutation) throws {
        var document = try #require(try example(mutation.file).first)
        #expect(document[path: mutation.path] != nil || mutation.value != nil, "the mutation must change the document")
        document[path: mutation.path] = mutation.value
        let error = try #require(decodingError(document, as: TrainyardObject.self))
        #expect(error.fieldDescription == mutation.message)
    }

    @Test("an error inside a list names the element")
    func listElementPath() throws {
        var document = try #require(try example("reference/modeldeployment.yaml").first)
        document[path: ["spec", "tolerations"]] = [["key": "a"], ["key": 7]]
        let error = try #require(decodingError(document, as: ModelDeployment.self))
        #expect(error.fieldPath == "spec.tolerations[1].key")
        #expect(error.fieldDescription == "spec.tolerations[1].key: Invalid value: must be of type string")
    }

    @Test("statuses as the controller writes them round-trip", arguments: ["TrainingJob", "ModelDeployment", "BatchPrediction"])
    func statusRoundTrips(kind: String) throws {
        let text = try #require(Self.objectsWithStatus[kind])
        let document = try JSONValue.parse(text)
        #expect(document["kind"] == .string(kind))
        let (object, _) = try roundTrip(document, as: TrainyardObject.self)
        switch object {
        case .trainingJob(let job):
            let status = try #require(job.status)
            #expect(status.phase == .succeeded)
            #expect(status.promotion?.decision == .promoted)
            #expect(status.conditions?.first { $0.type == TrainingJob.ConditionType.promoted.rawValue }?.status == .true)
            #expect(status.tuning?.bestParams?["maxDepth"] == .int(5))
        case .modelDeployment(let deployment):
            let status = try #require(deployment.status)
            #expect(status.phase == .ready)
            #expect(status.conditions?.first?.observedGeneration == 3)
            #expect(deployment.metadata.ownerReferences?.first?.controller == true)
        case .batchPrediction(let prediction):
            let status = try #require(prediction.status)
            #expect(status.drift?.detected == true)
            #expect(status.drift?.features?["PAY_0"] == 0.31)
            #expect(status.conditions?.last?.message == "")
        }
    }

    @Test("Swift constants and enums agree with the CustomResourceDefinitions")
    func constantsMatchCRDs() throws {
        for (type, plural, shortName) in [
            (TrainingJob.kind, TrainingJob.plural, TrainingJob.shortName),
            (ModelDeployment.kind, ModelDeployment.plural, ModelDeployment.shortName),
            (BatchPrediction.kind, BatchPrediction.plural, BatchPrediction.shortName),
        ] {
            let crd = try #require(
                try TrainyardTesting.loadYAMLDocuments(
                    TrainyardTesting.repositoryRoot + "/crds/trainyard.dev_\(plural).yaml"
                ).first)
            #expect(crd[path: ["spec", "group"]] == .string(TrainingJob.group))
            #expect(crd[path: ["spec", "names", "kind"]] == .string(type))
            #expect(crd[path: ["spec", "names", "shortNames"]] == .array([.string(shortName)]))
            #expect(crd[path: ["spec", "versions"]]?[0]?["name"] == .string(TrainingJob.version))
        }
        func enumValues(_ plural: String, _ path: [String]) throws -> [String] {
            var node = try crdSchema(plural)
            for key in path {
                node = try #require(
                    key == "[*]" ? node["additionalProperties"] : node[path: ["properties", key]],
                    "\(plural): no \(key) in \(path)")
            }
            return try #require(node["enum"]?.arrayValue).compactMap(\.stringValue)
        }
        func raw<E: APIEnum>(_: E.Type) -> [String] { E.allCases.map(\.rawValue) }
        let tj = "trainingjobs", md = "modeldeployments", bp = "batchpredictions"
        #expect(try enumValues(tj, ["spec", "task"]) == raw(TrainingTask.self))
        #expect(try enumValues(tj, ["spec", "model", "type"]) == raw(ModelType.self))
        #expect(try enumValues(tj, ["spec", "data", "format"]) == raw(DataFormat.self))
        #expect(try enumValues(tj, ["spec", "register", "promotion", "mode"]) == raw(PromotionMode.self))
        #expect(try enumValues(tj, ["spec", "tuning", "searchSpace", "[*]", "type"]) == raw(SearchDimension.Kind.self))
        #expect(try enumValues(tj, ["spec", "tuning", "searchSpace", "[*]", "scale"]) == raw(SearchDimension.Scale.self))
        #expect(try enumValues(tj, ["status", "phase"]) == raw(TrainingJobPhase.self))
        #expect(try enumValues(tj, ["status", "promotion", "decision"]) == raw(PromotionDecision.self))
        #expect(try enumValues(md, ["status", "phase"]) == raw(ModelDeploymentPhase.self))
        #expect(try enumValues(bp, ["status", "phase"]) == raw(BatchPredictionPhase.self))
        #expect(try enumValues(bp, ["spec", "input", "format"]) == raw(DataFormat.self))
        #expect(try enumValues(bp, ["spec", "drift", "retrain", "task"]) == raw(TrainingTask.self))
    }

    @Test(
        "every field of each CRD schema is a field of the Swift type",
        arguments: [
            "trainingjobs", "modeldeployments", "batchpredictions",
        ])
    func swiftTypesCoverTheSchema(plural: String) throws {
        var document = try Self.sample(of: try crdSchema(plural))
        let kinds = [
            "trainingjobs": TrainingJob.kind, "modeldeployments": ModelDeployment.kind,
            "batchpredictions": BatchPrediction.kind,
        ]
        document["apiVersion"] = .string(TrainingJob.groupVersion)
        document["kind"] = .string(try #require(kinds[plural]))
        #expect(document[path: ["status", "conditions"]]?[0]?["status"] == "True", "the sample fills status too")
        _ = try roundTrip(document, as: TrainyardObject.self)
    }

    /// A document holding every field the schema declares, each with a value the schema accepts.
    static func sample(of schema: JSONValue) throws -> JSONValue {
        if schema["x-kubernetes-int-or-string"] == true { return "1" }
        if schema["x-kubernetes-preserve-unknown-fields"] == true, schema["type"] == nil { return "value" }
        if let values = schema["enum"]?.arrayValue, let first = values.first { return first }
        switch schema["type"]?.stringValue {
        case "object":
            if let properties = schema["properties"]?.objectValue {
                var out: [String: JSONValue] = [:]
                for (key, property) in properties {
                    out[key] = key == "metadata" ? ["name": "sample"] : try sample(of: property)
                }
                return .object(out)
            }
            if let values = schema["additionalProperties"] { return ["key": try sample(of: values)] }
            return .object([:])
        case "array":
            return .array([try sample(of: try #require(schema["items"]))])
        case "string":
            return schema["format"] == "date-time" ? "2025-07-01T00:00:00Z" : "text"
        case "integer":
            return .int(max(schema["minimum"]?.intValue ?? 1, 1))
        case "number":
            let low = schema["minimum"]?.doubleValue ?? 0, high = schema["maximum"]?.doubleValue ?? low + 1
            return .double((low + high) / 2)
        case "boolean":
            return true
        default:
            Issue.record("schema node without a type: \(schema.serialized())")
            return .null
        }
    }

    @Test(
        "ModelReference names the MLflow model URI",
        arguments: [
            (ModelReference(name: "iris", alias: "champion"), "models:/iris@champion"),
            (ModelReference(name: "iris", version: 3), "models:/iris/3"),
        ])
    func modelURI(reference: ModelReference, uri: String) {
        #expect(reference.uri == uri)
    }

    static let objectsWithStatus = [
        "TrainingJob": trainingJobWithStatus,
        "ModelDeployment": modelDeploymentWithStatus,
        "BatchPrediction": batchPredictionWithStatus,
    ]

    static let trainingJobWithStatus = """
        {"apiVersion": "trainyard.dev/v1alpha1", "kind": "TrainingJob",
         "metadata": {"name": "iris", "namespace": "default", "uid": "7c0e6a8e-1b52-4a51-9d0f-2f7b1f1f0a11",
                      "resourceVersion": "1842", "generation": 2, "creationTimestamp": "2025-07-01T10:00:00Z",
                      "finalizers": ["trainyard.dev/mlflow-run"]},
         "spec": {"data": {"source": "/data/iris.csv", "format": "csv", "target": "species", "validationFraction": 0.25},
                  "task": "classification", "model": {"type": "logistic", "params": {"l2": 0.01, "solver": "lbfgs"}},
                  "register": {"modelName": "iris", "promotion": {"alias": "champion", "metric": "accuracy", "mode": "max"}},
                  "backoffLimit": 2},
         "status": {"observedGeneration": 2, "phase": "Succeeded", "runId": "a1b2c3d4e5f6", "experimentId": "4",
                    "attempts": 1, "startTime": "2025-07-01T10:00:05Z", "completionTime": "2025-07-01T10:01:12Z",
                    "metrics": {"accuracy": 0.9667, "logloss": 0.081},
                    "model": {"name": "iris", "version": 7},
                    "promotion": {"candidate": 0.9667, "champion": 0.9333, "delta": 0.0334, "decision": "Promoted",
                                  "reason": "accuracy 0.9667 beats champion 0.9333 by 0.0334"},
                    "tuning": {"completedTrials": 8, "bestParams": {"maxDepth": 5, "learningRate": 0.1, "policy": "lossguide"}},
                    "conditions": [
                      {"type": "Succeeded", "status": "True", "reason": "TrainingComplete", "message": "trained in 67s",
                       "lastTransitionTime": "2025-07-01T10:01:12Z", "observedGeneration": 2},
                      {"type": "Promoted", "status": "True", "reason": "BeatChampion", "message": "champion is now version 7",
                       "lastTransitionTime": "2025-07-01T10:01:12Z", "observedGeneration": 2}]}}
        """

    static let modelDeploymentWithStatus = """
        {"apiVersion": "trainyard.dev/v1alpha1", "kind": "ModelDeployment",
         "metadata": {"name": "iris", "namespace": "ml", "generation": 3, "labels": {"team": "a"},
                      "annotations": {"note": "x"},
                      "ownerReferences": [{"apiVersion": "trainyard.dev/v1alpha1", "kind": "TrainingJob", "name": "iris",
                                           "uid": "7c0e6a8e-1b52-4a51-9d0f-2f7b1f1f0a11", "controller": true,
                                           "blockOwnerDeletion": true}]},
         "spec": {"model": {"name": "iris", "version": 7}, "replicas": 0, "port": 9000, "image": "ghcr.io/trainyard/trainyard:0.1.0"},
         "status": {"observedGeneration": 3, "phase": "Ready", "modelVersion": 7, "runId": "a1b2c3d4e5f6",
                    "url": "http://iris.ml.svc:9000", "replicas": 0, "readyReplicas": 0,
                    "conditions": [{"type": "Ready", "status": "True", "reason": "RolloutComplete", "message": "",
                                    "lastTransitionTime": "2025-07-01T10:03:00Z", "observedGeneration": 3}]}}
        """

    static let batchPredictionWithStatus = """
        {"apiVersion": "trainyard.dev/v1alpha1", "kind": "BatchPrediction",
         "metadata": {"name": "nightly", "deletionTimestamp": "2025-07-02T00:00:00Z", "deletionGracePeriodSeconds": 0},
         "spec": {"model": {"name": "credit-default", "alias": "champion"},
                  "input": {"source": "https://example.com/a.csv"}, "output": {"destination": "/out/a.csv"},
                  "drift": {"enabled": true}},
         "status": {"observedGeneration": 1, "phase": "Succeeded", "modelVersion": 4, "rows": 30000,
                    "output": "/out/a.csv", "attempts": 2, "startTime": "2025-07-01T00:00:00Z",
                    "completionTime": "2025-07-01T00:04:00Z",
                    "drift": {"score": 0.31, "detected": true, "features": {"PAY_0": 0.31, "LIMIT_BAL": 0.02},
                              "retrainJob": "nightly-retrain"},
                    "conditions": [{"type": "DriftDetected", "status": "True", "reason": "PSIAboveThreshold",
                                    "message": "", "lastTransitionTime": "2025-07-01T00:04:00Z"}]}}
        """
}
