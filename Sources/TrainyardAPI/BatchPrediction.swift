import KubeAPI

/// Scores a dataset with a registered model, writes the predictions, measures drift and can start
/// a retraining TrainingJob: `kubectl get bp`.
public struct BatchPrediction: CustomResource {
    public static let group = "trainyard.dev"
    public static let version = "v1alpha1"
    public static let kind = "BatchPrediction"
    public static let plural = "batchpredictions"
    public static let shortName = "bp"

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: BatchPredictionSpec
    public var status: BatchPredictionStatus?

    public init(
        apiVersion: String = BatchPrediction.groupVersion,
        kind: String = BatchPrediction.kind,
        metadata: ObjectMeta = ObjectMeta(),
        spec: BatchPredictionSpec,
        status: BatchPredictionStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The condition types the controller sets in `status.conditions`.
    public enum ConditionType: String, Sendable, CaseIterable {
        /// A scorer pod is running.
        case running = "Running"
        /// Every row was scored and the output written.
        case succeeded = "Succeeded"
        /// Scoring gave up: retries exhausted, deadline exceeded, or an invalid spec.
        case failed = "Failed"
        /// A feature's PSI exceeded `spec.drift.threshold`.
        case driftDetected = "DriftDetected"
    }
}
