import ArgumentParser
import ControllerRuntime
import Controllers
import Foundation
import KubeClient
import Learn
import Logging
import Tracking

struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Run the Trainyard controller manager.",
        discussion: """
            Connects to the API server (KUBECONFIG, ~/.kube/config, or in-cluster), starts the informers and controllers, and serves /metrics, /healthz and /readyz. Stops cleanly on SIGTERM or Ctrl-C.

            Example, against `trainyard dev`:
              trainyard controller --kubeconfig .trainyard/dev/kubeconfig --metrics-bind-address 127.0.0.1:8080 --health-probe-bind-address 127.0.0.1:8081
            """
    )

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context to use (default: its current-context).")
    var context: String?

    @Option(help: "Namespace to watch (empty: all namespaces).")
    var namespace = ""

    @Flag(help: "Elect one active replica through a Lease, so several can run for availability.")
    var leaderElect = false

    @Option(help: "Namespace of the leader election Lease (default: $POD_NAMESPACE, the pod's namespace, or the kubeconfig's).")
    var leaderElectionNamespace: String?

    @Option(help: "Name of the leader election Lease.")
    var leaderElectionID = "trainyard-controller"

    @Option(help: "Address for Prometheus /metrics ([host]:port; 0 disables).")
    var metricsBindAddress = ":8080"

    @Option(help: "Address for /healthz and /readyz ([host]:port; 0 disables).")
    var healthProbeBindAddress = ":8081"

    @Option(help: "Concurrent reconciles per controller.")
    var workers = 2

    @Option(
        help: "MLflow tracking server for TrainingJobs, reached by the controller and the training pods (default: $MLFLOW_TRACKING_URI).")
    var trackingURI: String?

    @Option(help: "Image of training pods when a TrainingJob gives none.")
    var trainerImage = "ghcr.io/trainyard/trainyard:\(TrainyardVersion.current)"

    @Option(
        help:
            "How long a training pod waits for an unreachable MLflow before its attempt fails, in seconds (never past the job's activeDeadlineSeconds)."
    )
    var trainerTrackingPatience = 1800

    @Option(
        help:
            "How long deleting a TrainingJob waits for MLflow to mark its unfinished run KILLED, in seconds; then the deletion finishes with a Warning event."
    )
    var mlflowCleanupTimeout = 300

    @Option(help: "Image of model server pods when a ModelDeployment gives none (default: --trainer-image; it is the same binary).")
    var serverImage: String?

    @Option(
        help:
            "How often a ModelDeployment's alias is looked up again in the MLflow registry, in seconds: a promotion by a TrainingJob is seen at once, one made elsewhere within this interval."
    )
    var modelPollInterval = 30

    @Option(
        help: ArgumentHelp(
            "A Secret, in each resource's namespace, with MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD: training and model server pods get those keys by reference (each optional), for an MLflow that asks for credentials.",
            valueName: "name"))
    var trackingCredentialsSecret: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat = "text"

    /// --tracking-uri, else $MLFLOW_TRACKING_URI; nil when neither is given.
    var resolvedTrackingURI: String? {
        nonEmpty(trackingURI) ?? nonEmpty(ProcessInfo.processInfo.environment["MLFLOW_TRACKING_URI"])
    }

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers: must be at least 1, got \(workers)") }
        guard trainerTrackingPatience >= 0 else {
            throw ValidationError("--trainer-tracking-patience: must be 0 seconds or more, got \(trainerTrackingPatience)")
        }
        guard mlflowCleanupTimeout >= 0 else {
            throw ValidationError("--mlflow-cleanup-timeout: must be 0 seconds or more, got \(mlflowCleanupTimeout)")
        }
        guard modelPollInterval >= 1 else {
            throw ValidationError("--model-poll-interval: must be 1 second or more, got \(modelPollInterval)")
        }
        try LogSetup.validate(level: logLevel, format: logFormat)
        do {
            _ = try BindAddress.parse(metricsBindAddress, flag: "--metrics-bind-address")
            _ = try BindAddress.parse(healthProbeBindAddress, flag: "--health-probe-bind-address")
        } catch {
            throw ValidationError("\(error)")
        }
        // Every controller needs MLflow: without it there would be nothing to reconcile, and a
        // manager that reconciles nothing must not run and report Ready.
        guard let uri = resolvedTrackingURI else {
            throw ValidationError(
                "--tracking-uri: missing, and MLFLOW_TRACKING_URI is not set; TrainingJobs record their runs in MLflow, so without it there is nothing to reconcile (give the server's URL, such as --tracking-uri http://mlflow.mlflow:5000)"
            )
        }
        do {
            _ = try MLflowConfiguration(trackingURI: uri)
        } catch {
            throw ValidationError("--tracking-uri: \(error)")
        }
    }

    func run() async throws {
        LogSetup.bootstrap(level: logLevel, format: logFormat)
        let logger = Logger(label: "trainyard.controller")
        let environment = ProcessInfo.processInfo.environment
        guard let uri = resolvedTrackingURI else { throw ExitCode(2) }  // validate() said why
        var mlflow = try MLflowConfiguration(trackingURI: uri)
        mlflow.token = nonEmpty(environment["MLFLOW_TRACKING_TOKEN"])
        mlflow.username = nonEmpty(environment["MLFLOW_TRACKING_USERNAME"])
        mlflow.password = nonEmpty(environment["MLFLOW_TRACKING_PASSWORD"])
        // A call retries briefly; beyond that the work queue retries the job with back-off,
        // so one job waiting for MLflow does not hold a worker.
        mlflow.retryFor = .seconds(10)
        let clientConfiguration: KubeClientConfiguration
        do {
            clientConfiguration = try KubeClientConfiguration.load(kubeconfigPath: kubeconfig, context: context)
        } catch {
            logger.critical("cannot load the Kubernetes client configuration", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        var election: LeaderElectionConfiguration?
        if leaderElect {
            let electionNamespace =
                leaderElectionNamespace ?? environment["POD_NAMESPACE"] ?? clientConfiguration.namespace ?? "default"
            election = LeaderElectionConfiguration(leaseName: leaderElectionID, namespace: electionNamespace)
        }
        let manager = try Manager(
            clientConfiguration: clientConfiguration,
            configuration: ManagerConfiguration(
                namespace: namespace, leaderElection: election,
                metricsAddress: try BindAddress.parse(metricsBindAddress, flag: "--metrics-bind-address"),
                healthAddress: try BindAddress.parse(healthProbeBindAddress, flag: "--health-probe-bind-address"),
                workers: workers),
            logger: logger)
        logger.info(
            "starting the controller manager",
            metadata: [
                "server": "\(clientConfiguration.server)", "config": "\(clientConfiguration.source)",
                "namespace": "\(namespace.isEmpty ? "<all>" : namespace)", "leaderElection": "\(leaderElect)",
            ])
        var settings = TrainingJobSettings(image: trainerImage, mlflow: mlflow)
        settings.trainerTrackingRetrySeconds = trainerTrackingPatience
        settings.cleanupTrackingTimeout = .seconds(mlflowCleanupTimeout)
        settings.trackingCredentialsSecret = nonEmpty(trackingCredentialsSecret)
        TrainingJobController.register(with: manager, settings: settings, logger: logger)
        var serving = ModelDeploymentSettings(image: serverImage ?? trainerImage, mlflow: mlflow)
        serving.pollInterval = .seconds(modelPollInterval)
        serving.trackingCredentialsSecret = nonEmpty(trackingCredentialsSecret)
        ModelDeploymentController.register(with: manager, settings: serving, logger: logger)
        logger.info(
            "reconciling TrainingJobs and ModelDeployments",
            metadata: ["mlflow": "\(uri)", "trainerImage": "\(trainerImage)", "serverImage": "\(serverImage ?? trainerImage)"])
        do {
            try await manager.run()
        } catch {
            logger.critical("the controller manager stopped with an error", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("the controller manager stopped")
    }
}
