import DataIO
import Foundation
import KubeAPI
import Testing
import TrainyardTesting

@testable import Learn

/// `.venv/bin/python` with XGBoost, to load the exported files (scripts/bootstrap installs it).
/// Under CI=true the XGBoost tests always run, and fail if it is missing.
private let xgboostPython = ExternalTool.python(importing: ["numpy", "xgboost"])

/// Loads the model with the real XGBoost and writes its predictions and leaf indices per row.
private let predictScript = """
    import json, sys
    import numpy as np, xgboost as xgb
    model, rows, out = sys.argv[1:4]
    booster = xgb.Booster(model_file=model)
    x = np.loadtxt(rows, delimiter=",", ndmin=2)
    types = booster.feature_types
    categorical = types is not None and "c" in types
    data = xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names,
                       feature_types=types if categorical else None, enable_categorical=categorical)
    json.dump({
        "predictions": [float(v) for v in np.asarray(booster.predict(data)).reshape(-1)],
        "leaves": booster.predict(data, pred_leaf=True).astype(int).tolist(),
        "version": xgb.__version__,
    }, open(out, "w"))
    """

/// Breast-cancer models shared by the tests: fitting twice per test would double the suite's time.
private struct ExportFixture {
    let x: FeatureMatrix
    let classifier: GradientBoostedModel
    /// `mean radius` from the other 29 columns.
    let regressionX: FeatureMatrix
    let regressor: GradientBoostedModel

    static let shared: Result<ExportFixture, any Error> = Result {
        let data = try GradientBoostingTests.breastCancer()
        let labels = data.labels.map(Double.init)
        let classifier = try GradientBoosting(numTrees: 100, learningRate: 0.1, maxDepth: 4, objective: .binaryLogistic)
            .fit(data.x.rows(data.train), data.train.map { labels[$0] })
        let target = try #require(data.x.names.firstIndex(of: "mean radius"))
        let others = (0..<data.x.columnCount).filter { $0 != target }
        let regressionX = FeatureMatrix(
            rows: (0..<data.x.rowCount).map { r in others.map { data.x.values[r * data.x.columnCount + $0] } },
            names: others.map { data.x.names[$0] })
        let y = (0..<data.x.rowCount).map { data.x.values[$0 * data.x.columnCount + target] }
        let regressor = try GradientBoosting(numTrees: 100, learningRate: 0.1, maxDepth: 4, objective: .squaredError)
            .fit(regressionX.rows(data.train), data.train.map { y[$0] })
        return ExportFixture(x: data.x, classifier: classifier, regressionX: regressionX, regressor: regressor)
    }
}

/// Every row, then every row again with every third feature (a different third per row) missing,
/// so both sides of each split's default direction get used.
private func rowsWithMissing(_ x: FeatureMatrix) -> FeatureMatrix {
    var values = x.values
    for r in 0..<x.rowCount {
        for c in 0..<x.columnCount { values.append((r + c) % 3 == 0 ? .nan : x.values[r * x.columnCount + c]) }
    }
    return FeatureMatrix(rowCount: 2 * x.rowCount, columnCount: x.columnCount, values: values, names: x.names)
}

/// The leaf each row reaches, walking the tree exactly as `RegressionTree.predict` does.
private func leafIndices(_ tree: RegressionTree, _ x: FeatureMatrix) -> [Int] {
    (0..<x.rowCount).map { r in
        var node = 0
        while !tree.isLeaf(node) {
            let v = x.values[r * x.columnCount + tree.featureIndex[node]]
            let goLeft =
                v.isNaN
                ? tree.defaultLeft[node]
                : (tree.isCategorical(node) ? !tree.rightCategories[node].contains(Int(v)) : v < tree.threshold[node])
            node = goLeft ? tree.left[node] : tree.right[node]
        }
        return node
    }
}

