import Testing

@testable import Learn

@Suite("Depth-wise tree learner")
struct DepthwiseTreeLearnerTests {
    // x = 1, 2, 3, 4 and y = 0, 0, 1, 1 with squared error: the base score is mean(y) = 0.5, so the
    // gradients f - y are +0.5, +0.5, -0.5, -0.5 and every hessian is 1 (G = 0, H = 4).
    // Candidate cuts (λ = 1, score = G²/(H+λ), parent score 0²/5 = 0):
    //   x < 1.5: L (G 0.5, H 1) 0.25/2 = 0.125,  R (G -0.5, H 3) 0.25/4 = 0.0625 -> gain ½·0.1875 = 0.09375
    //   x < 2.5: L (G 1,   H 2) 1/3,             R (G -1,   H 2) 1/3            -> gain ½·2/3    = 1/3
    //   x < 3.5: symmetric to 1.5                                                -> gain 0.09375
    // Best: x < 2.5 with gain 1/3; leaf weights -G/(H+λ) = -1/3 (left) and +1/3 (right).
    private let x = FeatureMatrix(rows: [[1], [2], [3], [4]])
    private let y: [Double] = [0, 0, 1, 1]

    private func stump(alpha: Double = 0, gamma: Double = 0) throws -> GradientBoostedModel {
        try GradientBoosting(
            numTrees: 1, learningRate: 1, maxDepth: 1, lambda: 1, alpha: alpha, gamma: gamma, objective: .squaredError
        ).fit(x, y)
    }

    @Test("a depth-1 tree picks the hand-computed split, gain and leaf weights")
    func handComputedStump() throws {
        let model = try stump()
        #expect(model.baseScore == 0.5)
        let tree = try #require(model.trees.first)
        #expect(tree.nodeCount == 3)
        #expect(tree.featureIndex[0] == 0)
        #expect(tree.threshold[0] == 2.5)
        #expect(tree.thresholdBin[0] == 1)
        #expect(abs(tree.gain[0] - 1.0 / 3) < 1e-12)
        #expect(abs(tree.leafValue[tree.left[0]] - -1.0 / 3) < 1e-12)
        #expect(abs(tree.leafValue[tree.right[0]] - 1.0 / 3) < 1e-12)
        #expect(tree.sumHessian == [4, 2, 2])
        let predicted = model.predict(x)
        #expect(zip(predicted, [1.0 / 6, 1.0 / 6, 5.0 / 6, 5.0 / 6]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("alpha soft-thresholds the gradient sums")
    func l1() throws {
        // α = 0.5: T(±1) = ±0.5, so the cut at 2.5 gains ½(0.25/3 + 0.25/3) = 1/12 and the leaves are
        // ∓0.5/3 = ∓1/6; at 1.5 both T(±0.5) are 0, so that cut gains nothing.
        let tree = try #require(try stump(alpha: 0.5).trees.first)
        #expect(tree.threshold[0] == 2.5)
        #expect(abs(tree.gain[0] - 1.0 / 12) < 1e-12)
        #expect(abs(tree.leafValue[tree.left[0]] - -1.0 / 6) < 1e-12)
        #expect(abs(tree.leafValue[tree.right[0]] - 1.0 / 6) < 1e-12)
    }

    @Test("gamma above the best gain keeps the root a leaf")
    func gammaPrunes() throws {
        // Best gain 1/3 - 0.4 < 0: no split; the root leaf is -G/(H+λ) = 0.
        let tree = try #require(try stump(gamma: 0.4).trees.first)
        #expect(tree.nodeCount == 1)
        #expect(tree.leafValue == [0])
        // Just below the gain, the split survives with its gain reduced by gamma.
        let kept = try #require(try stump(gamma: 0.3).trees.first)
        #expect(kept.nodeCount == 3)
        #expect(abs(kept.gain[0] - (1.0 / 3 - 0.3)) < 1e-12)
    }

    @Test(
        "missing values go to the side they resemble",
        arguments: [
            // Missing rows have y = 1 like x = 3, 4: right is better (pure children).
            ([0.0, 0, 1, 1, 1, 1], false),
            // Missing rows have y = 0 like x = 1, 2: left is better.
            ([0.0, 0, 1, 1, 0, 0], true),
        ])
    func defaultDirection(y: [Double], expectedDefaultLeft: Bool) throws {
        let x = FeatureMatrix(rows: [[1], [2], [3], [4], [.nan], [.nan]])
        let model = try GradientBoosting(numTrees: 1, learningRate: 1, maxDepth: 1, objective: .squaredError).fit(x, y)
        let tree = try #require(model.trees.first)
        #expect(tree.nodeCount == 3)
        #expect(tree.threshold[0] == 2.5)
        #expect(tree.defaultLeft[0] == expectedDefaultLeft)
        let predicted = model.predict(FeatureMatrix(rows: [[.nan], [1], [4]]))
        #expect(predicted[0] == (expectedDefaultLeft ? predicted[1] : predicted[2]))
        #expect(predicted[1] != predicted[2])
    }

    @Test("minChildWeight forbids children with too little hessian")
    func minChildWeight() throws {
        // With min_child_weight 2.5 no cut of 4 unit-hessian rows leaves both sides >= 2.5.
        let model = try GradientBoosting(numTrees: 1, maxDepth: 3, minChildWeight: 2.5).fit(x, y)
        #expect(model.trees[0].nodeCount == 1)
        let deep = try GradientBoosting(numTrees: 1, maxDepth: 3, minChildWeight: 1).fit(x, y)
        #expect(deep.trees[0].nodeCount > 1)
    }

    @Test("the histogram subtraction trick gives the directly built histogram")
    func histogramSubtraction() {
        var generator = SeededGeneratorForTests(seed: 3)
        let n = 200
        let rows = (0..<n).map { _ in [generator.unit(), generator.unit() < 0.2 ? .nan : generator.unit()] }
        let x = FeatureMatrix(rows: rows)
        let binned = FeatureBinner(fitting: x, maxBins: 8).bin(x)
        let g = (0..<n).map { _ in generator.unit() - 0.5 }
        let h = (0..<n).map { _ in generator.unit() }
        let all = Array(0..<n)
        let small = all.filter { $0 % 3 == 0 }
        let rest = all.filter { $0 % 3 != 0 }
        func build(_ r: [Int]) -> GradientHistogram {
            GradientHistogram(rows: r, binned: binned, gradients: g, hessians: h)
        }
        let derived = build(all).subtracting(build(small))
        let direct = build(rest)
        #expect(zip(derived.sums, direct.sums).allSatisfy { abs($0.x - $1.x) < 1e-9 && abs($0.y - $1.y) < 1e-9 })
        // The missing slot of feature 1 holds the rows with NaN there.
        let missingRows = rest.filter { x[$0, 1].isNaN }
        let slot = direct.missingSlot(1)
        #expect(!missingRows.isEmpty)
        #expect(abs(direct.sums[slot].y - missingRows.map { h[$0] }.reduce(0, +)) < 1e-9)
    }
}
