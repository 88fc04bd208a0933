/// Parameters of gradient-boosted decision trees on histogram-binned features (XGBoost's
/// `tree_method=hist`, `grow_policy=depthwise`); `fit` turns a dataset into a
/// ``GradientBoostedModel``. Names and defaults follow XGBoost (`eta` is `learningRate`,
/// `min_split_loss` is `gamma`, `reg_lambda`/`reg_alpha` are `lambda`/`alpha`); see
/// ``DepthwiseTreeLearner`` for the split rule and how `gamma` relates to XGBoost's.
///
/// Not yet supported: row and column subsampling, early stopping, categorical splits, multiclass
/// (softmax), sample weights, parallel histogram building. `seed` is recorded for the subsampling
/// to come; fitting uses no randomness yet.
///
/// Deterministic: one thread, fixed summation order, so the same data, parameters and seed give
/// bit-identical models.
public struct GradientBoosting: Sendable, Codable, Equatable {
    /// Boosting rounds (one tree each for the objectives so far).
    public var numTrees: Int = 100
    /// Shrinks each tree's leaf values (XGBoost `eta`); folded into the stored leaf values.
    public var learningRate: Double = 0.3
    /// Maximum depth of a tree; the root is depth 0.
    public var maxDepth: Int = 6
    /// Smallest hessian sum a child may have (XGBoost `min_child_weight`).
    public var minChildWeight: Double = 1
    /// L2 penalty on leaf weights.
    public var lambda: Double = 1
    /// L1 penalty on leaf weights.
    public var alpha: Double = 0
    /// Minimum loss reduction to split (see ``DepthwiseTreeLearner``).
    public var gamma: Double = 0
    /// Bins per feature, 2...255.
    public var maxBins: Int = 255
    public var objective: ObjectiveKind = .squaredError
    public var seed: UInt64 = 0

    public init(
        numTrees: Int = 100, learningRate: Double = 0.3, maxDepth: Int = 6, minChildWeight: Double = 1,
        lambda: Double = 1, alpha: Double = 0, gamma: Double = 0, maxBins: Int = 255,
        objective: ObjectiveKind = .squaredError, seed: UInt64 = 0
    ) {
        self.numTrees = numTrees
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.minChildWeight = minChildWeight
        self.lambda = lambda
        self.alpha = alpha
        self.gamma = gamma
        self.maxBins = maxBins
        self.objective = objective
        self.seed = seed
    }

    private static let name = "gradient boosting"

    /// Fits `numTrees` trees to targets `y` (0/1 labels for `binaryLogistic`). Features may be
    /// missing (NaN) but not infinite.
    public func fit(_ x: FeatureMatrix, _ y: [Double]) throws -> GradientBoostedModel {
        try validateParameters()
        try validateFeatures(x)
        guard y.count == x.rowCount else {
            throw ModelError(
                .lengthMismatch, "\(Self.name): \(y.count) targets for \(x.rowCount) feature rows; they must be equal")
        }
        let loss = objective.objective
        try loss.validate(labels: y)

        let binner = FeatureBinner(fitting: x, maxBins: maxBins)
        let binned = binner.bin(x)
        let learner = DepthwiseTreeLearner(
            maxDepth: maxDepth, minChildWeight: minChildWeight, lambda: lambda, alpha: alpha, gamma: gamma,
            learningRate: learningRate)
        let baseScore = loss.baseScores(labels: y)[0]

        let n = x.rowCount
        var raw = [Double](repeating: baseScore, count: n)
        var gradients = [Double](repeating: 0, count: n)
        var hessians = [Double](repeating: 0, count: n)
        var trees: [RegressionTree] = []
        trees.reserveCapacity(numTrees)
        for _ in 0..<numTrees {
            loss.gradients(labels: y, rawScores: raw, gradients: &gradients, hessians: &hessians)
            let (tree, leafOfRow) = learner.grow(binned, binner: binner, gradients: gradients, hessians: hessians)
            for row in 0..<n { raw[row] += tree.leafValue[leafOfRow[row]] }
            trees.append(tree)
        }
        return GradientBoostedModel(
            objective: objective, baseScore: baseScore, learningRate: learningRate, featureNames: x.names, trees: trees)
    }

    private func validateParameters() throws {
        func invalid(_ message: String) -> ModelError { ModelError(.invalidParameter, "\(Self.name): \(message)") }
        guard numTrees >= 0 else { throw invalid("numTrees is \(numTrees); it must be 0 or more") }
        guard learningRate > 0, learningRate.isFinite else {
            throw invalid("learningRate is \(learningRate); it must be a finite number above 0 (typically 0.01...0.3)")
        }
        guard maxDepth >= 1 else { throw invalid("maxDepth is \(maxDepth); it must be 1 or more") }
        for (name, value) in [("minChildWeight", minChildWeight), ("lambda", lambda), ("alpha", alpha), ("gamma", gamma)] {
            guard value >= 0, value.isFinite else { throw invalid("\(name) is \(value); it must be a finite number, 0 or more") }
        }
        guard (2...FeatureBinner.maximumBinCount).contains(maxBins) else {
            throw invalid("maxBins is \(maxBins); it must be in 2...\(FeatureBinner.maximumBinCount)")
        }
    }

    private func validateFeatures(_ x: FeatureMatrix) throws {
        guard x.rowCount > 0, x.columnCount > 0 else {
            throw ModelError(
                .emptyData,
                "\(Self.name): the feature matrix is \(x.rowCount) x \(x.columnCount); at least one row and one column are needed")
        }
        if let index = x.values.firstIndex(where: { $0.isInfinite }) {
            let column = index % x.columnCount
            throw ModelError(
                .nonFiniteValues,
                "\(Self.name): column \"\(x.names[column])\" is \(x.values[index]) at row \(index / x.columnCount); features must be finite or NaN (missing); clip or drop infinite values"
            )
        }
    }
}
