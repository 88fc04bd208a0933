#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Binary classification with log loss on the logit (XGBoost `binary:logistic`): labels are 0 or 1
/// (probabilities in [0, 1] are accepted, as XGBoost does), gradient `p - y`, hessian `p(1 - p)`,
/// predictions are `p = sigmoid(raw)`.
///
/// Boosting starts from the log-odds of the positive rate, `logit(mean(y))`: the constant that
/// minimises the training log loss, and what XGBoost ≥ 2 estimates for `base_score` by default.
/// The base score is a margin here; XGBoost's JSON stores `base_score` as a probability, so an
/// exporter writes `sigmoid(baseScore)`. The rate is clamped to `[1e-7, 1 - 1e-7]` so one-class
/// data gives a finite start.
public struct BinaryLogistic: Objective {
    /// Hessians are floored here so rows the model is already certain about still count towards
    /// `minChildWeight` a little and leaf weights stay finite (XGBoost uses 1e-16).
    static let minimumHessian = 1e-16
    static let rateClamp = 1e-7

    public init() {}

    public var outputCount: Int { 1 }

    public func validate(labels: [Double]) throws {
        if let row = labels.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw ModelError(
                .invalidLabels,
                "binary logistic: label at row \(row) is \(labels[row]); labels must be 0 or 1 (or a probability in [0, 1])")
        }
    }

    public func baseScores(labels: [Double]) -> [Double] {
        guard !labels.isEmpty else { return [0] }
        let rate = min(max(labels.reduce(0, +) / Double(labels.count), Self.rateClamp), 1 - Self.rateClamp)
        return [log(rate / (1 - rate))]
    }

    public func gradientPairs(
        labels: UnsafeBufferPointer<Double>, rawScores: UnsafeBufferPointer<Double>, rows: Range<Int>,
        into pairs: UnsafeMutableBufferPointer<SIMD2<Double>>
    ) {
        for i in rows {
            let p = Self.sigmoid(rawScores[i])
            pairs[i] = SIMD2(p - labels[i], max(p * (1 - p), Self.minimumHessian))
        }
    }

    public func transform(_ scores: UnsafeMutableBufferPointer<Double>, rows: Range<Int>) {
        for i in rows { scores[i] = Self.sigmoid(scores[i]) }
    }

    static func sigmoid(_ z: Double) -> Double {
        // Written for each sign so exp never overflows.
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }
}
