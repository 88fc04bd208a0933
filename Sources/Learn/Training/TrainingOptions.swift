/// What to train: the target, the task, the model family and its parameters, and how to hold out
/// validation rows. The CLI (`trainyard train`) and the controller's pod arguments fill this in.
public struct TrainingOptions: Sendable, Equatable {
    public var target: String
    /// Inferred when nil: a categorical or boolean target (or a logistic model) means
    /// classification, a numeric target regression.
    public var task: LearningTask?
    public var modelType: ModelType
    /// Hyperparameters as text, parsed by ``ModelParameters``.
    public var parameters: [String: String]
    public var seed: UInt64
    /// 0 uses every core.
    public var threads: Int
    /// Share of rows held out when no separate validation data is given.
    public var validationFraction: Double
    /// Feature columns; nil means every column but the target and `dropColumns`.
    public var features: [String]?
    public var dropColumns: [String]

    public init(
        target: String, task: LearningTask? = nil, modelType: ModelType = .gbdt, parameters: [String: String] = [:],
        seed: UInt64 = 0, threads: Int = 0, validationFraction: Double = 0.2, features: [String]? = nil,
        dropColumns: [String] = []
    ) {
        self.target = target
        self.task = task
        self.modelType = modelType
        self.parameters = parameters
        self.seed = seed
        self.threads = threads
        self.validationFraction = validationFraction
        self.features = features
        self.dropColumns = dropColumns
    }
}

/// What one training run produced: the model, its metrics on the training and validation rows,
/// the boosting curves, feature importance, and where the time went.
public struct TrainingOutcome: Sendable {
    public let model: TrainyardModel
    public let trainMetrics: MetricReport
    public let validationMetrics: MetricReport
    /// GBDT only.
    public let history: BoostingHistory?
    /// Per model input column, largest first: total split gain for GBDT, |coefficient| on
    /// standardised inputs for linear models.
    public let importance: [FeatureImportance]
    public let trainRows: Int
    public let validationRows: Int
    /// Seconds spent fitting the model (not reading, encoding or evaluating).
    public let fitSeconds: Double
    /// Seconds spent encoding features and splitting rows.
    public let prepareSeconds: Double
    /// Seconds spent predicting and scoring the training and validation rows.
    public let evaluateSeconds: Double
    /// The validation rows' labels (class indices) or targets, for plots.
    public let validationTargets: [Double]
    /// The model's predictions on the validation rows, in row order.
    public let validationPredictions: Predictions
    /// Which rows of the training data were held out for validation, in order; nil when the
    /// validation rows came from separate data.
    public let validationRowIndices: [Int]?
}

/// Reported while training, for progress bars and logs.
public enum TrainingEvent: Sendable {
    /// Rows and features are ready; fitting starts.
    case fitting(model: ModelType, trainRows: Int, validationRows: Int, inputs: Int)
    /// A boosting round finished.
    case round(BoostingProgress)
    /// The model is fitted; evaluation starts.
    case fitted(seconds: Double)
}
