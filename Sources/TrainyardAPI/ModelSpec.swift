/// The learning algorithm of a TrainingJob and its hyperparameters.
public struct ModelSpec: Codable, Sendable, Equatable {
    public var type: ModelType
    /// Hyperparameters by name; tuning overrides the ones it searches.
    public var params: [String: ParamValue]?

    public init(
        type: ModelType,
        params: [String: ParamValue]? = nil
    ) {
        self.type = type
        self.params = params
    }
}

/// Learning algorithm: gradient-boosted trees, logistic regression or linear regression.
public enum ModelType: String, APIEnum {
    case gbdt
    case logistic
    case linear
}
