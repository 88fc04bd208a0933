#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A metric boosting tracks after every round, on the training rows and the validation set, for the
/// curves and for early stopping. Raw values are XGBoost's `eval_metric` names.
public enum EvaluationMetric: String, Sendable, Codable, CaseIterable {
    case logloss
    case auc
    /// Binary classification error rate at threshold 0.5.
    case error
    case mlogloss
    /// Multiclass error rate (arg-max class).
    case merror
    case rmse
    case mae

    /// Parses an XGBoost-style name, naming the choices for `objective` when it is not one of them.
    public init(parsing text: String, for objective: ObjectiveKind) throws {
        guard let metric = EvaluationMetric(rawValue: text), metric.applies(to: objective) else {
            let choices = EvaluationMetric.allCases.filter { $0.applies(to: objective) }.map(\.rawValue)
            throw ModelError(
                .invalidParameter,
                "evalMetric is \"\(text)\"; for objective \(objective.rawValue) it must be one of: \(choices.joined(separator: ", "))")
        }
        self = metric
    }

    public var higherIsBetter: Bool { self == .auc }

    public func applies(to objective: ObjectiveKind) -> Bool {
        switch (self, objective) {
        case (.logloss, .binaryLogistic), (.auc, .binaryLogistic), (.error, .binaryLogistic): true
        case (.mlogloss, .softmax), (.merror, .softmax): true
        case (.rmse, .squaredError), (.mae, .squaredError): true
        default: false
        }
    }

    /// Rows per chunk of the parallel sums; fixed, so sums do not depend on the thread count.
    static let chunkRows = 65_536

    /// The metric of `predictions` (transformed scores, row-major `rows x outputs`) against `labels`.
    /// Probabilities are clipped to [1e-15, 1 - 1e-15] for log loss, as scikit-learn does. Sums run
    /// over fixed chunks of rows in parallel and are added in chunk order.
    func evaluate(predictions: [Double], labels: [Double], outputs: Int, threads: Int = 1) -> Double {
        let n = labels.count
        guard n > 0 else { return .nan }
        if self == .auc {
            return (try? Metrics.rocAUC(labels: labels.map { $0 >= 0.5 ? Int32(1) : 0 }, scores: predictions)) ?? .nan
        }
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        var partial = [Double](repeating: 0, count: chunks)
        predictions.withUnsafeBufferPointer { p in
            labels.withUnsafeBufferPointer { y in
                partial.withUnsafeMutableBufferPointer { partial in
                    let p = SharedBuffer(p)
                    let y = SharedBuffer(y)
                    let out = SharedBuffer(partial)
                    let metric = self
                    Parallel.forEach(chunks: chunks, threads: threads) { chunk in
                        let rows = (chunk * Self.chunkRows)..<min(n, (chunk + 1) * Self.chunkRows)
                        out[chunk] = metric.sum(p.base, y.base, rows, outputs)
                    }
                }
            }
        }
        let total = partial.reduce(0, +)
        return self == .rmse ? (total / Double(n)).squareRoot() : total / Double(n)
    }

    /// The metric's sum over `rows` (per-row losses, errors or squared errors).
    private func sum(_ p: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ rows: Range<Int>, _ outputs: Int) -> Double {
        let eps = 1e-15
        var sum = 0.0
        switch self {
        case .logloss:
            for i in rows {
                let q = min(max(p[i], eps), 1 - eps)
                sum -= y[i] * log(q) + (1 - y[i]) * log(1 - q)
            }
        case .error:
            for i in rows where (p[i] > 0.5) != (y[i] >= 0.5) { sum += 1 }
        case .mlogloss:
            for i in rows { sum -= log(min(max(p[i * outputs + Int(y[i])], eps), 1 - eps)) }
        case .merror:
            for i in rows {
                var best = 0
                for c in 1..<outputs where p[i * outputs + c] > p[i * outputs + best] { best = c }
                if best != Int(y[i]) { sum += 1 }
            }
        case .rmse:
            for i in rows { sum += (p[i] - y[i]) * (p[i] - y[i]) }
        case .mae:
            for i in rows { sum += abs(p[i] - y[i]) }
        case .auc:
            break
        }
        return sum
    }
}
