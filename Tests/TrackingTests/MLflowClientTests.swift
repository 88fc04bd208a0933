import Foundation
import Testing
import TrainyardTesting

@testable import Tracking

private func client(_ server: MLflowServer, retryFor: Duration = .seconds(10)) throws -> MLflowClient {
    MLflowClient(try MLflowConfiguration(trackingURI: server.url, retryFor: retryFor))
}

/// The suite's server, a client for it, and a fresh experiment named `prefix-XXXXXX`; the client
/// is shut down when `body` returns.
private func withExperiment(
    _ prefix: String, _ body: (MLflowServer, MLflowClient, _ experimentId: String, _ experimentName: String) async throws -> Void
) async throws {
    let server = try MLflowServerScope.server()
    let client = try client(server)
    let name = "\(prefix)-\(UUID().uuidString.prefix(6))"
    do {
        try await body(server, client, try await client.ensureExperiment(named: name), name)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
}

/// Runs the built `trainyard train` on the breast-cancer data with `extra` arguments, into a
/// scratch output directory that is removed afterwards.
private func runTrain(_ extra: [String]) async throws -> CommandResult {
    let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-tracked-\(UUID().uuidString.prefix(8))").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let arguments = [
        "train", "--data", repositoryRoot + "/data/breast_cancer.csv", "--target", "diagnosis", "--output", output, "--progress", "none",
    ]
    return try await CommandRunner.run(binary, arguments + extra, timeout: .seconds(180))
}

@Suite("MLflow configuration and errors")
struct MLflowConfigurationTests {
    @Test(
        "bad configurations are refused with what would be right",
        arguments: [
            ("ftp://host", "is not an http(s) URL"),
            ("file:///tmp/mlruns", "is not an http(s) URL"),
            ("not a url", "is not an http(s) URL"),
        ])
    func refused(uri: String, fragment: String) {
        #expect {
            try MLflowConfiguration(trackingURI: uri)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test("the environment follows MLflow's conventions; secrets never show in descriptions")
    func environment() throws {
        let token = try MLflowConfiguration.fromEnvironment(["MLFLOW_TRACKING_URI": "http://m:5000/", "MLFLOW_TRACKING_TOKEN": "s3cret"])
        #expect(token.trackingURI == "http://m:5000")
        #expect(token.authorization == "Bearer s3cret")
        #expect(!"\(token)".contains("s3cret"))
        let basic = try MLflowConfiguration.fromEnvironment(
            ["MLFLOW_TRACKING_URI": "https://m", "MLFLOW_TRACKING_USERNAME": "ann", "MLFLOW_TRACKING_PASSWORD": "pw"])
        #expect(basic.authorization == "Basic " + Data("ann:pw".utf8).base64EncodedString())
        #expect(!"\(basic)".contains("pw"))
        #expect(throws: MLflowError.self) { try MLflowConfiguration.fromEnvironment([:]) }
        #expect {
            try MLflowConfiguration.fromEnvironment(["MLFLOW_TRACKING_URI": "http://m", "MLFLOW_TRACKING_USERNAME": "ann"])
        } throws: { error in
            "\(error)".contains("must be given together")
        }
        #expect(
            try MLflowConfiguration.fromEnvironment(["MLFLOW_TRACKING_URI": "http://a"], trackingURI: "http://b").trackingURI == "http://b")
    }

    @Test(
        "MLflow error codes and HTTP statuses map to kinds",
        arguments: [
            (404, "RESOURCE_DOES_NOT_EXIST" as String?, MLflowError.Code.notFound),
            (400, "RESOURCE_ALREADY_EXISTS", .alreadyExists),
            (400, "INVALID_PARAMETER_VALUE", .invalidRequest),
            (401, nil, .unauthenticated),
            (403, nil, .permissionDenied),
            (503, nil, .server),
            (429, nil, .server),
        ])
    func codes(status: Int, mlflowCode: String?, expected: MLflowError.Code) {
        #expect(MLflowError.code(status: status, mlflowCode: mlflowCode) == expected)
    }

    @Test("an unreachable server fails after the configured retry time, naming the URI and the last error")
    func unreachable() async throws {
        let port = try freeLoopbackPort()
        let client = MLflowClient(
            try MLflowConfiguration(
                trackingURI: "http://127.0.0.1:\(port)", retryFor: .seconds(2), retryDelay: .milliseconds(100),
                maxRetryDelay: .milliseconds(400)))
        defer { Task { try? await client.shutdown() } }
        let start = ContinuousClock.now
        await #expect {
            _ = try await client.experiment(named: "x")
        } throws: { error in
            guard let error = error as? MLflowError else { return false }
            return error.code == .unreachable && error.message.contains("http://127.0.0.1:\(port)")
                && error.message.contains("connection refused") && error.message.contains("gave up after")
        }
        let elapsed = ContinuousClock.now - start
        // It kept trying for about the configured 2 s; the upper bound only catches a hang.
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(120), "gave up after \(elapsed)")
    }
}

