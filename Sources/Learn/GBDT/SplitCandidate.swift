/// The best split found for a node: feature, where rows go, where missing values go, and the
/// gradient sums of both children (so children need not re-sum them).
struct SplitCandidate: Sendable, Equatable {
    var gain: Double
    var feature: Int
    /// Numeric split: bins `0...bin` go left. 0 for a categorical split.
    var bin: Int
    /// Categorical split: the category codes that go right, ascending (XGBoost's convention);
    /// every other category goes left. Empty for a numeric split.
    var rightCategories: [Int]
    var defaultLeft: Bool
    var leftGradient: Double
    var leftHessian: Double
    var rightGradient: Double
    var rightHessian: Double

    var isCategorical: Bool { !rightCategories.isEmpty }
}
