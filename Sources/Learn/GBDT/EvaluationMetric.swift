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

    /// The metric of `predictions` (transformed scores, row-major `rows x outputs`) against `labels`.
    /// Probabilities are clipped to [1e-15, 1 - 1e-15] for log loss, as scikit-learn does.
    func evaluate(predictions: [Double], labels: [Double], outputs: Int) -> Double {
        let n = labels.count
        guard n > 0 else { return .nan }
        let eps = 1e-15
        switch self {
        case .logloss:
            var sum = 0.0
            for i in 0..<n {
                let p = min(max(predictions[i], eps), 1 - eps)
                sum -= labels[i] * log(p) + (1 - labels[i]) * log(1 - p)
            }
            return sum / Double(n)
        case .auc:
            return (try? Metrics.rocAUC(labels: labels.map { $0 >= 0.5 ? Int32(1) : 0 }, scores: predictions)) ?? .nan
        case .error:
            var wrong = 0
            for i in 0..<n where (predictions[i] > 0.5) != (labels[i] >= 0.5) { wrong += 1 }
            return Double(wrong) / Double(n)
        case .mlogloss:
            var sum = 0.0
            for i in 0..<n { sum -= log(min(max(predictions[i * outputs + Int(labels[i])], eps), 1 - eps)) }
            return sum / Double(n)
        case .merror:
            var wrong = 0
            for i in 0..<n {
                var best = 0
                for c in 1..<outputs where predictions[i * outputs + c] > predictions[i * outputs + best] { best = c }
                if best != Int(labels[i]) { wrong += 1 }
            }
            return Double(wrong) / Double(n)
        case .rmse:
            var sum = 0.0
            for i in 0..<n { sum += (predictions[i] - labels[i]) * (predictions[i] - labels[i]) }
            return (sum / Double(n)).squareRoot()
        case .mae:
            var sum = 0.0
            for i in 0..<n { sum += abs(predictions[i] - labels[i]) }
            return sum / Double(n)
        }
    }
}
