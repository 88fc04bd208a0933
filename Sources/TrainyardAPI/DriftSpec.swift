/// Drift detection for a BatchPrediction, and the TrainingJob to start when drift is found.
public struct DriftSpec: Codable, Sendable, Equatable {
    public var enabled: Bool?
    /// PSI above which a feature has drifted; server default 0.2.
    public var threshold: Double?
    /// Spec of the TrainingJob created on drift.
    public var retrain: TrainingJobSpec?

    public init(
        enabled: Bool? = nil,
        threshold: Double? = nil,
        retrain: TrainingJobSpec? = nil
    ) {
        self.enabled = enabled
        self.threshold = threshold
        self.retrain = retrain
    }
}
