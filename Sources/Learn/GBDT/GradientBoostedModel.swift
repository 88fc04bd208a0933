/// A fitted gradient-boosted tree ensemble: a base score plus the sum of its trees' leaf values
/// (learning rate already applied), turned into predictions by the objective. Predicts on raw
/// feature rows; no binner is needed, since trees store real-valued thresholds.
public struct GradientBoostedModel: Sendable, Codable, Equatable {
    public let objective: ObjectiveKind
    /// Starting raw score (a margin: log-odds for `binaryLogistic`, a target value for squared error).
    public let baseScore: Double
    /// The learning rate the model was fitted with; informational, as leaf values already include it.
    public let learningRate: Double
    /// Names of the fitted feature columns, in order.
    public let featureNames: [String]
    public let trees: [RegressionTree]

    public init(
        objective: ObjectiveKind, baseScore: Double, learningRate: Double, featureNames: [String],
        trees: [RegressionTree]
    ) {
        self.objective = objective
        self.baseScore = baseScore
        self.learningRate = learningRate
        self.featureNames = featureNames
        self.trees = trees
    }

    public var featureCount: Int { featureNames.count }

    /// Raw scores (margins), one per row, from the first `treeCount` trees (all when nil). The
    /// matrix must have the fitted column count (precondition); NaN follows each split's default.
    public func predictRaw(_ x: FeatureMatrix, treeCount: Int? = nil) -> [Double] {
        precondition(
            x.columnCount == featureCount, "GradientBoostedModel: matrix has \(x.columnCount) columns, model was fitted on \(featureCount)")
        let used = trees.prefix(min(max(treeCount ?? trees.count, 0), trees.count))
        var out = [Double](repeating: baseScore, count: x.rowCount)
        x.values.withUnsafeBufferPointer { values in
            for r in 0..<x.rowCount {
                var sum = baseScore
                for tree in used { sum += tree.predict(values, offset: r * x.columnCount) }
                out[r] = sum
            }
        }
        return out
    }

    /// Predictions: probabilities of class 1 for `binaryLogistic`, target values for squared error.
    public func predict(_ x: FeatureMatrix, treeCount: Int? = nil) -> [Double] {
        var scores = predictRaw(x, treeCount: treeCount)
        objective.objective.transform(&scores)
        return scores
    }
}