@Suite(
    "MLflow client against a real mlflow server",
    .enabled(if: ExternalTool.shouldRun("mlflow"), "mlflow not installed: run scripts/bootstrap (required under CI=true)"),
    .mlflowServer)
struct MLflowClientTests {
    @Test("experiments: get by name, create, and a race of creators ends with one experiment")
    func experiments() async throws {
        let server = try MLflowServerScope.server()
        let client = try client(server)
        defer { Task { try? await client.shutdown() } }
        #expect(try await client.experiment(named: "nope") == nil)
        let name = "race-\(UUID().uuidString.prefix(6))"
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await client.ensureExperiment(named: name) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 1)
        #expect(try await client.experiment(named: name)?.experimentId == ids[0])
        await #expect {
            _ = try await client.createExperiment(named: name)
        } throws: { error in
            (error as? MLflowError)?.code == .alreadyExists && (error as? MLflowError)?.mlflowCode == "RESOURCE_ALREADY_EXISTS"
        }
    }

    @Test("runs: create, log in batches past MLflow's limits, read back history, finish, search")
    func runs() async throws {
        try await withExperiment("runs") { server, client, experiment, _ in
            let run = try await client.createRun(experimentId: experiment, name: "first", tags: ["trainyard.version": "test"])
            #expect(run.status == .running)
            #expect(run.runName == "first")

            // 150 params (two calls at 100 per call) and 2,500 metric points (three calls at 1,000).
            let params = (0..<150).map { Param(key: "p\($0)", value: "\($0)") }
            let now = MLflowClient.milliseconds(Date())
            let metrics = (0..<2500).map { i -> Metric in
                let key = i % 2 == 0 ? "train_logloss" : "validation_logloss"
                let value: Double = 1 / Double(i + 1)
                return Metric(key: key, value: value, timestamp: now, step: Int64(i / 2))
            }
            try await client.logBatch(runId: run.runId, metrics: metrics, params: params, tags: [RunTag(key: "data.rows", value: "569")])
            let history = try await client.metricHistory(runId: run.runId, key: "train_logloss")
            #expect(history.count == 1250)
            #expect(Set(history.compactMap(\.step)) == Set((0..<1250).map(Int64.init)))

            let finished = try await client.updateRun(id: run.runId, status: .finished)
            #expect(finished.status == .finished)
            #expect(finished.endTime != nil)
            let read = try await client.run(id: run.runId)
            #expect(read.params.count == 150)
            #expect(read.params["p149"] == "149")
            #expect(read.tags["data.rows"] == "569")
            #expect(read.tags["trainyard.version"] == "test")
            #expect(read.metrics["validation_logloss"] == 1 / 2500.0)

            let found = try await client.searchRuns(experimentIds: [experiment], filter: "tags.`data.rows` = '569'")
            #expect(found.map(\.info.runId) == [run.runId])
            await #expect {
                try await client.logBatch(runId: run.runId, metrics: [Metric(key: "bad", value: .nan, timestamp: now)])
            } throws: { error in
                "\(error)".contains("metric bad is nan")
            }
            await #expect {
                _ = try await client.run(id: "0123456789abcdef0123456789abcdef")
            } throws: { error in
                (error as? MLflowError)?.code == .notFound
            }
        }
    }

    @Test("the Python MLflow client reads what Swift wrote")
    func pythonReadsSwift() async throws {
        let server = try MLflowServerScope.server()
        let client = try client(server)
        defer { Task { try? await client.shutdown() } }
        let name = "python-\(UUID().uuidString.prefix(6))"
        let experiment = try await client.ensureExperiment(named: name)
        let run = try await client.createRun(experimentId: experiment, name: "from-swift")
        try await client.logBatch(
            runId: run.runId,
            metrics: (0..<5).map { i -> Metric in
                let value: Double = 0.9 + Double(i) / 100
                return Metric(key: "auc", value: value, timestamp: 1_700_000_000_000, step: Int64(i))
            },
            params: [Param(key: "maxDepth", value: "6")])
        try await client.updateRun(id: run.runId, status: .finished)
        let python = try #require(ExternalTool.python(importing: ["mlflow"]), "python with mlflow is required; run scripts/bootstrap")
        let script = """
            import json, sys, mlflow
            mlflow.set_tracking_uri(sys.argv[1])
            runs = mlflow.search_runs(experiment_names=[sys.argv[2]], output_format="list")
            r = runs[0]
            history = mlflow.MlflowClient().get_metric_history(r.info.run_id, "auc")
            print(json.dumps({"n": len(runs), "status": r.info.status, "name": r.info.run_name,
                              "maxDepth": r.data.params["maxDepth"], "steps": [m.step for m in history],
                              "auc": r.data.metrics["auc"]}))
            """
        let result = try await CommandRunner.run(python, ["-c", script, server.url, name], timeout: .seconds(120))
        try #require(result.succeeded, "\(result)")
        let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(answer?["n"] as? Int == 1)
        #expect(answer?["status"] as? String == "FINISHED")
        #expect(answer?["name"] as? String == "from-swift")
        #expect(answer?["maxDepth"] as? String == "6")
        #expect(answer?["steps"] as? [Int] == [0, 1, 2, 3, 4])
        #expect(abs((answer?["auc"] as? Double ?? 0) - 0.94) < 1e-12)
    }
}

