import DataIO
import Foundation
import Testing

@testable import Learn

/// Synthetic data with known structure, so each feature's effect is checkable.
enum SyntheticData {
    /// Three classes from two informative features (plus two noise features): class 0 when
    /// x0 + x1 < 0.8, class 2 when above 1.2, class 1 between; 10% of labels flipped at random.
    static func threeClasses(rows n: Int, seed: UInt64) -> (x: FeatureMatrix, y: [Double]) {
        var generator = SeededGeneratorForTests(seed: seed)
        var rows: [[Double]] = []
        var y: [Double] = []
        for _ in 0..<n {
            let row = (0..<4).map { _ in generator.unit() }
            var label: Double = row[0] + row[1] < 0.8 ? 0 : (row[0] + row[1] > 1.2 ? 2 : 1)
            if generator.unit() < 0.1 { label = Double(Int(generator.unit() * 3)) }
            rows.append(row)
            y.append(label)
        }
        return (FeatureMatrix(rows: rows, names: ["a", "b", "noise1", "noise2"]), y)
    }

    /// A categorical column `city` (8 codes, 5% missing) and a numeric `x`; the label is 1 when the
    /// city is 1, 3 or 5, or when x > 0.9.
    static func categorical(rows n: Int, seed: UInt64) -> (x: FeatureMatrix, y: [Double]) {
        var generator = SeededGeneratorForTests(seed: seed)
        var rows: [[Double]] = []
        var y: [Double] = []
        for _ in 0..<n {
            let city = generator.unit() < 0.05 ? Double.nan : Double(Int(generator.unit() * 8))
            let x = generator.unit()
            rows.append([city, x])
            y.append([1.0, 3, 5].contains(city) || x > 0.9 ? 1 : 0)
        }
        return (FeatureMatrix(rows: rows, names: ["city", "x"]), y)
    }

    /// Binary labels that are 70% noise: boosting overfits them quickly, which early stopping should notice.
    static func noisyBinary(rows n: Int, seed: UInt64) -> (x: FeatureMatrix, y: [Double]) {
        var generator = SeededGeneratorForTests(seed: seed)
        var rows: [[Double]] = []
        var y: [Double] = []
        for _ in 0..<n {
            let row = (0..<6).map { _ in generator.unit() }
            let signal: Double = row[0] > 0.5 ? 1 : 0
            rows.append(row)
            y.append(generator.unit() < 0.7 ? Double(Int(generator.unit() * 2)) : signal)
        }
        return (FeatureMatrix(rows: rows), y)
    }
}

/// The class with the highest probability in row `row` of row-major probabilities (first on ties).
private func argmax(_ p: [Double], row: Int, classes: Int) -> Int {
    var best = 0
    for c in 1..<classes where p[row * classes + c] > p[row * classes + best] { best = c }
    return best
}

@Suite("Gradient boosting: softmax, categorical splits, leaf-wise growth, sampling, early stopping")
struct BoostingFeatureTests {
    @Test("softmax: one tree per class per round, priors as the start, probabilities that sum to 1, a useful fit")
    func softmax() throws {
        let train = SyntheticData.threeClasses(rows: 3000, seed: 1)
        let test = SyntheticData.threeClasses(rows: 1000, seed: 2)
        let result = try GradientBoosting(numTrees: 30, learningRate: 0.3, maxDepth: 3, objective: .softmax)
            .train(train.x, train.y, validation: (test.x, test.y))
        let model = result.model
        #expect(model.outputCount == 3)
        #expect(model.trees.count == 90)
        #expect(model.roundCount == 30)
        // Base scores are centred log priors: their softmax is the class shares.
        var shares = model.baseScores
        Softmax(classCount: 3).transform(&shares)
        for c in 0..<3 {
            let share = Double(train.y.filter { $0 == Double(c) }.count) / 3000
            #expect(abs(shares[c] - share) < 1e-12)
        }
        #expect(abs(model.baseScores.reduce(0, +)) < 1e-12)

        let p = model.predict(test.x)
        #expect(p.count == 3000)
        let worstSum = (0..<1000).map { r -> Double in
            let sum: Double = p[3 * r] + p[3 * r + 1] + p[3 * r + 2]
            return abs(sum - 1)
        }.max()!
        #expect(worstSum < 1e-12)
        let predicted = (0..<1000).map { r in Int32(argmax(p, row: r, classes: 3)) }
        let accuracy = try Metrics.accuracy(labels: test.y.map { Int32($0) }, predicted: predicted)
        // 10% of labels are random (a third of those right by chance): ~0.93 is the ceiling.
        #expect(accuracy > 0.88, "accuracy \(accuracy)")
        #expect(result.history.metric == .mlogloss)
        #expect(result.history.train.last! < result.history.train.first!)
    }

