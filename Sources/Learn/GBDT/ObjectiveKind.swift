/// The objectives a ``GradientBoosting`` fit can name in its parameters and a model records, as a
/// Codable value (the ``Objective`` protocol itself is not Codable). Raw values are XGBoost's names.
public enum ObjectiveKind: String, Sendable, Codable, CaseIterable {
    case binaryLogistic = "binary:logistic"
    case squaredError = "reg:squarederror"

    /// The loss implementation for this kind.
    public var objective: any Objective {
        switch self {
        case .binaryLogistic: BinaryLogistic()
        case .squaredError: SquaredError()
        }
    }
}
