import DataIO
import Foundation
import KubeAPI
import Learn
import Serving
import Testing

/// The tensor named `name` in an inference answer.
private func output(_ answer: Answer, _ name: String) -> JSONValue? {
    answer.json?["outputs"]?.arrayValue?.first { $0["name"]?.stringValue == name }
}

private func numbers(_ tensor: JSONValue?) -> [Double] { tensor?["data"]?.arrayValue?.compactMap(\.doubleValue) ?? [] }

@Suite("Open Inference Protocol v2: /v2, health, model metadata, infer")
struct InferenceProtocolTests {
    @Test("server metadata and health")
    func serverRoutes() async throws {
        let server = try TestServer.make(.gbdtClassifier)
        try await TestServer.test(server) { client in
            let metadata = try await client.get("/v2")
            #expect(metadata.status == 200)
            #expect(metadata.json == ["name": "trainyard", "version": .string(TrainyardVersion.current), "extensions": []])
            let live = try await client.get("/v2/health/live")
            #expect(live.status == 200 && live.json == ["live": true])
            let ready = try await client.get("/v2/health/ready")
            #expect(ready.status == 200 && ready.json == ["ready": true])
            let modelReady = try await client.get("/v2/models/churn/ready")
            #expect(modelReady.status == 200 && modelReady.json == ["name": "churn", "ready": true])
        }
    }