    @Test("a categorical feature is split by category set in one step, with the set going right as in XGBoost")
    func categoricalSplit() throws {
        let data = SyntheticData.categorical(rows: 4000, seed: 3)
        let categories = [8, 0]
        let stump = try GradientBoosting(numTrees: 1, learningRate: 1, maxDepth: 1, objective: .binaryLogistic)
            .fit(data.x, data.y, categoryCounts: categories)
        let tree = stump.trees[0]
        #expect(tree.featureIndex[0] == 0)
        #expect(tree.isCategorical(0))
        // The best two-way grouping: {1, 3, 5} against the rest (on either side).
        let right = Set(tree.rightCategories[0])
        #expect(right == [1, 3, 5] || right == [0, 2, 4, 6, 7])
        #expect(stump.categoryCounts == [8, 0])

        // Depth 2 then recovers the x > 0.9 rule; treated as numbers, the codes need more splits.
        let categorical = try GradientBoosting(numTrees: 20, maxDepth: 2, objective: .binaryLogistic)
            .train(data.x, data.y, categoryCounts: categories)
        let numeric = try GradientBoosting(numTrees: 20, maxDepth: 2, objective: .binaryLogistic).train(data.x, data.y)
        #expect(categorical.history.train.last! < numeric.history.train.last!)
        // Predicting a code the model never saw in a set, and NaN, follows the split's rules.
        let p = categorical.model.predict(FeatureMatrix(rows: [[1, 0.1], [2, 0.1], [.nan, 0.1]], names: ["city", "x"]))
        #expect(p[0] > 0.9 && p[1] < 0.1)
    }

    @Test("leaf-wise growth stops at maxLeaves, respects a depth cap, and beats depth-wise at the same leaf budget")
    func leafwise() throws {
        let data = SyntheticData.threeClasses(rows: 3000, seed: 4)
        let y = data.y.map { $0 == 2 ? 1.0 : 0 }
        let leafwise = try GradientBoosting(numTrees: 10, maxLeaves: 5, objective: .binaryLogistic).train(data.x, y)
        #expect(leafwise.model.trees.allSatisfy { $0.leaves.count <= 5 })
        #expect(leafwise.model.trees.contains { $0.leaves.count == 5 })
        let capped = try GradientBoosting(numTrees: 5, maxDepth: 2, maxLeaves: 64, objective: .binaryLogistic).fit(data.x, y)
        #expect(capped.trees.allSatisfy { $0.leaves.count <= 4 })
        // Four leaves each: depth-wise must use a balanced depth-2 tree, leaf-wise picks the best four.
        let depthwise = try GradientBoosting(numTrees: 10, maxDepth: 2, objective: .binaryLogistic).train(data.x, y)
        let leafwise4 = try GradientBoosting(numTrees: 10, maxLeaves: 4, objective: .binaryLogistic).train(data.x, y)
        #expect(leafwise4.history.train.last! <= depthwise.history.train.last! + 1e-12)
    }

    @Test("row and column sampling: reproducible for a seed, different across seeds, colsample limits split features")
    func sampling() throws {
        let data = SyntheticData.threeClasses(rows: 2000, seed: 5)
        let y = data.y.map { $0 == 2 ? 1.0 : 0 }
        func fit(seed: UInt64) throws -> GradientBoostedModel {
            try GradientBoosting(
                numTrees: 10, maxDepth: 3, subsample: 0.5, colsampleByTree: 0.5, objective: .binaryLogistic, seed: seed
            ).fit(data.x, y)
        }
        let first = try fit(seed: 7)
        #expect(try fit(seed: 7) == first)
        #expect(try fit(seed: 8) != first)
        // Half of 4 features: every tree splits on at most 2 distinct features.
        for tree in first.trees {
            let used = Set((0..<tree.nodeCount).filter { !tree.isLeaf($0) }.map { tree.featureIndex[$0] })
            #expect(used.count <= 2)
        }
        // Subsampled trees' hessian sums cover about half the rows (each row has hessian p(1-p) > 0).
        let full = try GradientBoosting(numTrees: 1, maxDepth: 3, objective: .binaryLogistic).fit(data.x, y)
        let ratio = first.trees[0].sumHessian[0] / full.trees[0].sumHessian[0]
        #expect(ratio > 0.4 && ratio < 0.6, "root hessian ratio \(ratio)")
    }

