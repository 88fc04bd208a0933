/// Regression with loss `(y - f)² / 2` (XGBoost `reg:squarederror`): gradient `f - y`, hessian 1,
/// so each tree fits the residuals. Boosting starts from the mean target, and predictions are the
/// raw scores.
public struct SquaredError: Objective {
    public init() {}

    public var outputCount: Int { 1 }

    public func validate(labels: [Double]) throws {
        if let row = labels.firstIndex(where: { !$0.isFinite }) {
            throw ModelError(
                .nonFiniteValues,
                "squared error: target at row \(row) is \(labels[row]); regression targets must be finite numbers")
        }
    }

    public func baseScores(labels: [Double]) -> [Double] {
        guard !labels.isEmpty else { return [0] }
        return [labels.reduce(0, +) / Double(labels.count)]
    }

    public func gradientPairs(
        labels: UnsafeBufferPointer<Double>, rawScores: UnsafeBufferPointer<Double>, rows: Range<Int>,
        into pairs: UnsafeMutableBufferPointer<SIMD2<Double>>
    ) {
        for i in rows { pairs[i] = SIMD2(rawScores[i] - labels[i], 1) }
    }

    public func transform(_ scores: UnsafeMutableBufferPointer<Double>, rows: Range<Int>) {}
}
