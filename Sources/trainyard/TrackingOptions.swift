import ArgumentParser
import Foundation
import Tracking

/// The MLflow tracking server to talk to; MLflow's environment variables are the defaults
/// (`MLFLOW_TRACKING_URI`, and for credentials `MLFLOW_TRACKING_TOKEN` or `..._USERNAME`/`..._PASSWORD`).
struct MLflowServerOptions: ParsableArguments {
    @Option(help: "MLflow tracking server (default: $MLFLOW_TRACKING_URI).")
    var trackingUri: String?

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

/// Where `trainyard train` records its run in MLflow, and under which name it registers the model.
struct TrackingOptions: ParsableArguments {
    @OptionGroup var server: MLflowServerOptions

    @Option(help: "MLflow experiment (created if missing; default: $MLFLOW_EXPERIMENT_NAME, else Default).")
    var experiment: String?

    @Option(help: "An existing MLflow run to record into (default: $MLFLOW_RUN_ID), instead of a new one.")
    var runId: String?

    @Option(help: "Name of the new MLflow run.")
    var runName: String?

    @Option(help: "Register the logged model as a new version of this registered model (created if missing).")
    var register: String?

    func validate() throws {
        if experiment != nil, runId != nil {
            throw ValidationError("--experiment and --run-id exclude each other: the run already belongs to an experiment")
        }
        if let register {
            guard !register.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--register needs a model name") }
            // MLflow's rule for registered model names; checked before training rather than after.
            if register.contains("/") || register.contains(":") {
                throw ValidationError("--register \(register): a registered model name cannot contain '/' or ':'")
            }
        }
    }
}
