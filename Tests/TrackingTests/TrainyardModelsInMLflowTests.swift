import Foundation
import Testing
import TrainyardTesting

@testable import Tracking

/// Runs the built `trainyard` with `arguments`.
private func trainyard(_ arguments: [String]) async throws -> CommandResult {
    let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
    // Only the arguments say where MLflow is, whatever the environment of the test run holds.
    return try await CommandRunner.run(
        binary, arguments, environment: ["MLFLOW_TRACKING_URI": "", "MLFLOW_RUN_ID": "", "MLFLOW_EXPERIMENT_NAME": ""],
        timeout: .seconds(180))
}

private func scratchDirectory(_ prefix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Mixed data the way users have it: numbers with gaps, text categories (one unseen at scoring
/// time), a true/false column, a three-class label and a numeric target.
private func writeMixedData(rows: Int, seed: UInt64, unseenCategory: Bool, to path: String) throws {
    var random = SeededRandom(seed: seed)
    let colours = ["red", "green", "blue", "amber"]
    var text = "id,size,weight,colour,flag,kind,price\n"
    for i in 0..<rows {
        let size = Double.random(in: 0...10, using: &random)
        let weight = Double.random(in: -5...5, using: &random)
        let colourIndex = Int(random.next() % 4)
        let flag = random.next() % 2 == 0
        var colour = colours[colourIndex]
        if unseenCategory, i % 17 == 3 { colour = "purple" }
        let score = size - 5 + (colourIndex == 1 ? 2 : 0) + (flag ? 1 : -1) + 0.4 * weight + Double.random(in: -1.5...1.5, using: &random)
        let kind = score < -1.5 ? "low" : (score < 1.5 ? "mid" : "high")
        let price = 3 * size + 2 * weight + Double(colourIndex) * 4 + (flag ? 5 : 0) + Double.random(in: -1...1, using: &random)
        let sizeText = i % 11 == 0 ? "" : String(format: "%.4f", size)
        let weightText = i % 13 == 5 ? "NA" : String(format: "%.3f", weight)
        let colourText = i % 19 == 7 ? "" : colour
        text += "\(i),\(sizeText),\(weightText),\(colourText),\(flag),\(kind),\(String(format: "%.3f", price))\n"
    }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Loads `uri` with `mlflow.pyfunc.load_model`, predicts `data` read by pandas, and compares with
/// `trainyard predict`'s CSV: the answer holds whether the columns and class labels agree and the
/// largest absolute and relative differences of the numbers.
private let comparePyfunc = """
    import json, sys
    import numpy as np, pandas as pd, mlflow
    mlflow.set_tracking_uri(sys.argv[1])
    model = mlflow.pyfunc.load_model(sys.argv[2])
    got = model.predict(pd.read_csv(sys.argv[3]))
    want = pd.read_csv(sys.argv[4], dtype={"prediction": str} if sys.argv[5] == "classification" else None)
    answer = {"rows": len(got), "expected_rows": len(want), "columns": list(got.columns),
              "expected_columns": list(want.columns), "labels_equal": True, "max_abs": 0.0, "max_rel": 0.0}
    for column in want.columns:
        if column == "prediction" and sys.argv[5] == "classification":
            answer["labels_equal"] = bool((got[column].astype(str).values == want[column].values).all())
            continue
        a = got[column].astype(float).values
        b = want[column].astype(float).values
        d = np.abs(a - b)
        answer["max_abs"] = max(answer["max_abs"], float(d.max()))
        answer["max_rel"] = max(answer["max_rel"], float((d / np.maximum(np.abs(b), 1.0)).max()))
    print(json.dumps(answer))
    """

private struct PyfuncComparison: Decodable {
    var rows: Int
    var expectedRows: Int
    var columns: [String]
    var expectedColumns: [String]
    var labelsEqual: Bool
    var maxAbs: Double
    var maxRel: Double

    enum CodingKeys: String, CodingKey {
        case rows
        case expectedRows = "expected_rows"
        case columns
        case expectedColumns = "expected_columns"
        case labelsEqual = "labels_equal"
        case maxAbs = "max_abs"
        case maxRel = "max_rel"
    }
}

private func compareWithPyfunc(server: MLflowServer, uri: String, data: String, predictions: String, task: String) async throws
    -> PyfuncComparison
{
    let python = try #require(ExternalTool.python(importing: ["mlflow"]), "python with mlflow is required; run scripts/bootstrap")
    let result = try await CommandRunner.run(
        python, ["-c", comparePyfunc, server.url, uri, data, predictions, task], timeout: .seconds(180))
    try #require(result.succeeded, "\(result)")
    let line = try #require(result.stdout.split(separator: "\n").last, "\(result)")
    return try JSONDecoder().decode(PyfuncComparison.self, from: Data(line.utf8))
}

/// One model type on the mixed data: what to train and how its predictions look.
struct ParityCase: Sendable, CustomTestStringConvertible {
    var model: String
    var target: String
    var task: String
    var params: [String]
    var testDescription: String { "\(model) \(task) on \(target)" }
}

extension MLflowClientTests {
    @Test("--register makes version 1, then 2; the alias moves; Python's pyfunc and xgboost flavors and trainyard predict agree")
    func registerAndLoadInPython() async throws {
        try await withScratch("register") { server, client, directory in
            let name = "bc-\(UUID().uuidString.prefix(6))"
            let experiment = "register-\(UUID().uuidString.prefix(6))"
            let data = repositoryRoot + "/data/breast_cancer.csv"
            var runIds: [String] = []
            for (i, trees) in [8, 12].enumerated() {
                let result = try await trainyard([
                    "train", "--data", data, "--target", "diagnosis", "--output", directory + "/out\(i)", "--progress", "none",
                    "--param", "numTrees=\(trees)", "--tracking-uri", server.url, "--experiment", experiment, "--register", name,
                ])
                try #require(result.succeeded, "\(result)")
                #expect(result.stderr.contains("registered \(name) version \(i + 1)"), "\(result)")
                let runs = try await client.searchRuns(experimentIds: [
                    try #require(try await client.experiment(named: experiment)).experimentId
                ])
                runIds.append(try #require(runs.first { !runIds.contains($0.info.runId) }).info.runId)
            }
            let versions = try await client.modelVersions(name: name)
            #expect(versions.map(\.version) == ["2", "1"])
            #expect(versions.map(\.runId) == [runIds[1], runIds[0]])
            #expect(versions.allSatisfy { $0.status == "READY" })
            #expect(versions.allSatisfy { $0.tags?.contains { $0.key == "trainyard.validation.auc" } == true })

            // The alias is set on version 1, then moved to version 2; trainyard predict follows it.
            try await client.setAlias(name: name, alias: "champion", version: "1")
            #expect(try await client.modelVersion(name: name, alias: "champion")?.version == "1")
            try await client.setAlias(name: name, alias: "champion", version: "2")
            #expect(try await client.modelVersion(name: name, alias: "champion")?.version == "2")
            let predictions = directory + "/predictions.csv"
            let predict = try await trainyard([
                "predict", "--model", "models:/\(name)@champion", "--data", data, "--output", predictions, "--tracking-uri", server.url,
            ])
            try #require(predict.succeeded, "\(predict)")
            #expect(predict.stderr.contains("models:/\(name)@champion (version 2)"), "\(predict)")
            let local = try await trainyard([
                "predict", "--model", directory + "/out1", "--data", data, "--output", directory + "/local.csv",
            ])
            try #require(local.succeeded, "\(local)")
            #expect(
                try String(contentsOfFile: predictions, encoding: .utf8)
                    == String(contentsOfFile: directory + "/local.csv", encoding: .utf8))

            let comparison = try await compareWithPyfunc(
                server: server, uri: "models:/\(name)@champion", data: data, predictions: predictions, task: "classification")
            #expect(comparison.rows == 569 && comparison.expectedRows == 569)
            #expect(comparison.columns == ["prediction", "probability_benign", "probability_malignant"])
            #expect(comparison.columns == comparison.expectedColumns)
            #expect(comparison.labelsEqual)
            #expect(comparison.maxAbs <= 1e-6, "pyfunc and trainyard predict differ by \(comparison.maxAbs)")

            // The xgboost flavor: XGBoost's own Booster from the same URI gives the same probabilities.
            let python = try #require(ExternalTool.python(importing: ["mlflow", "xgboost"]), "python with mlflow and xgboost is required")
            let script = """
                import json, sys
                import numpy as np, pandas as pd, mlflow, mlflow.xgboost, xgboost
                mlflow.set_tracking_uri(sys.argv[1])
                booster = mlflow.xgboost.load_model(sys.argv[2])
                frame = pd.read_csv(sys.argv[3])
                names = booster.feature_names or [c for c in frame.columns if c != "diagnosis"]
                p = booster.predict(xgboost.DMatrix(frame[names].astype("float32")))
                want = pd.read_csv(sys.argv[4])["probability_malignant"].values
                try:
                    mlflow.pyfunc.load_model(sys.argv[2]).predict(frame.drop(columns=["mean radius"]))
                    missing = ""
                except Exception as error:
                    missing = str(error)
                version = mlflow.MlflowClient().get_model_version_by_alias(sys.argv[5], "champion")
                inputs = mlflow.get_run(version.run_id).inputs.dataset_inputs
                datasets = [[d.dataset.name, d.dataset.digest, d.tags[0].value, json.loads(d.dataset.profile)["num_rows"]] for d in inputs]
                print(json.dumps({"type": type(booster).__name__, "rounds": booster.num_boosted_rounds(),
                                  "max_abs": float(np.abs(p - want).max()), "datasets": datasets,
                                  "missing": missing}))
                """
            let result = try await CommandRunner.run(
                python, ["-c", script, server.url, "models:/\(name)/2", data, predictions, name], timeout: .seconds(180))
            try #require(result.succeeded, "\(result)")
            let answer =
                try JSONSerialization.jsonObject(with: Data(try #require(result.stdout.split(separator: "\n").last).utf8)) as? [String: Any]
            #expect(answer?["type"] as? String == "Booster")
            #expect(answer?["rounds"] as? Int == 12)
            #expect((answer?["max_abs"] as? Double ?? 1) <= 1e-6, "\(result.stdout)")
            // pyfunc names a missing feature column.
            #expect((answer?["missing"] as? String)?.contains("mean radius") == true, "\(result.stdout)")
            // The run lists its training data as an MLflow dataset: name, digest (of the file's SHA-256), context, rows.
            let digest = try await CommandRunner.run("/usr/bin/sha256sum", [data]).stdout.prefix(8)
            let datasets = answer?["datasets"] as? [[Any]]
            #expect(datasets?.count == 1)
            #expect(datasets?.first?[0] as? String == "breast_cancer" && datasets?.first?[1] as? String == String(digest))
            #expect(datasets?.first?[2] as? String == "training" && datasets?.first?[3] as? Int == 569)
        }
    }

    @Test(
        "pyfunc predictions equal trainyard predict's within 1e-6 on mixed data (gaps, text categories, unseen ones, booleans)",
        arguments: [
            ParityCase(model: "gbdt", target: "kind", task: "classification", params: ["numTrees=15", "maxDepth=4"]),
            ParityCase(model: "gbdt", target: "price", task: "regression", params: ["numTrees=15", "maxLeaves=12"]),
            ParityCase(model: "logistic", target: "kind", task: "classification", params: []),
            ParityCase(model: "linear", target: "price", task: "regression", params: []),
        ])
    func pyfuncParity(_ parity: ParityCase) async throws {
        try await withScratch("parity") { server, client, directory in
            let train = directory + "/train.csv"
            let score = directory + "/score.csv"
            try writeMixedData(rows: 600, seed: 7, unseenCategory: false, to: train)
            try writeMixedData(rows: 300, seed: 8, unseenCategory: true, to: score)
            let name = "mixed-\(parity.model)-\(UUID().uuidString.prefix(6))"
            let other = parity.target == "kind" ? "price" : "kind"
            let result = try await trainyard(
                [
                    "train", "--data", train, "--target", parity.target, "--model", parity.model, "--drop-columns", "id,\(other)",
                    "--output", directory + "/model", "--progress", "none", "--tracking-uri", server.url, "--experiment", name,
                    "--register", name,
                ] + parity.params.flatMap { ["--param", $0] })
            try #require(result.succeeded, "\(result)")
            try await client.setAlias(name: name, alias: "champion", version: "1")
            let predictions = directory + "/predictions.csv"
            let predict = try await trainyard([
                "predict", "--model", "models:/\(name)@champion", "--data", score, "--output", predictions, "--tracking-uri", server.url,
            ])
            try #require(predict.succeeded, "\(predict)")
            let comparison = try await compareWithPyfunc(
                server: server, uri: "models:/\(name)@champion", data: score, predictions: predictions, task: parity.task)
            #expect(comparison.rows == 300 && comparison.expectedRows == 300)
            #expect(comparison.columns == comparison.expectedColumns)
            #expect(comparison.columns.first == "prediction")
            #expect(comparison.columns.count == (parity.task == "classification" ? 4 : 1))
            #expect(comparison.labelsEqual)
            #expect(comparison.maxAbs <= 1e-6, "pyfunc and trainyard predict differ by \(comparison.maxAbs)")
            #expect(comparison.maxRel <= 1e-6, "pyfunc and trainyard predict differ by \(comparison.maxRel) relative")
        }
    }

    @Test("trainyard predict names what is wrong with a model URI: no alias, no version, no run, not a Trainyard model, no server")
    func predictURIErrors() async throws {
        try await withScratch("uri-errors") { server, client, directory in
            let data = repositoryRoot + "/data/breast_cancer.csv"
            let experimentId = try await client.ensureExperiment(named: "uri-errors-\(UUID().uuidString.prefix(6))")
            let run = try await client.createRun(experimentId: experimentId)
            let notes = directory + "/notes.txt"
            try Data("not a model".utf8).write(to: URL(fileURLWithPath: notes))
            try await client.uploadArtifact(
                file: notes, to: try MLflowClient.proxyPath(artifactURI: try #require(run.artifactUri), "other/notes.txt"))
            let name = "missing-\(UUID().uuidString.prefix(6))"
            let cases: [(String, [String], String)] = [
                ("models:/\(name)@champion", ["--tracking-uri", server.url], "registered model \(name) has no alias champion"),
                ("models:/\(name)/4", ["--tracking-uri", server.url], "registered model \(name) has no version 4"),
                ("runs:/nosuchrun/model", ["--tracking-uri", server.url], "no run nosuchrun"),
                ("runs:/\(run.runId)/other", ["--tracking-uri", server.url], "is not a Trainyard model: "),
                ("models:/\(name)/1", [], "is in MLflow: give --tracking-uri or set MLFLOW_TRACKING_URI"),
                ("s3://bucket/model", [], "scheme \"s3\" is not supported"),
            ]
            for (uri, extra, fragment) in cases {
                let result = try await trainyard(["predict", "--model", uri, "--data", data, "--output", directory + "/p.csv"] + extra)
                #expect(!result.succeeded)
                #expect(result.stderr.contains(fragment), "\(uri): \(result)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/p.csv"))
            let other = try await trainyard([
                "predict", "--model", "runs:/\(run.runId)/other", "--data", data, "--output", directory + "/p.csv", "--tracking-uri",
                server.url,
            ])
            #expect(other.stderr.contains("holds notes.txt"), "\(other)")
        }
    }
}

/// The suite's server, a client, and a scratch directory, both cleaned up afterwards.
private func withScratch(_ prefix: String, _ body: (MLflowServer, MLflowClient, String) async throws -> Void) async throws {
    let server = try MLflowServerScope.server()
    let client = MLflowClient(try MLflowConfiguration(trackingURI: server.url, retryFor: .seconds(10)))
    let directory = try scratchDirectory("trainyard-\(prefix)")
    do {
        try await body(server, client, directory)
    } catch {
        try? await client.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
        throw error
    }
    try await client.shutdown()
    try? FileManager.default.removeItem(atPath: directory)
}

extension MLflowClientTests {
    @Test("--register whose create answer is lost fails and leaves no version behind (the run stays FINISHED)")
    func lostRegistrationAnswer() async throws {
        try await withScratch("lost-answer") { server, client, directory in
            let proxy = try await FaultInjectingProxy.start(
                upstream: server.url, dropAnswerTo: ["/api/2.0/mlflow/model-versions/create"])
            let name = "lost-\(UUID().uuidString.prefix(6))"
            let experiment = "lost-\(UUID().uuidString.prefix(6))"
            let result = try await trainyard([
                "train", "--data", repositoryRoot + "/data/breast_cancer.csv", "--target", "diagnosis", "--output", directory + "/out",
                "--progress", "none", "--param", "numTrees=5", "--tracking-uri", proxy.url, "--experiment", experiment,
                "--register", name, "--tracking-retry-seconds", "5",
            ])
            try await proxy.shutdown()
            #expect(!result.succeeded)
            #expect(proxy.droppedRequests == ["/api/2.0/mlflow/model-versions/create"])
            #expect(result.stderr.contains("MLflow: ") && result.stderr.contains(proxy.url), "\(result)")
            // MLflow did create the version; the trainer found it by its registration tag and deleted it.
            #expect(try await client.modelVersions(name: name).isEmpty)
            let experimentId = try #require(try await client.experiment(named: experiment)).experimentId
            let runs = try await client.searchRuns(experimentIds: [experimentId])
            #expect(runs.map(\.info.status) == [.finished])
        }
    }
}

extension MLflowClientTests {
    @Test("the model store downloads a version once into its cache, and resolves an alias anew every time")
    func modelStoreCache() async throws {
        try await withScratch("store") { server, client, directory in
            let name = "store-\(UUID().uuidString.prefix(6))"
            for trees in ["3", "5"] {
                let result = try await trainyard([
                    "train", "--data", repositoryRoot + "/data/breast_cancer.csv", "--target", "diagnosis", "--output",
                    directory + "/out\(trees)", "--progress", "none", "--param", "numTrees=\(trees)", "--tracking-uri", server.url,
                    "--experiment", name, "--register", name,
                ])
                #expect(result.succeeded, "\(result)")
            }
            try await client.setAlias(name: name, alias: "champion", version: "1")
            let files = ["model.json", "MLmodel"]
            let store = ModelStore(client: client, cacheDirectory: directory + "/cache")
            let first = try await store.download(.version(name: name, version: "1"), files: files)
            #expect(!first.fromCache && !first.isTemporary && first.resolved.version == "1")
            #expect(FileManager.default.contentsEqual(atPath: first.directory + "/model.json", andPath: directory + "/out3/model.json"))
            let again = try await store.download(.alias(name: name, alias: "champion"), files: files)
            #expect(again.fromCache && again.directory == first.directory, "version 1 is in the cache")

            try await client.setAlias(name: name, alias: "champion", version: "2")
            let moved = try await store.download(.alias(name: name, alias: "champion"), files: files)
            #expect(!moved.fromCache && moved.resolved.version == "2" && moved.directory != first.directory, "the alias moved")
            #expect(FileManager.default.contentsEqual(atPath: moved.directory + "/model.json", andPath: directory + "/out5/model.json"))
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory + "/cache").filter { $0 != ".refs" }
            #expect(entries.count == 2 && !entries.contains { $0.hasPrefix(".") }, "two complete entries, no scratch left: \(entries)")

            // A version once downloaded loads with MLflow out of reach (a server restarting during an outage).
            var unreachable = try MLflowConfiguration(trackingURI: "http://127.0.0.1:1")
            unreachable.retryFor = .zero
            let offline = MLflowClient(unreachable)
            let fromCache = try await ModelStore(client: offline, cacheDirectory: directory + "/cache")
                .download(.version(name: name, version: "1"), files: files)
            #expect(fromCache.fromCache && fromCache.directory == first.directory && fromCache.resolved.version == "1")
            await #expect(throws: MLflowError.self, "an alias is always looked up") {
                _ = try await ModelStore(client: offline, cacheDirectory: directory + "/cache").download(
                    .alias(name: name, alias: "champion"), files: files)
            }
            try? await offline.shutdown()

            let uncached = try await ModelStore(client: client).download(.version(name: name, version: "2"), files: files)
            #expect(uncached.isTemporary && !uncached.fromCache)
            try? FileManager.default.removeItem(atPath: uncached.directory)
            await #expect(throws: MLflowError.self) {
                _ = try await store.download(.version(name: name, version: "2"), files: ["no-such-file.bin"])
            }
        }
    }
}
