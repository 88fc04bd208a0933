/// What a TrainingJob trains, on which data, and how the result is registered and promoted.
/// Also the template of the retraining job a BatchPrediction starts on drift.
public struct TrainingJobSpec: Codable, Sendable, Equatable {
    public var data: TrainingData
    public var task: TrainingTask
    public var model: ModelSpec
    /// Hyperparameter search; absent trains once with `model.params`.
    public var tuning: TuningSpec?
    /// Registration and promotion; absent only tracks the run in MLflow.
    public var register: RegisterSpec?
    /// MLflow experiment name; the controller defaults it to the namespace.
    public var experiment: String?
    /// Random seed for the split, the trainer and tuning (42 when absent).
    public var seed: Int64?
    public var image: String?
    public var resources: ResourceRequirements?
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    public var serviceAccountName: String?
    /// Retries after a failed pod (server default 2).
    public var backoffLimit: Int?
    public var activeDeadlineSeconds: Int64?
    public var ttlSecondsAfterFinished: Int?
    public var suspend: Bool?

    public init(
        data: TrainingData,
        task: TrainingTask,
        model: ModelSpec,
        tuning: TuningSpec? = nil,
        register: RegisterSpec? = nil,
        experiment: String? = nil,
        seed: Int64? = nil,
        image: String? = nil,
        resources: ResourceRequirements? = nil,
        nodeSelector: [String: String]? = nil,
        tolerations: [Toleration]? = nil,
        serviceAccountName: String? = nil,
        backoffLimit: Int? = nil,
        activeDeadlineSeconds: Int64? = nil,
        ttlSecondsAfterFinished: Int? = nil,
        suspend: Bool? = nil
    ) {
        self.data = data
        self.task = task
        self.model = model
        self.tuning = tuning
        self.register = register
        self.experiment = experiment
        self.seed = seed
        self.image = image
        self.resources = resources
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.serviceAccountName = serviceAccountName
        self.backoffLimit = backoffLimit
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
        self.suspend = suspend
    }
}

/// What a model predicts: a class of the target column, or a number.
public enum TrainingTask: String, APIEnum {
    case classification
    case regression
}
