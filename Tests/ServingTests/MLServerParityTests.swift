import Foundation
import KubeAPI
import Serving
import Testing
import TrainyardTesting

private let mlserver = repositoryRoot + "/.venv/mlserver/bin/mlserver"

/// The tensor named `name` in an inference answer.
private func tensor(_ answer: JSONValue, _ name: String) -> JSONValue? {
    answer["outputs"]?.arrayValue?.first { $0["name"]?.stringValue == name }
}

@Suite(
    "Parity with MLServer (mlserver_xgboost) on the XGBoost export",
    .enabled(
        if: ExternalTool.inCI || FileManager.default.isExecutableFile(atPath: mlserver),
        "MLServer not installed in .venv/mlserver: run scripts/bootstrap --mlserver (required under CI=true)"),
    .timeLimit(.minutes(2)))
struct MLServerParityTests {
    @Test("the same Open Inference Protocol request gets the same outputs from trainyard serve and MLServer, classifier and regressor")
    func sameAnswers() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: mlserver), "\(mlserver) not found: run scripts/bootstrap --mlserver")
        let scratch = try ScratchDirectory("trainyard-mlserver-parity")
        let data = try scratch.write("numeric.csv", ServingData.numericCSV())
        let (classifierPath, regressorPath) = (scratch.file("clf"), scratch.file("reg"))
        async let classifier = trainyardTrain(
            data: data, target: "label", task: "classification", model: "gbdt", drop: "target", output: classifierPath)
        async let regressor = trainyardTrain(
            data: data, target: "target", task: "regression", model: "gbdt", drop: "label", output: regressorPath)
        let directories = ["clf": try await classifier, "reg": try await regressor]

        // An MLServer model repository serving both exports (settings as in /tmp/research-mlserver.md).
        let port = try freeLoopbackPort()
        let settings: JSONValue = [
            "host": "127.0.0.1", "http_port": .int(Int64(port)), "grpc_port": .int(Int64(try freeLoopbackPort())),
            "metrics_port": .int(Int64(try freeLoopbackPort())), "parallel_workers": 0,
        ]
        try scratch.write("repository/settings.json", settings.serialized())
        for (name, directory) in directories {
            let modelSettings: JSONValue = [
                "name": .string(name), "implementation": "mlserver_xgboost.XGBoostModel",
                "parameters": ["uri": "./model.json", "version": "v1"],
            ]
            try scratch.write("repository/\(name)/model-settings.json", modelSettings.serialized())
            try FileManager.default.copyItem(atPath: directory + "/model.xgb.json", toPath: scratch.file("repository/\(name)/model.json"))
        }
        let bin = (mlserver as NSString).deletingLastPathComponent
        let peer = try await PeerServer.start(
            "mlserver", executable: mlserver, arguments: ["start", scratch.file("repository")],
            environment: ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")], port: port,
            readyPath: "/v2/health/ready", timeout: .seconds(60))
        do {
            for name in directories.keys.sorted() {
                let ready = try await HTTPFetch.get(peer.url + "/v2/models/\(name)/ready", newConnection: true)
                try #require(ready.status == 200, "MLServer: \(name) not ready: \(ready)\n\(peer.log)")
            }
            // Rows of f0...f3 in feature order, gaps as null (missing for both servers).
            let rows: [[Double?]] = [
                [1.5, -2, nil, 3], [-4, 2.5, 1, nil], [nil, nil, nil, nil], [9.75, -9.5, 0.125, 7], [0, 0, 0, 0], [-7.25, nil, 3.5, -1],
            ]
            let cells: [JSONValue] = rows.flatMap { $0.map { $0.map(JSONValue.double) ?? .null } }
            for (name, outputs) in [("clf", ["predict", "predict_proba"]), ("reg", ["predict"])] {
                let body = JSONValue.object([
                    "id": .string("parity-\(name)"),
                    "inputs": [["name": "input-0", "shape": [.int(Int64(rows.count)), 4], "datatype": "FP64", "data": .array(cells)]],
                    "outputs": .array(outputs.map { ["name": .string($0)] }),
                ]).serialized()
                let path = "/v2/models/\(name)/infer"
                let theirs = try await HTTPFetch.post(peer.url + path, body: body, newConnection: true)
                try #require(theirs.status == 200, "MLServer \(name): \(theirs.status) \(theirs.body)\n\(peer.log)")
                let served = try await ModelLoader(tracking: nil, name: name).load(directories[name]!)
                let ours = try await TestServer.test(TestServer.make(served)) { client in try await client.post(path, body) }
                try #require(ours.status == 200, "trainyard \(name): \(ours)")
                let their = try JSONValue.parse(theirs.body)
                let mine = try #require(ours.json)
                #expect(mine["id"] == their["id"] && mine["model_name"] == their["model_name"])
                #expect(mine["outputs"]?.arrayValue?.map { $0["name"] } == their["outputs"]?.arrayValue?.map { $0["name"] })
                for outputName in outputs {
                    let a = try #require(tensor(mine, outputName))
                    let b = try #require(tensor(their, outputName), "MLServer \(name) has no \(outputName): \(their)")
                    #expect(a["shape"] == b["shape"], "\(name) \(outputName): \(a) vs \(b)")
                    if name == "clf", outputName == "predict" {
                        // Class labels 0/1 as INT64 on both sides.
                        #expect(a["datatype"] == "INT64" && b["datatype"] == "INT64", "\(a) vs \(b)")
                        #expect(a["data"] == b["data"], "\(name) labels: \(a) vs \(b)")
                        continue
                    }
                    let x = a["data"]?.arrayValue?.compactMap(\.doubleValue) ?? []
                    let y = b["data"]?.arrayValue?.compactMap(\.doubleValue) ?? []
                    #expect(
                        x.count == y.count && x.count == rows.count * (outputName == "predict_proba" ? 2 : 1),
                        "\(name) \(outputName): \(x) vs \(y)")
                    for (i, (p, q)) in zip(x, y).enumerated() {
                        #expect(agree(p, q), "\(name) \(outputName)[\(i)]: trainyard \(p), MLServer \(q)")
                    }
                }
            }
        } catch {
            await peer.stop()
            throw error
        }
        await peer.stop()
    }
}
