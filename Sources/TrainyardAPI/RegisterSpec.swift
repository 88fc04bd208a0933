/// Registers a TrainingJob's model in the MLflow Model Registry and, with a promotion
/// policy, decides whether it takes the alias.
public struct RegisterSpec: Codable, Sendable, Equatable {
    public var modelName: String
    /// Absent: register without ever moving the alias.
    public var promotion: PromotionPolicy?

    public init(
        modelName: String,
        promotion: PromotionPolicy? = nil
    ) {
        self.modelName = modelName
        self.promotion = promotion
    }
}