/// Writes `model`'s XGBoost export and `rows`, loads them with the real XGBoost, and checks that
/// every row reaches the same leaf of every tree as in Swift. Returns XGBoost's predictions
/// (flattened), its version, and Swift's leaf per tree per row.
private func xgboostReference(
    _ model: GradientBoostedModel, _ rows: FeatureMatrix, python: String
) async throws -> (predictions: [Double], version: String, leaves: [[Int]]) {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("trainyard-xgb-export-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data(model.xgboostJSON()).write(to: URL(fileURLWithPath: directory + "/model.json"))
    // Swift prints the shortest decimal that reads back as the same Double, and "nan".
    let csv = (0..<rows.rowCount).map { r in
        rows.values[(r * rows.columnCount)..<((r + 1) * rows.columnCount)].map(\.description).joined(separator: ",")
    }.joined(separator: "\n")
    try Data(csv.utf8).write(to: URL(fileURLWithPath: directory + "/rows.csv"))
    let result = try await CommandRunner.run(
        python, ["-c", predictScript, directory + "/model.json", directory + "/rows.csv", directory + "/out.json"],
        timeout: .seconds(120))
    try #require(result.succeeded, "\(result)")
    let reference = try JSONValue.parse(String(contentsOfFile: directory + "/out.json", encoding: .utf8))
    let predictions = try #require(reference["predictions"]?.arrayValue?.compactMap { $0.doubleValue })
    let leaves = try #require(reference["leaves"]?.arrayValue)
    try #require(leaves.count == rows.rowCount)
    let ourLeaves = model.trees.map { leafIndices($0, rows) }
    for t in model.trees.indices {
        let mismatched = (0..<rows.rowCount).filter { leaves[$0][t]?.intValue.map(Int.init) != ourLeaves[t][$0] }
        #expect(mismatched.isEmpty, "tree \(t): XGBoost routes rows \(mismatched.prefix(10)) to other leaves")
    }
    return (predictions, reference["version"]?.stringValue ?? "?", ourLeaves)
}

@Suite("XGBoost JSON export")
struct XGBoostExportTests {
    @Test("the same model exports to the same bytes, and a refit model to the same bytes again")
    func deterministic() throws {
        let fixture = try ExportFixture.shared.get()
        let first = try fixture.classifier.xgboostJSON()
        #expect(try fixture.classifier.xgboostJSON() == first)
        let data = try GradientBoostingTests.breastCancer()
        let refit = try GradientBoosting(numTrees: 100, learningRate: 0.1, maxDepth: 4, objective: .binaryLogistic)
            .fit(data.x.rows(data.train), data.train.map { Double(data.labels[$0]) })
        #expect(try refit.xgboostJSON() == first)
        #expect(try fixture.regressor.xgboostJSON() != first)
    }

    @Test("the document has XGBoost's fields: probability base score, objective, per-tree arrays")
    func structure() throws {
        let fixture = try ExportFixture.shared.get()
        let model = fixture.classifier
        let json = try JSONValue.parse(String(decoding: model.xgboostJSON(), as: UTF8.self))
        let learner = try #require(json["learner"])
        #expect(json["version"] == [3, 2, 0])
        let expectedBase = Float(1 / (1 + exp(-model.baseScore)))
        #expect(learner["learner_model_param"]?["base_score"] == .string("[\(GradientBoostedModel.xgboostScientific(expectedBase))]"))
        #expect(learner["learner_model_param"]?["num_feature"] == "30")
        #expect(learner["objective"]?["name"] == "binary:logistic")
        #expect(learner["feature_names"]?.arrayValue?.count == 30)
        let booster = try #require(learner["gradient_booster"]?["model"])
        #expect(booster["gbtree_model_param"]?["num_trees"] == "100")
        let trees = try #require(booster["trees"]?.arrayValue)
        #expect(trees.count == 100)
        let tree = model.trees[3]
        let exported = trees[3]
        #expect(exported["id"] == 3)
        #expect(exported["left_children"] == .array(tree.left.map { .int(Int64($0)) }))
        #expect(exported["tree_param"]?["num_nodes"] == .string("\(tree.nodeCount)"))
        let conditions = try #require(exported["split_conditions"]?.arrayValue?.compactMap { $0.doubleValue })
        for node in 0..<tree.nodeCount {
            let expected =
                tree.isLeaf(node)
                ? Float(tree.leafValue[node]) : GradientBoostedModel.xgboostThreshold(Float(tree.threshold[node]), tree.threshold[node])
            #expect(Float(conditions[node]) == expected, "node \(node)")
        }
        let parents = try #require(exported["parents"]?.arrayValue?.compactMap { $0.intValue })
        #expect(parents[0] == Int64(Int32.max))
        for node in 1..<tree.nodeCount {
            let parent = Int(parents[node])
            #expect(tree.left[parent] == node || tree.right[parent] == node, "node \(node)")
        }

        let regression = try JSONValue.parse(String(decoding: fixture.regressor.xgboostJSON(), as: UTF8.self))
        #expect(regression["learner"]?["objective"]?["name"] == "reg:squarederror")
        #expect(
            regression["learner"]?["learner_model_param"]?["base_score"]
                == .string("[\(GradientBoostedModel.xgboostScientific(Float(fixture.regressor.baseScore)))]"))
    }

    @Test(
        "base score formatting matches XGBoost's",
        arguments: [
            (Float(0.5), "5E-1"), (Float(14), "1.4E1"), (Float(1e-9), "1E-9"), (Float(123.25), "1.2325E2"),
            (Float(0.54090667), "5.4090667E-1"), (Float(-2.5), "-2.5E0"), (Float(0), "0E0"),
            (Float(1.2345679e8), "1.2345679E8"),
        ])
    func scientific(value: Float, expected: String) {
        #expect(GradientBoostedModel.xgboostScientific(value) == expected)
    }

    @Test(
        "a float32 condition sends the shortest decimal rounding to it the way the float64 threshold does",
        arguments: [
            // Midpoint of 609.1 and 610.7 is 609.9000000000001: 609.9 goes left here, so it must in XGBoost.
            (609.1 + (610.7 - 609.1) / 2, 609.9, true),
            // Exactly representable and at the decimal: 609.5 goes right, as `609.5 < 609.5` is false.
            (609.5, 609.5, false),
            // Just below the decimal: 0.1 goes right of 0.09999999999999999.
            (0.1.nextDown, 0.1, false),
            (0.1.nextUp, 0.1, true),
            (-2.5000000001, -2.5, false),
            (-2.4999999999, -2.5, true),
            (1e-3, 1e-3, false),
        ])
    func threshold(t: Double, decimal: Double, goesLeft: Bool) {
        let condition = GradientBoostedModel.xgboostThreshold(Float(t), t)
        #expect((decimal < t) == goesLeft, "precondition: float64 decision")
        #expect((Float(decimal) < condition) == goesLeft, "condition \(condition)")
        // Values that round to other floats keep their branch.
        #expect(Float(decimal).nextDown < condition)
        #expect(!(Float(decimal).nextUp < condition))
    }

    @Test("values XGBoost cannot store are rejected with the tree and node named")
    func nonFinite() throws {
        var tree = RegressionTree()
        _ = tree.appendNode(sumHessian: 10)
        _ = tree.appendNode(sumHessian: 4)
        _ = tree.appendNode(sumHessian: 6)
        tree.setSplit(0, feature: 0, bin: 0, threshold: 0.5, defaultLeft: true, gain: 1, left: 1, right: 2)
        tree.leafValue[1] = -0.1
        tree.leafValue[2] = 0.1
        let good = GradientBoostedModel(
            objective: .squaredError, baseScore: 1, learningRate: 0.3, featureNames: ["a"], trees: [tree])
        #expect(throws: Never.self) { try good.xgboostJSON() }

        var overflow = tree
        overflow.threshold[0] = 1e300
        var nan = tree
        nan.leafValue[2] = .nan
        let cases: [(GradientBoostedModel, String)] = [
            (
                GradientBoostedModel(objective: .squaredError, baseScore: 1, learningRate: 0.3, featureNames: ["a"], trees: [overflow]),
                "tree 0 node 0: threshold is 1e+300"
            ),
            (
                GradientBoostedModel(objective: .squaredError, baseScore: 1, learningRate: 0.3, featureNames: ["a"], trees: [nan]),
                "tree 0 node 2: leaf value is nan"
            ),
            (
                GradientBoostedModel(objective: .squaredError, baseScore: .infinity, learningRate: 0.3, featureNames: ["a"], trees: [tree]),
                "the base score is inf"
            ),
        ]
        for (model, message) in cases {
            let error = #expect(throws: ModelError.self) { try model.xgboostJSON() }
            #expect(error?.kind == .nonFiniteValues)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
    }

    @Test("feature names with quotes and control characters are escaped")
    func escaping() throws {
        let model = GradientBoostedModel(
            objective: .squaredError, baseScore: 0, learningRate: 0.3, featureNames: ["say \"hi\"", "tab\there\u{1}"],
            trees: [])
        let json = try JSONValue.parse(String(decoding: model.xgboostJSON(), as: UTF8.self))
        #expect(json["learner"]?["feature_names"] == ["say \"hi\"", "tab\there\u{1}"])
    }
}

/// The exported files loaded by the real XGBoost predict what the Swift model predicts.
@Suite(
    "XGBoost JSON export against XGBoost",
    .enabled(
        if: ExternalTool.inCI || xgboostPython != nil,
        "python with xgboost not installed: run scripts/bootstrap (required under CI=true)"))
struct XGBoostExportParityTests {
    @Test(
        "XGBoost reaches the same leaves and predicts within 1e-6 of our trees on every row, with and without missing values",
        arguments: ["binary:logistic", "reg:squarederror"])
    func xgboostPredictsTheSame(objective: String) async throws {
        let python = try #require(xgboostPython, "python with xgboost is required; run scripts/bootstrap")
        let fixture = try ExportFixture.shared.get()
        let (model, x) =
            objective == "binary:logistic" ? (fixture.classifier, fixture.x) : (fixture.regressor, fixture.regressionX)
        let rows = rowsWithMissing(x)
        #expect(rows.values.prefix(x.values.count).elementsEqual(x.values))

        let (predictions, version, ourLeaves) = try await xgboostReference(model, rows, python: python)
        try #require(predictions.count == rows.rowCount)

        // XGBoost adds the float32 base score and leaf values up in float32, tree by tree. The same
        // sum here leaves only XGBoost's sigmoid and its base-score round trip through a probability.
        let float32Sums = (0..<rows.rowCount).map { r in
            var sum = Float(model.baseScore)
            for t in model.trees.indices { sum += Float(model.trees[t].leafValue[ourLeaves[t][r]]) }
            return Double(sum)
        }
        let float32Predictions = objective == "binary:logistic" ? float32Sums.map { 1 / (1 + exp(-$0)) } : float32Sums
        let float32Worst = zip(float32Predictions, predictions).map { abs($0 - $1) }.max() ?? .infinity
        #expect(float32Worst < 1e-6, "float32 sums of the exported trees differ from XGBoost by up to \(float32Worst)")

        // Against the float64 model: probabilities (below 1) stay within 1e-6; the regression's
        // values (7...28, float32 spacing 1e-6...2e-6, 100 float32 additions) need a relative bound.
        let swift = model.predict(rows)
        let scale = objective == "binary:logistic" ? swift.map { _ in 1.0 } : swift.map { max(1, abs($0)) }
        let differences = zip(swift, predictions).map { abs($0 - $1) }
        let relative = zip(differences, scale).map { $0 / $1 }
        let worst = relative.max() ?? .infinity
        let worstRow = relative.firstIndex(of: worst) ?? 0
        #expect(worst < 1e-6, "row \(worstRow): Swift \(swift[worstRow]) vs XGBoost \(predictions[worstRow])")
        print(
            "xgboost export \(objective) over \(rows.rowCount) rows (XGBoost \(version)): max |float32 sum - xgboost| = \(float32Worst); max |float64 - xgboost| = \(differences.max() ?? .nan), relative to max(1, |y|) \(worst)"
        )
    }
}

extension XGBoostExportParityTests {
    @Test(
        "XGBoost loads softmax and categorical exports: same leaves, predictions within 1e-6",
        arguments: ["multi:softprob", "categorical"])
    func softmaxAndCategorical(kind: String) async throws {
        let python = try #require(xgboostPython, "python with xgboost is required; run scripts/bootstrap")
        let model: GradientBoostedModel
        let rows: FeatureMatrix
        if kind == "categorical" {
            let data = SyntheticData.categorical(rows: 2000, seed: 21)
            model = try GradientBoosting(numTrees: 30, learningRate: 0.3, maxDepth: 3, objective: .binaryLogistic)
                .fit(data.x, data.y, categoryCounts: [8, 0])
            #expect(model.trees.contains { tree in (0..<tree.nodeCount).contains { !tree.isLeaf($0) && tree.isCategorical($0) } })
            // Every category (and missing) with every third x.
            rows = FeatureMatrix(
                rows: (0..<9).flatMap { c in stride(from: 0.0, to: 1.0, by: 0.0625).map { [c == 8 ? .nan : Double(c), $0] } },
                names: ["city", "x"])
        } else {
            let data = SyntheticData.threeClasses(rows: 2000, seed: 22)
            model = try GradientBoosting(numTrees: 20, learningRate: 0.3, maxDepth: 4, objective: .softmax).fit(data.x, data.y)
            rows = rowsWithMissing(data.x.rows(Array(0..<500)))
        }
        let (predictions, _, _) = try await xgboostReference(model, rows, python: python)
        let swift = model.predict(rows)
        try #require(predictions.count == swift.count)
        let worst = zip(swift, predictions).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-6, "max |Swift - XGBoost| = \(worst)")
        print("xgboost export \(kind) over \(rows.rowCount) rows: max |Swift - XGBoost| = \(worst)")
    }
}
