import DataIO
import Foundation
import Testing

@testable import Learn

@Suite("Gradient boosting")
struct GradientBoostingTests {
    /// y = 3·x0 + noise in [-0.1, 0.1), with an unrelated second feature and some missing x1.
    static func linearData(rows n: Int = 300) -> (FeatureMatrix, [Double]) {
        var generator = SeededGeneratorForTests(seed: 11)
        var rows: [[Double]] = []
        var y: [Double] = []
        for _ in 0..<n {
            let x0 = generator.unit()
            let x1 = generator.unit()
            rows.append([x0, generator.unit() < 0.1 ? .nan : x1])
            y.append(3 * x0 + (generator.unit() - 0.5) * 0.2)
        }
        return (FeatureMatrix(rows: rows), y)
    }

    @Test("squared error: training RMSE falls every round and ends below 0.2")
    func regression() throws {
        let (x, y) = Self.linearData()
        let model = try GradientBoosting(numTrees: 50, learningRate: 0.3, objective: .squaredError).fit(x, y)
        let rmse = try (0...50).map { try Metrics.rmse(targets: y, predicted: model.predict(x, rounds: $0)) }
        for t in 1...50 { #expect(rmse[t] < rmse[t - 1], "round \(t): \(rmse[t]) after \(rmse[t - 1])") }
        #expect(rmse[50] < 0.2)
        #expect(rmse[0] > 0.8)  // the mean alone: std of 3·U(0,1) ≈ 0.87
    }

    /// Breast cancer features, 0/1 labels (malignant = 1) and the seed-42 stratified 80/20 split.
    static func breastCancer() throws -> (x: FeatureMatrix, labels: [Int32], train: [Int], validation: [Int]) {
        let frame = try CSVReader.read(path: GBDTTestData.dataDirectory + "/breast_cancer.csv")
        let features = frame.columns.filter { $0.name != "diagnosis" }
        let encoded = try encodeLabels(try frame.column(named: "diagnosis"), source: frame.source)
        let x = FeatureMatrix(
            rows: (0..<frame.rowCount).map { r in features.map { $0.values[r] } }, names: features.map(\.name))
        let split = trainValidationSplit(
            rowCount: frame.rowCount, validationFraction: 0.2, seed: 42, stratifyBy: encoded.labels)
        return (x, encoded.labels, split.train, split.validation)
    }

    @Test("breast cancer: binary logistic reaches a validation ROC AUC near XGBoost's")
    func breastCancerAUC() throws {
        let data = try Self.breastCancer()
        let labels = data.labels.map(Double.init)
        let model = try GradientBoosting(
            numTrees: 100, learningRate: 0.1, maxDepth: 4, objective: .binaryLogistic, seed: 42
        ).fit(data.x.rows(data.train), data.train.map { labels[$0] })
        let probabilities = model.predict(data.x.rows(data.validation))
        #expect(probabilities.allSatisfy { $0 > 0 && $0 < 1 })
        let auc = try Metrics.rocAUC(labels: data.validation.map { data.labels[$0] }, scores: probabilities)
        // This gives 0.97685. XGBoost 3.2.0 (hist, same split and parameters) gives 0.98016 at
        // max_bin 255 and 0.98148 at its default 256; over max_bin 16...255 both implementations
        // range over 0.9765...0.9841 (114 validation rows: 0.003 is ~10 of 3024 pairs), so the
        // gap is where quantile cuts fall, not the learner (see the XGBoost parity test below).
        #expect(auc > 0.975, "validation ROC AUC \(auc)")
        // The base score is the log-odds of the training positive rate.
        let rate = data.train.map { labels[$0] }.reduce(0, +) / Double(data.train.count)
        #expect(abs(model.baseScore - log(rate / (1 - rate))) < 1e-12)
    }

    @Test("with one bin per distinct value, the first tree matches XGBoost's")
    func xgboostParity() throws {
        // The first 250 training rows: every feature has at most 250 distinct values, so every
        // value has its own bin and the search is exact. Reference: XGBoost 3.2.0,
        // XGBClassifier(n_estimators=100, learning_rate=0.1, max_depth=4, tree_method="exact",
        // base_score=mean(y)), first tree. XGBoost's exact method cuts at the midpoint between
        // neighbours within the node, ours between neighbours over all rows, so thresholds of
        // deeper nodes may differ while the partition (and so every leaf) is the same.
        let data = try Self.breastCancer()
        let rows = Array(data.train.prefix(250))
        let model = try GradientBoosting(numTrees: 1, learningRate: 0.1, maxDepth: 4, objective: .binaryLogistic)
            .fit(data.x.rows(rows), rows.map { Double(data.labels[$0]) })
        let tree = model.trees[0]
        #expect(tree.left == [1, 3, 5, -1, -1, 7, 9, -1, -1, -1, -1])
        #expect(tree.featureIndex == [22, 27, 27, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(abs(tree.threshold[0] - 101.4) < 1e-9)
        #expect(abs(tree.threshold[2] - 0.10915) < 1e-9)
        let xgboostLeaves: [Int: Double] = [
            3: -0.19102935, 4: 0.017164333, 7: -0.12096465, 8: 0.06578012, 9: -0.019200785, 10: 0.1883814,
        ]
        for (node, value) in xgboostLeaves {
            #expect(abs(tree.leafValue[node] - value) < 1e-6, "leaf \(node): \(tree.leafValue[node]) vs \(value)")
        }
    }

    @Test("same data, parameters and seed give bit-identical JSON; the JSON round-trips")
    func determinism() throws {
        let (x, y) = Self.linearData()
        let parameters = GradientBoosting(numTrees: 20, maxDepth: 5, lambda: 0.5, alpha: 0.1, maxBins: 32, seed: 9)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = try encoder.encode(try parameters.fit(x, y))
        let second = try encoder.encode(try parameters.fit(x, y))
        #expect(first == second)
        let decoded = try JSONDecoder().decode(GradientBoostedModel.self, from: first)
        #expect(try encoder.encode(decoded) == first)
        #expect(decoded.predict(x) == (try parameters.fit(x, y)).predict(x))
        // A different fit gives different bytes, so the comparison above can fail.
        var other = parameters
        other.lambda = 2
        #expect(try encoder.encode(try other.fit(x, y)) != first)
    }

    @Test("the parameters are Codable with XGBoost's objective names")
    func parametersCodable() throws {
        let parameters = GradientBoosting(numTrees: 7, objective: .binaryLogistic, seed: 3)
        let data = try JSONEncoder().encode(parameters)
        #expect(String(decoding: data, as: UTF8.self).contains(#""binary:logistic""#))
        #expect(try JSONDecoder().decode(GradientBoosting.self, from: data) == parameters)
    }

    @Test(
        "bad input or parameters are rejected with a message naming the problem",
        arguments: [
            (GradientBoosting(), FeatureMatrix(rows: [[1], [2]]), [1.0], ModelError.Kind.lengthMismatch, "1 targets for 2"),
            (GradientBoosting(), FeatureMatrix(rows: [[1], [.infinity]]), [1, 2], .nonFiniteValues, "column \"f0\" is inf at row 1"),
            (GradientBoosting(), FeatureMatrix(rows: [[1], [2]]), [1, .nan], .nonFiniteValues, "row 1"),
            (
                GradientBoosting(objective: .binaryLogistic), FeatureMatrix(rows: [[1], [2]]), [0, 2], .invalidLabels,
                "label at row 1 is 2.0"
            ),
            (GradientBoosting(), FeatureMatrix(rowCount: 0, columnCount: 1, values: []), [], .emptyData, "0 x 1"),
            (GradientBoosting(maxBins: 256), FeatureMatrix(rows: [[1]]), [1], .invalidParameter, "maxBins is 256"),
            (GradientBoosting(maxBins: 1), FeatureMatrix(rows: [[1]]), [1], .invalidParameter, "maxBins is 1"),
            (GradientBoosting(learningRate: 0), FeatureMatrix(rows: [[1]]), [1], .invalidParameter, "learningRate is 0.0"),
            (GradientBoosting(maxDepth: 0), FeatureMatrix(rows: [[1]]), [1], .invalidParameter, "maxDepth is 0"),
            (GradientBoosting(lambda: -1), FeatureMatrix(rows: [[1]]), [1], .invalidParameter, "lambda is -1.0"),
            (GradientBoosting(numTrees: -1), FeatureMatrix(rows: [[1]]), [1], .invalidParameter, "numTrees is -1"),
        ])
    func rejectsBadInput(
        parameters: GradientBoosting, x: FeatureMatrix, y: [Double], kind: ModelError.Kind, fragment: String
    ) {
        #expect {
            _ = try parameters.fit(x, y)
        } throws: { error in
            guard let error = error as? ModelError else { return false }
            return error.kind == kind && error.message.contains(fragment)
        }
    }

    @Test("one-class logistic data gives a finite model")
    func oneClass() throws {
        let model = try GradientBoosting(numTrees: 3, objective: .binaryLogistic).fit(
            FeatureMatrix(rows: [[1], [2], [3]]), [1, 1, 1])
        #expect(model.baseScore.isFinite && model.baseScore > 10)
        #expect(model.predict(FeatureMatrix(rows: [[2]]))[0] > 0.99)
        #expect(try JSONEncoder().encode(model).count > 0)
    }
}
