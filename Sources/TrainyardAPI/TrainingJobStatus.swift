import KubeAPI

/// What the controller observed of a TrainingJob: progress, the MLflow run, the model version
/// it registered and the promotion decision.
public struct TrainingJobStatus: Codable, Sendable, Equatable {
    /// The TrainingJob's own `metadata.generation` last acted on.
    public var observedGeneration: Int64?
    public var phase: TrainingJobPhase?
    public var conditions: [Condition]?
    /// The current attempt's MLflow run, created before its trainer pod.
    public var runId: String?
    /// The run in the MLflow UI.
    public var runURL: String?
    public var experimentId: String?
    /// Trainer pods started, retries included.
    public var attempts: Int?
    /// RFC 3339.
    public var startTime: String?
    /// RFC 3339.
    public var completionTime: String?
    /// Final validation metrics by name.
    public var metrics: [String: Double]?
    public var model: RegisteredModelVersion?
    public var promotion: PromotionStatus?
    public var tuning: TuningStatus?

    public init(
        observedGeneration: Int64? = nil,
        phase: TrainingJobPhase? = nil,
        conditions: [Condition]? = nil,
        runId: String? = nil,
        runURL: String? = nil,
        experimentId: String? = nil,
        attempts: Int? = nil,
        startTime: String? = nil,
        completionTime: String? = nil,
        metrics: [String: Double]? = nil,
        model: RegisteredModelVersion? = nil,
        promotion: PromotionStatus? = nil,
        tuning: TuningStatus? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.conditions = conditions
        self.runId = runId
        self.runURL = runURL
        self.experimentId = experimentId
        self.attempts = attempts
        self.startTime = startTime
        self.completionTime = completionTime
        self.metrics = metrics
        self.model = model
        self.promotion = promotion
        self.tuning = tuning
    }
}

/// Where a TrainingJob is in its life; conditions carry the details.
public enum TrainingJobPhase: String, APIEnum {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case suspended = "Suspended"
}
