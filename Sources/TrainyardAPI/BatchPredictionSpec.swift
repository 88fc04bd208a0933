/// What a BatchPrediction scores, with which model, where the predictions go, and what to do
/// about drift.
public struct BatchPredictionSpec: Codable, Sendable, Equatable {
    public var model: ModelReference
    public var input: PredictionInput
    public var output: PredictionOutput
    public var drift: DriftSpec?
    public var image: String?
    public var resources: ResourceRequirements?
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    public var serviceAccountName: String?
    /// Retries after a failed pod (server default 2).
    public var backoffLimit: Int?
    public var activeDeadlineSeconds: Int64?
    public var ttlSecondsAfterFinished: Int?

    public init(
        model: ModelReference,
        input: PredictionInput,
        output: PredictionOutput,
        drift: DriftSpec? = nil,
        image: String? = nil,
        resources: ResourceRequirements? = nil,
        nodeSelector: [String: String]? = nil,
        tolerations: [Toleration]? = nil,
        serviceAccountName: String? = nil,
        backoffLimit: Int? = nil,
        activeDeadlineSeconds: Int64? = nil,
        ttlSecondsAfterFinished: Int? = nil
    ) {
        self.model = model
        self.input = input
        self.output = output
        self.drift = drift
        self.image = image
        self.resources = resources
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.serviceAccountName = serviceAccountName
        self.backoffLimit = backoffLimit
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
    }
}
