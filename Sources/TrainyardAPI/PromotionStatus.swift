/// The comparison of a new model with the champion and its outcome.
public struct PromotionStatus: Codable, Sendable, Equatable {
    /// The new model's promotion metric.
    public var candidate: Double?
    /// The champion's metric on the same rows; absent when there was none.
    public var champion: Double?
    /// Improvement of candidate over champion; positive is better whatever the mode.
    public var delta: Double?
    public var decision: PromotionDecision?
    public var reason: String?

    public init(
        candidate: Double? = nil,
        champion: Double? = nil,
        delta: Double? = nil,
        decision: PromotionDecision? = nil,
        reason: String? = nil
    ) {
        self.candidate = candidate
        self.champion = champion
        self.delta = delta
        self.decision = decision
        self.reason = reason
    }
}

/// Whether the alias moved to the new version.
public enum PromotionDecision: String, APIEnum {
    case promoted = "Promoted"
    case rejected = "Rejected"
}