    @Test("early stopping keeps the best validation round and stops patience rounds later")
    func earlyStopping() throws {
        let train = SyntheticData.noisyBinary(rows: 2000, seed: 9)
        let validation = SyntheticData.noisyBinary(rows: 2000, seed: 10)
        let result = try GradientBoosting(
            numTrees: 300, learningRate: 0.3, maxDepth: 6, objective: .binaryLogistic, earlyStoppingRounds: 5
        ).train(train.x, train.y, validation: (validation.x, validation.y))
        let history = result.history
        #expect(history.stoppedEarly)
        #expect(history.validation.count == history.bestRound + 5)
        #expect(history.validation.count < 300)
        #expect(result.model.roundCount == history.bestRound)
        let best = history.validation.min()!
        #expect(history.validation[history.bestRound - 1] == best)
        // Training loss keeps falling while validation turns.
        #expect(history.train.last! < history.train[history.bestRound - 1])
    }

    @Test("the curves are the metric of the model truncated to each round")
    func curvesMatchTruncatedModels() throws {
        let train = SyntheticData.threeClasses(rows: 1000, seed: 11)
        let validation = SyntheticData.threeClasses(rows: 500, seed: 12)
        let result = try GradientBoosting(numTrees: 12, maxDepth: 3, objective: .softmax, evalMetric: .merror)
            .train(train.x, train.y, validation: (validation.x, validation.y))
        #expect(result.history.train.count == 12 && result.history.validation.count == 12)
        for round in [1, 5, 12] {
            let p = result.model.predict(validation.x, rounds: round)
            let wrong = (0..<500).filter { r in argmax(p, row: r, classes: 3) != Int(validation.y[r]) }.count
            #expect(abs(result.history.validation[round - 1] - Double(wrong) / 500) < 1e-12)
        }
    }

    @Test("gain importance sums each feature's split gains")
    func importance() throws {
        let data = SyntheticData.threeClasses(rows: 2000, seed: 13)
        let y = data.y.map { $0 == 2 ? 1.0 : 0 }
        let model = try GradientBoosting(numTrees: 5, maxDepth: 3, objective: .binaryLogistic).fit(data.x, y)
        let importance = model.featureImportance()
        #expect(importance.map(\.feature) == ["a", "b", "noise1", "noise2"])
        var expected = [Double](repeating: 0, count: 4)
        for tree in model.trees { for n in 0..<tree.nodeCount where !tree.isLeaf(n) { expected[tree.featureIndex[n]] += tree.gain[n] } }
        #expect(importance.map(\.totalGain) == expected)
        // The informative features dominate.
        #expect(importance[0].totalGain + importance[1].totalGain > 5 * (importance[2].totalGain + importance[3].totalGain))
    }

    @Test("models are bit-identical for any thread count")
    func threadIndependence() throws {
        let n = 2 * GradientHistogram.parallelWork + 1234
        let data = SyntheticData.threeClasses(rows: n, seed: 14)
        func fit(threads: Int) throws -> GradientBoostedModel {
            try GradientBoosting(numTrees: 8, maxDepth: 5, subsample: 0.8, objective: .softmax, threads: threads).fit(data.x, data.y)
        }
        let one = try fit(threads: 1)
        let two = try fit(threads: 2)
        let three = try fit(threads: 3)
        #expect(one == two && two == three)
        #expect(try one.xgboostJSON() == three.xgboostJSON())
        #expect(one.predict(data.x, threads: 1) == one.predict(data.x, threads: 2))
    }

    @Test(
        "bad parameters and data are rejected naming the parameter or column",
        arguments: [
            (GradientBoosting(earlyStoppingRounds: 5), "no validation set"),
            (GradientBoosting(subsample: 0), "subsample is 0.0"),
            (GradientBoosting(colsampleByTree: 1.5), "colsampleByTree is 1.5"),
            (GradientBoosting(maxLeaves: 1), "maxLeaves is 1"),
            (GradientBoosting(objective: .squaredError, evalMetric: .auc), "evalMetric auc does not apply to reg:squarederror"),
        ])
    func rejected(parameters: GradientBoosting, fragment: String) {
        let x = FeatureMatrix(rows: [[1], [2], [3], [4]])
        #expect {
            try parameters.fit(x, [0, 1, 0, 1])
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test("a categorical column with a code outside its range is rejected naming column, row and range")
    func badCategoryCode() {
        let x = FeatureMatrix(rows: [[0], [1], [2.5]], names: ["city"])
        #expect {
            try GradientBoosting(objective: .binaryLogistic).fit(x, [0, 1, 0], categoryCounts: [3])
        } throws: { error in
            "\(error)".contains("column \"city\" is categorical with codes 0...2, but row 2 holds 2.5")
        }
    }
}
