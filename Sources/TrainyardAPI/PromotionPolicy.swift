/// When a newly trained model takes the alias from the champion.
public struct PromotionPolicy: Codable, Sendable, Equatable {
    /// Server default `champion`.
    public var alias: String?
    /// Validation metric that decides, such as `auc` or `rmse`.
    public var metric: String
    /// Server default `max`.
    public var mode: PromotionMode?
    /// Least improvement over the champion; absent means 0.
    public var minImprovement: Double?
    /// When set, a paired bootstrap test must show the improvement with this confidence.
    public var confidence: Double?

    public init(
        alias: String? = nil,
        metric: String,
        mode: PromotionMode? = nil,
        minImprovement: Double? = nil,
        confidence: Double? = nil
    ) {
        self.alias = alias
        self.metric = metric
        self.mode = mode
        self.minImprovement = minImprovement
        self.confidence = confidence
    }
}

/// Whether a higher or a lower metric is better.
public enum PromotionMode: String, APIEnum {
    case max
    case min
}
