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

    /// Writes, for every row in `rows` and output k, the gradient (`.x`) and hessian (`.y`) of the
    /// loss with respect to raw score `row * outputCount + k` into `pairs` at the same index.
    /// Boosting calls it on disjoint row ranges in parallel.
    func gradientPairs(
        labels: UnsafeBufferPointer<Double>, rawScores: UnsafeBufferPointer<Double>, rows: Range<Int>,
        into pairs: UnsafeMutableBufferPointer<SIMD2<Double>>)

    /// Turns the raw scores (margins, row-major `rows x outputCount`) of the rows in `rows` into
    /// predictions, in place.
    func transform(_ scores: UnsafeMutableBufferPointer<Double>, rows: Range<Int>)
}

extension Objective {
    /// Turns all raw scores (row-major `rows x outputCount`) into predictions, in place.
    public func transform(_ scores: inout [Double]) {
        let rowCount = scores.count / outputCount
        scores.withUnsafeMutableBufferPointer { transform($0, rows: 0..<rowCount) }
    }
}
