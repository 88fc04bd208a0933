import DataIO
import Foundation
import KubeAPI
import Testing
import TrainyardTesting

@testable import Learn

/// A scratch directory removed when the test ends.
private struct Scratch: ~Copyable {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-cli-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

private func trainyard() throws -> String {
    try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
}

private let breastCancerCSV = GBDTTestData.dataDirectory + "/breast_cancer.csv"

@Suite("trainyard train and trainyard predict")
struct TrainCLITests {
    @Test("train writes the model, metrics and curves, prints a summary; a second run writes identical model bytes")
    func trainWritesOutputs() async throws {
        let scratch = try Scratch()
        let arguments = [
            "train", "--data", breastCancerCSV, "--target", "diagnosis", "--model", "gbdt", "--param", "numTrees=60",
            "--param", "learningRate=0.1", "--param", "maxDepth=4", "--seed", "42", "--progress", "plain",
        ]
        let first = try await CommandRunner.run(try trainyard(), arguments + ["--output", scratch.file("a")], timeout: .seconds(120))
        try #require(first.succeeded, "\(first)")
        let written = [
            "model.json", "model.xgb.json", "metrics.json", "curves.csv", "MLmodel", "code/trainyard_pyfunc.py", "requirements.txt",
            "python_env.yaml", "conda.yaml", "plots/confusion_matrix.svg", "plots/roc_curve.svg", "plots/feature_importance.svg",
            "plots/learning_curves.svg",
        ]
        for name in written {
            #expect(FileManager.default.fileExists(atPath: scratch.file("a/" + name)), "\(name) missing")
        }
        #expect(try String(contentsOfFile: scratch.file("a/code/trainyard_pyfunc.py"), encoding: .utf8) == PyfuncModule.source)
        // Plain progress lines on stderr (not a terminal); the summary table on stdout.
        #expect(first.stderr.contains("round 60/60: train logloss"))
        #expect(first.stderr.contains("validation logloss"))
        #expect(first.stdout.contains("gbdt classification of \"diagnosis\" (2 classes): 455 training rows, 114 validation rows"))
        #expect(first.stdout.contains("auc"))

        let metrics = try JSONValue.parse(String(contentsOfFile: scratch.file("a/metrics.json"), encoding: .utf8))
        let auc = try #require(metrics["validation"]?["auc"]?.doubleValue)
        #expect(auc > 0.97)
        #expect(metrics["rows"]?["train"]?.intValue == 455)
        #expect(metrics["classes"]?.arrayValue?.count == 2)
        #expect(metrics["boosting"]?["rounds"]?.intValue == 60)
        #expect((metrics["featureImportance"]?.arrayValue?.count ?? 0) == 30)
        #expect((metrics["timings"]?["fitSeconds"]?.doubleValue ?? -1) > 0)
        let curves = try String(contentsOfFile: scratch.file("a/curves.csv"), encoding: .utf8).split(separator: "\n")
        #expect(curves.first == "round,train_logloss,validation_logloss")
        #expect(curves.count == 61)

        let second = try await CommandRunner.run(
            try trainyard(), arguments + ["--output", scratch.file("b"), "--threads", "1"], timeout: .seconds(120))
        try #require(second.succeeded, "\(second)")
        for name in ["model.json", "model.xgb.json", "curves.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: scratch.file("a/" + name)))
            let b = try Data(contentsOf: URL(fileURLWithPath: scratch.file("b/" + name)))
            #expect(a == b, "\(name) differs between runs")
        }
    }

