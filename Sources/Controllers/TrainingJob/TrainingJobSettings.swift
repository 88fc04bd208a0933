import Foundation
import KubeClient
import Tracking

/// How the TrainingJob controller runs: the image of training pods, the MLflow server its runs
/// live in (the same URI for the controller and the pods), and timing.
public struct TrainingJobSettings: Sendable {
    /// The Trainyard image when a job gives none.
    public var image: String
    /// MLflow as the controller reaches it; pods get the same tracking URI.
    public var mlflow: MLflowConfiguration
    /// How long a trainer keeps retrying an unreachable MLflow before its attempt fails (less
    /// when the job's activeDeadlineSeconds ends sooner). Its results wait in the pod meanwhile.
    public var trainerTrackingRetrySeconds = 1800
    /// The first retry of a failed attempt waits this long, doubling per failure.
    public var initialBackoff: TimeInterval = TrainingAttempts.initialBackoff
    /// How a job whose reconcile failed (MLflow unreachable or refusing) is retried: doubling
    /// from `base` up to `cap`, per job, reset by a reconcile that succeeds.
    public var retryBackoff = Backoff(base: .seconds(1), cap: .seconds(300))
    /// How long deleting a job waits for MLflow to mark its unfinished run KILLED; then the
    /// deletion finishes, with a Warning event naming the run left as it was.
    public var cleanupTrackingTimeout: Duration = .seconds(300)
    /// While a pod trains, how often the controller checks that MLflow answers, so
    /// `TrackingUnavailable` shows while the trainer is waiting for it.
    public var runningCheckInterval: Duration = .seconds(15)
    /// A Secret (in each job's namespace) whose MLflow credentials training pods get by reference.
    public var trackingCredentialsSecret: String?
    /// The controller's clock (tests move it instead of sleeping).
    public var now: @Sendable () -> Date = { Date() }

    public init(image: String, mlflow: MLflowConfiguration) {
        self.image = image
        self.mlflow = mlflow
    }
}
