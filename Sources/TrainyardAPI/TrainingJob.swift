import KubeAPI

/// Trains a model on a dataset, tracks the run in MLflow, registers the model and promotes it
/// when it beats the champion: `kubectl get tj`.
public struct TrainingJob: CustomResource {
    public static let group = "trainyard.dev"
    public static let version = "v1alpha1"
    public static let kind = "TrainingJob"
    public static let plural = "trainingjobs"
    public static let shortName = "tj"

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: TrainingJobSpec
    public var status: TrainingJobStatus?

    public init(
        apiVersion: String = TrainingJob.groupVersion,
        kind: String = TrainingJob.kind,
        metadata: ObjectMeta = ObjectMeta(),
        spec: TrainingJobSpec,
        status: TrainingJobStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The condition types the controller sets in `status.conditions`.
    public enum ConditionType: String, Sendable, CaseIterable {
        /// A trainer pod is running.
        case running = "Running"
        /// Training finished and the model was logged (and registered, when asked).
        case succeeded = "Succeeded"
        /// The job gave up: retries exhausted, deadline exceeded, or an invalid spec.
        case failed = "Failed"
        /// A new model version exists in the registry.
        case registered = "Registered"
        /// The promotion alias points at the new version (False when the champion was kept).
        case promoted = "Promoted"
        /// `spec.suspend` stopped the job.
        case suspended = "Suspended"
        /// The spec passed the checks the schema cannot make (False: nothing is created).
        case valid = "Valid"
        /// MLflow cannot be used right now (unreachable, or refusing the controller's calls); the
        /// reason says which, and the job waits instead of failing.
        case trackingUnavailable = "TrackingUnavailable"
    }
}
