/// The best split found for a node: feature, bin boundary, where missing values go, and the
/// gradient sums of both children (so children need not re-sum them).
struct SplitCandidate: Sendable, Equatable {
    var gain: Double
    var feature: Int
    /// Bins `0...bin` go left.
    var bin: Int
    var defaultLeft: Bool
    var leftGradient: Double
    var leftHessian: Double
    var rightGradient: Double
    var rightHessian: Double
}
