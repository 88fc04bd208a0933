/// The loss a gradient-boosted model minimises: where boosting starts, the first and second
/// derivatives that every tree is fitted to, and how raw scores become predictions (LightGBM's
/// `ObjectiveFunction`, XGBoost's `ObjFunction`).
///
/// An objective has `outputCount` raw scores per row (one tree per output per round; several for
/// softmax): raw scores, gradients and hessians are row-major `rowCount x outputCount`.
public protocol Objective: Sendable {
    /// Raw scores (and trees per boosting round) per row.
    var outputCount: Int { get }

    /// Throws a ``ModelError`` naming the first bad label when `labels` are not valid targets.
    func validate(labels: [Double]) throws

    /// The raw score every row starts from, one per output, computed from the training labels.
    func baseScores(labels: [Double]) -> [Double]

    /// Writes the gradient and hessian of the loss with respect to each raw score.
    func gradients(
        labels: [Double], rawScores: [Double], gradients: inout [Double], hessians: inout [Double])

    /// Turns raw scores (margins, row-major `rows x outputCount`) into predictions, in place.
    func transform(_ rawScores: inout [Double])
}
