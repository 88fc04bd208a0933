import KubeAPI

/// What the controller observed of a ModelDeployment: the version it serves, where, and how
/// many replicas are ready.
public struct ModelDeploymentStatus: Codable, Sendable, Equatable {
    /// The ModelDeployment's own `metadata.generation` last acted on.
    public var observedGeneration: Int64?
    public var phase: ModelDeploymentPhase?
    public var conditions: [Condition]?
    /// Version served or being rolled out to.
    public var modelVersion: Int?
    public var runId: String?
    public var url: String?
    public var replicas: Int?
    public var readyReplicas: Int?
    /// The server pods' label selector, for the scale subresource (`kubectl scale`, an HPA).
    public var selector: String?

    public init(
        observedGeneration: Int64? = nil,
        phase: ModelDeploymentPhase? = nil,
        conditions: [Condition]? = nil,
        modelVersion: Int? = nil,
        runId: String? = nil,
        url: String? = nil,
        replicas: Int? = nil,
        readyReplicas: Int? = nil,
        selector: String? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.conditions = conditions
        self.modelVersion = modelVersion
        self.runId = runId
        self.url = url
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.selector = selector
    }
}

/// Where a ModelDeployment is: resolving its model, rolling out, serving, or failed.
public enum ModelDeploymentPhase: String, APIEnum {
    case pending = "Pending"
    case progressing = "Progressing"
    case ready = "Ready"
    case failed = "Failed"
}
