/// The rows a BatchPrediction scores.
public struct PredictionInput: Codable, Sendable, Equatable {
    /// File path, `http(s)://` URL, `s3://` or `gs://` URI.
    public var source: String
    /// Server default `csv`.
    public var format: DataFormat?
    public var credentialsSecret: String?

    public init(
        source: String,
        format: DataFormat? = nil,
        credentialsSecret: String? = nil
    ) {
        self.source = source
        self.format = format
        self.credentialsSecret = credentialsSecret
    }
}
