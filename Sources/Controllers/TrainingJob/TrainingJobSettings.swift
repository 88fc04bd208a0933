import Foundation
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
    /// How soon the controller tries MLflow again while it is unreachable.
    public var trackingRetryDelay: Duration = .seconds(5)
    /// While a pod trains, how often the controller checks that MLflow answers, so
    /// `TrackingUnavailable` shows while the trainer is waiting for it.
    public var runningCheckInterval: Duration = .seconds(15)

    public init(image: String, mlflow: MLflowConfiguration) {
        self.image = image
        self.mlflow = mlflow
    }
}
