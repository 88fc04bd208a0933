/// The dataset a TrainingJob learns from and how it is split for validation.
public struct TrainingData: Codable, Sendable, Equatable {
    /// File path, `http(s)://` URL, `s3://` or `gs://` URI.
    public var source: String
    /// Server default `csv`.
    public var format: DataFormat?
    /// Column to predict.
    public var target: String
    /// Columns to train on; absent means all but the target and `dropColumns`.
    public var features: [String]?
    public var dropColumns: [String]?
    /// Share of rows held out, in (0, 1); server default 0.2.
    public var validationFraction: Double?
    /// Secret whose keys become the pod's environment to reach the source.
    public var credentialsSecret: String?

    public init(
        source: String,
        format: DataFormat? = nil,
        target: String,
        features: [String]? = nil,
        dropColumns: [String]? = nil,
        validationFraction: Double? = nil,
        credentialsSecret: String? = nil
    ) {
        self.source = source
        self.format = format
        self.target = target
        self.features = features
        self.dropColumns = dropColumns
        self.validationFraction = validationFraction
        self.credentialsSecret = credentialsSecret
    }
}
