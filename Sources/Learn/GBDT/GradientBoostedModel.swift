/// A fitted gradient-boosted tree ensemble: per output a base score plus the sum of that output's
/// trees' leaf values (learning rate already applied), turned into predictions by the objective.
/// Predicts on raw feature rows; no binner is needed, since trees store real-valued thresholds and
/// category sets.
///
/// Trees are stored round by round: tree `i` belongs to output `i % outputCount` (XGBoost's
/// `tree_info` for a softmax model is 0, 1, ..., K-1, 0, 1, ...).
public struct GradientBoostedModel: Sendable, Codable, Equatable {
    public let objective: ObjectiveKind
    /// Raw scores per row: the number of classes for softmax, 1 otherwise.
    public let outputCount: Int
    /// Starting raw score per output (margins: log-odds for `binaryLogistic`, centred log priors
    /// for softmax, a target value for squared error).
    public let baseScores: [Double]
    /// The learning rate the model was fitted with; informational, as leaf values already include it.
    public let learningRate: Double
    /// Names of the fitted feature columns, in order.
    public let featureNames: [String]
    /// Per feature, its number of categories for a categorical feature (values are codes
    /// `0..<count`), 0 for a numeric one.
    public let categoryCounts: [Int]
    public let trees: [RegressionTree]

    public init(
        objective: ObjectiveKind, baseScores: [Double], learningRate: Double, featureNames: [String],
        categoryCounts: [Int]? = nil, trees: [RegressionTree]
    ) {
        precondition(!baseScores.isEmpty && trees.count % baseScores.count == 0, "GradientBoostedModel: trees must fill whole rounds")
        self.objective = objective
        self.outputCount = baseScores.count
        self.baseScores = baseScores
        self.learningRate = learningRate
        self.featureNames = featureNames
        self.categoryCounts = categoryCounts ?? [Int](repeating: 0, count: featureNames.count)
        self.trees = trees
    }

    /// A single-output model.
    public init(
        objective: ObjectiveKind, baseScore: Double, learningRate: Double, featureNames: [String], trees: [RegressionTree]
    ) {
        self.init(objective: objective, baseScores: [baseScore], learningRate: learningRate, featureNames: featureNames, trees: trees)
    }

    public var featureCount: Int { featureNames.count }

    /// The base score of a single-output model.
    public var baseScore: Double { baseScores[0] }

    /// Boosting rounds (trees per output).
    public var roundCount: Int { trees.count / outputCount }

    /// The model with only its first `rounds` rounds (what early stopping keeps).
    public func truncated(toRounds rounds: Int) -> GradientBoostedModel {
        GradientBoostedModel(
            objective: objective, baseScores: baseScores, learningRate: learningRate, featureNames: featureNames,
            categoryCounts: categoryCounts, trees: Array(trees.prefix(max(0, rounds) * outputCount)))
    }

    /// Raw scores (margins), row-major `rows x outputCount`, from the first `rounds` rounds (all
    /// when nil). The matrix must have the fitted column count (precondition); NaN follows each
    /// split's default. `threads` 0 uses every core; results do not depend on it.
    public func predictRaw(_ x: FeatureMatrix, rounds: Int? = nil, threads: Int = 0) -> [Double] {
        precondition(
            x.columnCount == featureCount, "GradientBoostedModel: matrix has \(x.columnCount) columns, model was fitted on \(featureCount)")
        let used = min(max(rounds ?? roundCount, 0), roundCount)
        var out = [Double](repeating: 0, count: x.rowCount * outputCount)
        for row in 0..<x.rowCount {
            for k in 0..<outputCount { out[row * outputCount + k] = baseScores[k] }
        }
        let predictor = ForestPredictor(trees: trees.prefix(used * outputCount), outputCount: outputCount, featureCount: featureCount)
        predictor.accumulate(x.values, rowCount: x.rowCount, into: &out, threads: Parallel.threads(threads))
        return out
    }

    /// The ensemble compiled for prediction, once, for callers that predict many times (a server).
    func compiled() -> ForestPredictor {
        ForestPredictor(trees: trees, outputCount: outputCount, featureCount: featureCount)
    }

    /// `predict` with an ensemble compiled beforehand by ``compiled()``.
    func predict(_ x: FeatureMatrix, using predictor: ForestPredictor, threads: Int) -> [Double] {
        precondition(
            x.columnCount == featureCount, "GradientBoostedModel: matrix has \(x.columnCount) columns, model was fitted on \(featureCount)")
        var out = [Double](repeating: 0, count: x.rowCount * outputCount)
        for row in 0..<x.rowCount {
            for k in 0..<outputCount { out[row * outputCount + k] = baseScores[k] }
        }
        predictor.accumulate(x.values, rowCount: x.rowCount, into: &out, threads: Parallel.threads(threads))
        objective.objective(classCount: outputCount).transform(&out)
        return out
    }

    /// Predictions, row-major `rows x outputCount`: the probability of class 1 for
    /// `binaryLogistic`, class probabilities for softmax, target values for squared error.
    public func predict(_ x: FeatureMatrix, rounds: Int? = nil, threads: Int = 0) -> [Double] {
        var scores = predictRaw(x, rounds: rounds, threads: threads)
        objective.objective(classCount: outputCount).transform(&scores)
        return scores
    }

    /// Total split gain per feature over all trees (XGBoost's `total_gain` importance), and the
    /// number of splits on it (`weight`). Normalise the gains for shares.
    public func featureImportance() -> [FeatureImportance] {
        var gain = [Double](repeating: 0, count: featureCount)
        var splits = [Int](repeating: 0, count: featureCount)
        for tree in trees {
            for node in 0..<tree.nodeCount where !tree.isLeaf(node) {
                gain[tree.featureIndex[node]] += tree.gain[node]
                splits[tree.featureIndex[node]] += 1
            }
        }
        return (0..<featureCount).map { FeatureImportance(feature: featureNames[$0], totalGain: gain[$0], splitCount: splits[$0]) }
    }
}

/// How much one feature contributed to a tree model: the loss reduction of all splits on it.
public struct FeatureImportance: Sendable, Codable, Equatable {
    public let feature: String
    public let totalGain: Double
    public let splitCount: Int

    public init(feature: String, totalGain: Double, splitCount: Int) {
        self.feature = feature
        self.totalGain = totalGain
        self.splitCount = splitCount
    }
}
