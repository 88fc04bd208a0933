import ArgumentParser
import Foundation
import Tracking

/// Where `trainyard train` records its run in MLflow; MLflow's environment variables are the defaults.
struct TrackingOptions: ParsableArguments {
    @Option(help: "MLflow tracking server to record the run in (default: $MLFLOW_TRACKING_URI; none: no tracking).")
    var trackingUri: String?

    @Option(help: "MLflow experiment (created if missing; default: $MLFLOW_EXPERIMENT_NAME, else Default).")
    var experiment: String?

    @Option(help: "An existing MLflow run to record into (default: $MLFLOW_RUN_ID), instead of a new one.")
    var runId: String?

    @Option(help: "Name of the new MLflow run.")
    var runName: String?

    @Option(help: "How long to keep retrying while MLflow is unreachable or failing (seconds) before giving up.")
    var trackingRetrySeconds: Int = 60

    func validate() throws {
        guard trackingRetrySeconds >= 0 else {
            throw ValidationError("--tracking-retry-seconds must be 0 or more, got \(trackingRetrySeconds)")
        }
    }

    /// The MLflow configuration, or nil when no tracking URI is given.
    func configuration(_ environment: [String: String]) throws -> MLflowConfiguration? {
        guard let uri = trackingUri ?? environment["MLFLOW_TRACKING_URI"], !uri.isEmpty else { return nil }
        do {
            var configuration = try MLflowConfiguration.fromEnvironment(environment, trackingURI: uri)
            configuration.retryFor = .seconds(trackingRetrySeconds)
            return configuration
        } catch let error as MLflowError {
            throw CLIFailure("--tracking-uri: \(error.message)")
        }
    }
}
