/// Drift of a BatchPrediction's input against the model's training data.
public struct DriftStatus: Codable, Sendable, Equatable {
    /// Largest PSI over the features.
    public var score: Double?
    public var detected: Bool?
    /// PSI by feature.
    public var features: [String: Double]?
    /// Name of the TrainingJob started because of drift.
    public var retrainJob: String?

    public init(
        score: Double? = nil,
        detected: Bool? = nil,
        features: [String: Double]? = nil,
        retrainJob: String? = nil
    ) {
        self.score = score
        self.detected = detected
        self.features = features
        self.retrainJob = retrainJob
    }
}
