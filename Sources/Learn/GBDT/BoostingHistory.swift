/// What happened while boosting: the evaluation metric after every round on the training rows and
/// the validation set (the curves a user plots), and where early stopping settled.
public struct BoostingHistory: Sendable, Codable, Equatable {
    public let metric: EvaluationMetric
    /// Metric on the training rows after rounds 1, 2, ...
    public var train: [Double]
    /// Metric on the validation set after rounds 1, 2, ...; empty without a validation set.
    public var validation: [Double]
    /// Rounds the returned model keeps: the best validation round with early stopping, else all.
    public var bestRound: Int
    /// Whether training stopped before `numTrees` rounds because validation stopped improving.
    public var stoppedEarly: Bool

    public init(metric: EvaluationMetric, train: [Double] = [], validation: [Double] = [], bestRound: Int = 0, stoppedEarly: Bool = false) {
        self.metric = metric
        self.train = train
        self.validation = validation
        self.bestRound = bestRound
        self.stoppedEarly = stoppedEarly
    }
}

/// Reported after every boosting round, for progress bars and logs.
public struct BoostingProgress: Sendable, Equatable {
    /// Rounds done, from 1.
    public let round: Int
    public let totalRounds: Int
    public let metric: EvaluationMetric
    public let train: Double
    public let validation: Double?
}

/// A fitted model and how it got there.
public struct BoostingResult: Sendable {
    public let model: GradientBoostedModel
    public let history: BoostingHistory
}