    @Test("model metadata: one input per feature with its datatype, the outputs, the task and classes")
    func modelMetadata() async throws {
        let classifier = try ModelKind.gbdtClassifier.model()
        let inputs: JSONValue = [
            ["name": "colour", "datatype": "BYTES", "shape": [-1, 1]], ["name": "flag", "datatype": "BOOL", "shape": [-1, 1]],
            ["name": "size", "datatype": "FP64", "shape": [-1, 1]], ["name": "weight", "datatype": "FP64", "shape": [-1, 1]],
        ]
        let server = try TestServer.make(.gbdtClassifier, version: "3")
        try await TestServer.test(server) { client in
            for path in ["/v2/models/churn", "/v2/models/churn/versions/3"] {
                let answer = try await client.get(path)
                #expect(answer.status == 200, "\(path): \(answer)")
                let json = try #require(answer.json)
                #expect(json["name"] == "churn")
                #expect(json["versions"] == ["3"])
                #expect(json["platform"] == "trainyard")
                #expect(json["inputs"] == inputs)
                #expect(
                    json["outputs"] == [
                        ["name": "predict", "datatype": "BYTES", "shape": [-1, 1]],
                        ["name": "predict_proba", "datatype": "FP64", "shape": [-1, 2]],
                    ])
                #expect(json["parameters"]?["task"] == "classification")
                #expect(json["parameters"]?["model_type"] == "gbdt")
                #expect(json["parameters"]?["target"] == "label")
                #expect(json["parameters"]?["classes"] == .array(classifier.target.classes.map { .string($0) }))
                #expect(json["parameters"]?["run_id"] == "run-gbdtClassifier")
            }
        }
        let regressor = try TestServer.make(.linear, name: "price")
        try await TestServer.test(regressor) { client in
            let json = try #require(try await client.get("/v2/models/price").json)
            #expect(json["versions"] == [])
            #expect(json["inputs"] == inputs)
            #expect(json["outputs"] == [["name": "predict", "datatype": "FP64", "shape": [-1, 1]]])
            #expect(json["parameters"]?["task"] == "regression")
            #expect(json["parameters"]?["model_type"] == "linear")
            #expect(json["parameters"]?["classes"] == nil)
        }
    }

    @Test(
        "infer with one [N, 4] tensor, nested or flat, or one tensor per feature: the predictions of trainyard predict",
        arguments: ModelKind.allCases)
    func infer(kind: ModelKind) async throws {
        let expected = try kind.expected()
        let n = expected.rowCount
        let server = try TestServer.make(kind, version: "3")
        let bodies = [
            ("matrix", Payload.matrix(id: "req-1")), ("nested matrix", Payload.matrix(id: "req-1", nested: true)),
            ("per feature", Payload.perFeature(id: "req-1")),
        ]
        try await TestServer.test(server) { client in
            var texts: Set<String> = []
            for path in ["/v2/models/churn/infer", "/v2/models/churn/versions/3/infer"] {
                for (layout, body) in bodies {
                    let answer = try await client.post(path, body)
                    #expect(answer.status == 200, "\(layout): \(answer)")
                    let json = try #require(answer.json)
                    #expect(json["model_name"] == "churn")
                    #expect(json["model_version"] == "3")
                    #expect(json["id"] == "req-1")
                    #expect(answer.header("X-Model-Version") == "3")
                    let predict = try #require(output(answer, "predict"))
                    #expect(predict["shape"] == [.int(Int64(n)), 1])
                    if kind.isClassifier {
                        #expect(predict["datatype"] == "BYTES")
                        #expect(predict["data"] == .array((0..<n).map { .string(expected.classes[expected.classIndex($0)]) }))
                        let proba = try #require(output(answer, "predict_proba"))
                        #expect(proba["datatype"] == "FP64")
                        #expect(proba["shape"] == [.int(Int64(n)), 2])
                        #expect(numbers(proba) == expected.values)
                        #expect(json["outputs"]?.arrayValue?.count == 2)
                    } else {
                        #expect(predict["datatype"] == "FP64")
                        #expect(numbers(predict) == expected.values)
                        #expect(json["outputs"]?.arrayValue?.count == 1)
                    }
                    texts.insert(answer.text)
                }
            }
            #expect(texts.count == 1, "every layout and path answers the same bytes")
        }
    }

    @Test("only the outputs asked for; the id is the request's, else the X-Request-ID header")
    func requestedOutputs() async throws {
        let expected = try ModelKind.gbdtClassifier.expected()
        let server = try TestServer.make(.gbdtClassifier)
        try await TestServer.test(server) { client in
            let proba = try await client.post("/v2/models/churn/infer", Payload.perFeature(outputs: ["predict_proba"]))
            #expect(proba.status == 200, "\(proba)")
            #expect(proba.json?["outputs"]?.arrayValue?.map { $0["name"] } == ["predict_proba"])
            #expect(numbers(output(proba, "predict_proba")) == expected.values)
            #expect(proba.json?["model_version"] == nil, "no registry version, no model_version")

            let predict = try await client.post("/v2/models/churn/infer", Payload.matrix(outputs: ["predict", "predict"]))
            #expect(predict.json?["outputs"]?.arrayValue?.map { $0["name"] } == ["predict"])

            let byHeader = try await client.post("/v2/models/churn/infer", Payload.matrix(), headers: ["X-Request-ID": "hdr-7"])
            #expect(byHeader.json?["id"] == "hdr-7")
            #expect(byHeader.header("X-Request-ID") == "hdr-7")
            let byBody = try await client.post("/v2/models/churn/infer", Payload.matrix(id: "body-8"), headers: ["X-Request-ID": "hdr-8"])
            #expect(byBody.json?["id"] == "body-8")
            // Without either, the server makes one up, different per request.
            let first = try await client.post("/v2/models/churn/infer", Payload.matrix())
            let second = try await client.post("/v2/models/churn/infer", Payload.matrix())
            let ids = [first, second].compactMap { $0.json?["id"]?.stringValue }
            #expect(ids.count == 2 && ids[0] != ids[1] && !ids[0].isEmpty, "\(ids)")
            #expect(first.header("X-Request-ID") == ids.first)
        }
    }

    @Test("a classifier whose classes are integers answers predict as INT64 labels, as XGBoost's classifier does")
    func integerLabels() async throws {
        let data = try CSVReader.read(bytes: Array(ServingData.numericCSV().utf8), source: "numeric.csv")
        let model = try Trainer.train(
            data,
            options: TrainingOptions(
                target: "label", task: .classification, parameters: ["numTrees": "10"], seed: 1, threads: 1, dropColumns: ["target"])
        ).model
        #expect(model.target.classes == ["0", "1"])
        let server = ModelServer(configuration: .init(host: "127.0.0.1", port: 0), logger: TestServer.logger)
        server.serve(ServedModel(model: model, name: "bin", source: "test"))
        let rows = "f0,f1,f2,f3\n1.5,-2,,3\n-4,2.5,1,\n"
        let expected = try model.predict(CSVReader.read(bytes: Array(rows.utf8), source: "rows.csv", options: model.csvOptions()))
        try await TestServer.test(server) { client in
            let metadata = try #require(try await client.get("/v2/models/bin").json)
            #expect(metadata["outputs"]?[0]?["datatype"] == "INT64")
            #expect(metadata["inputs"]?.arrayValue?.map { $0["datatype"] } == ["FP64", "FP64", "FP64", "FP64"])
            let body = #"{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP64","data":[1.5,-2,null,3,-4,2.5,1,null]}]}"#
            let answer = try await client.post("/v2/models/bin/infer", body)
            #expect(answer.status == 200, "\(answer)")
            let predict = try #require(output(answer, "predict"))
            #expect(predict["datatype"] == "INT64")
            #expect(predict["data"] == .array((0..<2).map { .int(Int64(expected.classIndex($0))) }))
            #expect(numbers(output(answer, "predict_proba")) == expected.values)
        }
    }

    @Test("a model name or version this server does not serve is a 404 in the protocol's error shape")
    func notFound() async throws {
        let server = try TestServer.make(.gbdtClassifier, version: "3")
        try await TestServer.test(server) { client in
            let wrongName = "model \"nope\" not found; this server serves \"churn\""
            let wrongVersion = "model \"churn\" has no version \"9\" here; this server serves version 3"
            let cases: [(String, String?, String)] = [
                ("/v2/models/nope", nil, wrongName), ("/v2/models/nope/ready", nil, wrongName),
                ("/v2/models/nope/infer", Payload.matrix(), wrongName), ("/v2/models/churn/versions/9", nil, wrongVersion),
                ("/v2/models/churn/versions/9/ready", nil, wrongVersion),
                ("/v2/models/churn/versions/9/infer", Payload.matrix(), wrongVersion),
                ("/v2/models/nope/versions/3/infer", Payload.matrix(), wrongName),
            ]
            for (path, body, message) in cases {
                let answer = if let body { try await client.post(path, body) } else { try await client.get(path) }
                #expect(answer.status == 404, "\(path): \(answer)")
                #expect(answer.json == ["error": .string(message)], "\(path): \(answer)")
                #expect(answer.header("Content-Type") == "application/json")
            }
        }
        let unversioned = try TestServer.make(.gbdtRegressor)
        try await TestServer.test(unversioned) { client in
            let answer = try await client.get("/v2/models/churn/versions/1")
            #expect(answer.status == 404)
            #expect(
                answer.json?["error"]?.stringValue?.hasSuffix("this server serves a model with no registry version") == true, "\(answer)")
        }
    }
}