extension MLflowClientTests {
    @Test("registry: versions 1 and 2 of a model, aliases set, read, moved and deleted, version tags")
    func registry() async throws {
        try await withExperiment("registry") { server, client, experiment, _ in
            let model = "model-\(UUID().uuidString.prefix(6))"
            try await client.ensureRegisteredModel(named: model)
            try await client.ensureRegisteredModel(named: model)  // a second time is fine
            #expect(try await client.modelVersion(name: model, alias: "champion") == nil)

            var versions: [ModelVersion] = []
            for i in 0..<2 {
                let run = try await client.createRun(experimentId: experiment, name: "candidate-\(i)")
                let version = try await client.createModelVersion(
                    name: model, source: "runs:/\(run.runId)/model", runId: run.runId, tags: ["trainyard.metric": "auc"])
                #expect(version.status == "READY")
                versions.append(version)
            }
            #expect(versions.map(\.version) == ["1", "2"])
            #expect(try await client.modelVersions(name: model).map(\.version) == ["2", "1"])

            try await client.setAlias(name: model, alias: "champion", version: "1")
            #expect(try await client.modelVersion(name: model, alias: "champion")?.version == "1")
            try await client.setAlias(name: model, alias: "champion", version: "2")
            let champion = try await client.modelVersion(name: model, alias: "champion")
            #expect(champion?.version == "2")
            #expect(champion?.aliases == ["champion"])
            try await client.setModelVersionTag(name: model, version: "2", key: "trainyard.decision", value: "Promoted")
            let tags = try await client.modelVersion(name: model, version: "2").tags ?? []
            #expect(tags.contains(RunTag(key: "trainyard.decision", value: "Promoted")))
            try await client.deleteAlias(name: model, alias: "champion")
            #expect(try await client.modelVersion(name: model, alias: "champion") == nil)
        }
    }
}

extension MLflowClientTests {
    @Test("artifacts through the proxy: a directory up, listed, a 3 MiB file streamed down unchanged, read by Python")
    func artifacts() async throws {
        try await withExperiment("artifacts") { server, client, experiment, _ in
            let run = try await client.createRun(experimentId: experiment)
            let root = try MLflowClient.proxyPath(artifactURI: try #require(run.artifactUri))
            #expect(root == "\(experiment)/\(run.runId)/artifacts")

            let local = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-artifacts-\(UUID().uuidString.prefix(8))")
                .path
            try FileManager.default.createDirectory(atPath: local + "/model/sub", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: local) }
            var generator = SystemRandomNumberGenerator()
            let big = Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try big.write(to: URL(fileURLWithPath: local + "/model/weights.bin"))
            try Data("{\"a\": 1}".utf8).write(to: URL(fileURLWithPath: local + "/model/sub/model.json"))
            try await client.uploadArtifacts(directory: local + "/model", to: root + "/model")

            let listed = try await client.listArtifacts(root + "/model")
            #expect(Set(listed.map(\.path)) == ["model/sub", "model/weights.bin"] || Set(listed.map(\.path)) == ["sub", "weights.bin"])
            #expect(listed.first { $0.path.hasSuffix("weights.bin") }?.fileSize == Int64(3 << 20))

            try await client.downloadArtifact(root + "/model/weights.bin", to: local + "/down/weights.bin")
            #expect(try Data(contentsOf: URL(fileURLWithPath: local + "/down/weights.bin")) == big)

            let python = try #require(ExternalTool.python(importing: ["mlflow"]), "python with mlflow is required; run scripts/bootstrap")
            let script = """
                import sys, mlflow
                mlflow.set_tracking_uri(sys.argv[1])
                path = mlflow.artifacts.download_artifacts(run_id=sys.argv[2], artifact_path="model/sub/model.json", dst_path=sys.argv[3])
                print(open(path).read())
                """
            let result = try await CommandRunner.run(python, ["-c", script, server.url, run.runId, local + "/py"], timeout: .seconds(120))
            try #require(result.succeeded, "\(result)")
            #expect(result.stdout.contains("{\"a\": 1}"))

            #expect(throws: MLflowError.self) { try MLflowClient.proxyPath(artifactURI: "s3://bucket/1/run/artifacts") }
            #expect(try MLflowClient.proxyPath(artifactURI: "mlflow-artifacts://host:5000/1/r/artifacts", "model") == "1/r/artifacts/model")
        }
    }
}

