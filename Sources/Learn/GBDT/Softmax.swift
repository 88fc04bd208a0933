#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Multiclass classification with the softmax cross-entropy (XGBoost `multi:softprob`): labels are
/// class indices `0..<classCount`; each round grows one tree per class on gradient `p_k - y_k` and
/// hessian `2 p_k (1 - p_k)` (XGBoost's, which makes Newton steps conservative); predictions are the
/// class probabilities `softmax(raw)`.
///
/// Boosting starts from the centred log class priors, `log(prior_k) - mean_j log(prior_j)`: their
/// softmax is the priors (the constant minimising training log loss), and XGBoost 3.2 estimates the
/// same intercept. Priors are clamped to 1e-7 so a class absent from the training rows gives a
/// finite start.
public struct Softmax: Objective {
    public let classCount: Int

    public init(classCount: Int) {
        precondition(classCount >= 2, "Softmax: at least 2 classes")
        self.classCount = classCount
    }

    public var outputCount: Int { classCount }

    public func validate(labels: [Double]) throws {
        if let row = labels.firstIndex(where: { !($0 >= 0 && $0 < Double(classCount) && $0.rounded() == $0) }) {
            throw ModelError(
                .invalidLabels,
                "softmax: label at row \(row) is \(labels[row]); labels must be class indices 0...\(classCount - 1)")
        }
    }

    public func baseScores(labels: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        let total = max(Double(labels.count), 1)
        let logs = counts.map { log(max($0 / total, 1e-7)) }
        let mean = logs.reduce(0, +) / Double(classCount)
        return logs.map { $0 - mean }
    }

    public func gradientPairs(
        labels: UnsafeBufferPointer<Double>, rawScores: UnsafeBufferPointer<Double>, rows: Range<Int>,
        into pairs: UnsafeMutableBufferPointer<SIMD2<Double>>
    ) {
        let k = classCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { p in
            for row in rows {
                Self.softmax(rawScores.baseAddress! + row * k, count: k, into: p.baseAddress!)
                let label = Int(labels[row])
                for c in 0..<k {
                    pairs[row * k + c] = SIMD2(p[c] - (c == label ? 1 : 0), max(2 * p[c] * (1 - p[c]), 1e-16))
                }
            }
        }
    }

    public func transform(_ scores: UnsafeMutableBufferPointer<Double>, rows: Range<Int>) {
        let k = classCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { p in
            for row in rows {
                let base = scores.baseAddress! + row * k
                Self.softmax(base, count: k, into: p.baseAddress!)
                for c in 0..<k { base[c] = p[c] }
            }
        }
    }

    /// Softmax of `scores[0..<count]`, shifted by the maximum so exp never overflows.
    static func softmax(_ scores: UnsafePointer<Double>, count: Int, into p: UnsafeMutablePointer<Double>) {
        var highest = -Double.infinity
        for c in 0..<count { highest = max(highest, scores[c]) }
        var sum = 0.0
        for c in 0..<count {
            p[c] = exp(scores[c] - highest)
            sum += p[c]
        }
        for c in 0..<count { p[c] /= sum }
    }
}
