import Foundation
import KubeClient
import Tracking

/// How the ModelDeployment controller runs: the image of model server pods, the MLflow server
/// they load models from, how often an alias is looked up again, and timing.
public struct ModelDeploymentSettings: Sendable {
    /// The Trainyard image when a ModelDeployment gives none.
    public var image: String
    /// MLflow as the controller reaches it; server pods get the same tracking URI.
    public var mlflow: MLflowConfiguration
    /// How often the alias (or version) is looked up again in the registry: an alias that moved
    /// is noticed within this interval.
    public var pollInterval: Duration = .seconds(30)
    /// How a ModelDeployment whose reconcile failed is retried: doubling from `base` up to `cap`.
    public var retryBackoff = Backoff(base: .seconds(1), cap: .seconds(60))
    /// The field manager of the Deployments and Services written with server-side apply.
    public var fieldManager = "trainyard-controller"
    /// A Secret (in each ModelDeployment's namespace) whose MLflow credentials server pods get by reference.
    public var trackingCredentialsSecret: String?
    /// After SIGTERM, how long a server pod keeps answering with readiness failing, so traffic
    /// moves away before it stops accepting (`trainyard serve --drain-seconds`).
    public var drainSeconds = 5
    /// The controller's clock (tests move it instead of sleeping).
    public var now: @Sendable () -> Date = { Date() }

    public init(image: String, mlflow: MLflowConfiguration) {
        self.image = image
        self.mlflow = mlflow
    }
}