extension MLflowClientTests {
    @Test("trainyard train --tracking-uri records params, per-round curves with steps, final metrics, tags and the model files")
    func trainRecordsARun() async throws {
        try await withExperiment("train") { server, client, experiment, name in
            let result = try await runTrain([
                "--param", "numTrees=20", "--param", "learningRate=0.2", "--tracking-uri", server.url, "--experiment", name,
                "--run-name", "tracked",
            ])
            try #require(result.succeeded, "\(result)")
            #expect(result.stderr.contains("recorded MLflow run"))
            let runs = try await client.searchRuns(experimentIds: [experiment])
            try #require(runs.count == 1)
            let run = runs[0]
            #expect(run.info.status == .finished)
            #expect(run.info.runName == "tracked")
            #expect(run.params["numTrees"] == "20" && run.params["model"] == "gbdt" && run.params["target"] == "diagnosis")
            #expect((run.metrics["validation_auc"] ?? 0) > 0.95)
            #expect(run.tags["trainyard.rows.train"] == "455")
            let curve = try await client.metricHistory(runId: run.info.runId, key: "validation-logloss")
            #expect(curve.compactMap(\.step) == (1...20).map(Int64.init))
            #expect(run.tags["trainyard.version"]?.isEmpty == false)
            #expect(run.tags["trainyard.data"]?.hasSuffix("data/breast_cancer.csv") == true)
            let digest = try await CommandRunner.run("/usr/bin/sha256sum", [repositoryRoot + "/data/breast_cancer.csv"])
            #expect(run.tags["trainyard.data.sha256"] == digest.stdout.split(separator: " ").first.map(String.init))
            let artifactURI = try #require(run.info.artifactUri)
            func names(_ path: String) async throws -> Set<String> {
                Set(
                    try await client.listArtifacts(try MLflowClient.proxyPath(artifactURI: artifactURI, path)).map {
                        ($0.path as NSString).lastPathComponent
                    })
            }
            let model = try await names("model")
            #expect(
                model.isSuperset(of: ["MLmodel", "model.json", "model.xgb.json", "code", "requirements.txt", "python_env.yaml"]), "\(model)"
            )
            #expect(try await names("model/code") == ["trainyard_pyfunc.py"])
            #expect(try await names("").isSuperset(of: ["model", "metrics.json", "curves.csv", "plots"]))
            #expect(
                try await names("plots") == ["confusion_matrix.svg", "roc_curve.svg", "feature_importance.svg", "learning_curves.svg"])
            let mlmodel = FileManager.default.temporaryDirectory.appendingPathComponent("MLmodel-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: mlmodel) }
            try await client.downloadArtifact(try MLflowClient.proxyPath(artifactURI: artifactURI, "model/MLmodel"), to: mlmodel)
            let text = try String(contentsOfFile: mlmodel, encoding: .utf8)
            #expect(text.contains("run_id: '\(run.info.runId)'") && text.contains("loader_module: 'trainyard_pyfunc'"), "\(text)")
            // The runs table's model column reads this tag.
            #expect(run.tags["mlflow.log-model.history"]?.contains("\"run_id\": \"\(run.info.runId)\"") == true)
        }
    }
}

extension MLflowConfigurationTests {
    @Test("trainyard train against a stopped MLflow fails within the configured time, naming the URI and the last error")
    func trainWithoutMLflow() async throws {
        let port = try freeLoopbackPort()
        let result = try await runTrain([
            "--param", "numTrees=5", "--tracking-uri", "http://127.0.0.1:\(port)", "--tracking-retry-seconds", "2",
        ])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("cannot reach MLflow at http://127.0.0.1:\(port)"), "\(result)")
        #expect(result.stderr.contains("connection refused") && result.stderr.contains("gave up after"), "\(result)")
    }
}
