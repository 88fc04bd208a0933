/// Where a BatchPrediction writes the scored rows.
public struct PredictionOutput: Codable, Sendable, Equatable {
    /// File path, `s3://` or `gs://` URI.
    public var destination: String
    public var credentialsSecret: String?

    public init(
        destination: String,
        credentialsSecret: String? = nil
    ) {
        self.destination = destination
        self.credentialsSecret = credentialsSecret
    }
}
