/// The objectives a ``GradientBoosting`` fit can name in its parameters and a model records, as a
/// Codable value (the ``Objective`` protocol itself is not Codable). Raw values are XGBoost's names.
public enum ObjectiveKind: String, Sendable, Codable, CaseIterable {
    case binaryLogistic = "binary:logistic"
    case squaredError = "reg:squarederror"
    case softmax = "multi:softprob"

    /// The loss implementation for this kind; `classCount` matters only for softmax.
    public func objective(classCount: Int = 2) -> any Objective {
        switch self {
        case .binaryLogistic: BinaryLogistic()
        case .squaredError: SquaredError()
        case .softmax: Softmax(classCount: max(classCount, 2))
        }
    }

    /// The metric tracked per iteration (and for early stopping) when none is named: the loss itself.
    public var defaultEvaluationMetric: EvaluationMetric {
        switch self {
        case .binaryLogistic: .logloss
        case .squaredError: .rmse
        case .softmax: .mlogloss
        }
    }
}