    @Test("predict streams any file size to the same predictions the model makes in memory")
    func predictStreams() async throws {
        let scratch = try Scratch()
        let train = try await CommandRunner.run(
            try trainyard(),
            [
                "train", "--data", breastCancerCSV, "--target", "diagnosis", "--model", "logistic", "--output", scratch.file("m"),
                "--progress", "none",
            ],
            timeout: .seconds(120))
        try #require(train.succeeded, "\(train)")

        // 8 copies of the data (~1 MB), read in 1 MiB chunks and in one go.
        let original = try String(contentsOfFile: breastCancerCSV, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: true)
        let body = lines.dropFirst().joined(separator: "\n")
        try (String(lines[0]) + "\n" + Array(repeating: body, count: 8).joined(separator: "\n") + "\n")
            .write(toFile: scratch.file("big.csv"), atomically: true, encoding: .utf8)
        let big = try CSVReader.read(path: scratch.file("big.csv"))
        #expect(big.rowCount == 8 * 569)

        let streamed = try await CommandRunner.run(
            try trainyard(),
            [
                "predict", "--model", scratch.file("m"), "--data", scratch.file("big.csv"), "--output", scratch.file("p1.csv"),
                "--chunk-mib", "1",
            ],
            timeout: .seconds(120))
        try #require(streamed.succeeded, "\(streamed)")
        #expect(streamed.stderr.contains("predicted 4552 rows"))
        let whole = try await CommandRunner.run(
            try trainyard(),
            ["predict", "--model", scratch.file("m/model.json"), "--data", scratch.file("big.csv"), "--output", scratch.file("p2.csv")],
            timeout: .seconds(120))
        try #require(whole.succeeded, "\(whole)")
        let p1 = try String(contentsOfFile: scratch.file("p1.csv"), encoding: .utf8)
        #expect(p1 == (try String(contentsOfFile: scratch.file("p2.csv"), encoding: .utf8)))

        let output = try CSVReader.read(path: scratch.file("p1.csv"))
        #expect(output.columnNames == ["prediction", "probability_benign", "probability_malignant"])
        #expect(output.rowCount == 4552)
        let model = try TrainyardModel.load(path: scratch.file("m/model.json"))
        let expected = try model.predict(big)
        let written = try output.column(named: "probability_malignant").values
        let worst = (0..<4552).map { abs(written[$0] - expected.values[2 * $0 + 1]) }.max()!
        #expect(worst == 0, "written probabilities differ from the model's by up to \(worst)")
        let classes = try output.column(named: "prediction")
        #expect((0..<4552).allSatisfy { classes.categories[Int(classes.codes[$0])] == expected.classes[expected.classIndex($0)] })
    }

    @Test(
        "mistakes exit non-zero with a message that names the problem",
        arguments: [
            (["--target", "Diagnosis"], "did you mean \"diagnosis\""),
            (["--target", "diagnosis", "--param", "maxDepht=3"], "did you mean maxDepth?"),
            (["--target", "diagnosis", "--param", "maxDepth"], "expected name=value"),
            (["--target", "diagnosis", "--model", "svm"], "svm"),
            (["--target", "diagnosis", "--model", "linear"], "model linear is a regression model"),
            (["--target", "diagnosis", "--register", "cancer"], "--register cancer needs an MLflow server: give --tracking-uri"),
            (["--target", "diagnosis", "--register", "team/cancer"], "a registered model name cannot contain '/' or ':'"),
            (["--target", "diagnosis", "--experiment", "e", "--run-id", "r"], "--experiment and --run-id exclude each other"),
            (["--target", "diagnosis", "--tracking-retry-seconds=-1"], "--tracking-retry-seconds must be 0 or more"),
        ])
    func trainMistakes(extra: [String], fragment: String) async throws {
        let scratch = try Scratch()
        let result = try await CommandRunner.run(
            try trainyard(), ["train", "--data", breastCancerCSV, "--output", scratch.file("out")] + extra,
            environment: ["MLFLOW_TRACKING_URI": ""], timeout: .seconds(60))
        #expect(!result.succeeded)
        #expect(result.stderr.contains(fragment), "\(result)")
    }

    @Test("predict refuses data without the model's columns, naming them, and leaves no output file")
    func predictMissingColumns() async throws {
        let scratch = try Scratch()
        let train = try await CommandRunner.run(
            try trainyard(),
            [
                "train", "--data", breastCancerCSV, "--target", "diagnosis", "--param", "numTrees=5", "--output", scratch.file("m"),
                "--progress", "none",
            ],
            timeout: .seconds(120))
        try #require(train.succeeded, "\(train)")
        try "mean radius,diagnosis\n1,benign\n".write(toFile: scratch.file("few.csv"), atomically: true, encoding: .utf8)
        let result = try await CommandRunner.run(
            try trainyard(),
            ["predict", "--model", scratch.file("m"), "--data", scratch.file("few.csv"), "--output", scratch.file("p.csv")])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("\"mean texture\""), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("p.csv")))
        let noModel = try await CommandRunner.run(
            try trainyard(),
            ["predict", "--model", scratch.file("nowhere"), "--data", scratch.file("few.csv"), "--output", scratch.file("p.csv")])
        #expect(!noModel.succeeded)
        #expect(noModel.stderr.contains("cannot read the model file"), "\(noModel)")
    }
}
