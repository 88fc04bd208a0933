import KubeAPI

/// What the controller observed of a BatchPrediction: progress, rows scored, output and drift.
public struct BatchPredictionStatus: Codable, Sendable, Equatable {
    /// The BatchPrediction's own `metadata.generation` last acted on.
    public var observedGeneration: Int64?
    public var phase: BatchPredictionPhase?
    public var conditions: [Condition]?
    public var modelVersion: Int?
    public var rows: Int64?
    /// Where the predictions were written.
    public var output: String?
    public var attempts: Int?
    /// RFC 3339.
    public var startTime: String?
    /// RFC 3339.
    public var completionTime: String?
    public var drift: DriftStatus?

    public init(
        observedGeneration: Int64? = nil,
        phase: BatchPredictionPhase? = nil,
        conditions: [Condition]? = nil,
        modelVersion: Int? = nil,
        rows: Int64? = nil,
        output: String? = nil,
        attempts: Int? = nil,
        startTime: String? = nil,
        completionTime: String? = nil,
        drift: DriftStatus? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.conditions = conditions
        self.modelVersion = modelVersion
        self.rows = rows
        self.output = output
        self.attempts = attempts
        self.startTime = startTime
        self.completionTime = completionTime
        self.drift = drift
    }
}

/// Where a BatchPrediction is in its life; conditions carry the details.
public enum BatchPredictionPhase: String, APIEnum {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
}
