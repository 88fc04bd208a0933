import ArgumentParser
import DevCluster
import DevRuntime
import Foundation
import KubeClient
import Logging
import Synchronization

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a local Kubernetes-compatible cluster: pods as processes, workloads, Services, the controller and MLflow.",
        discussion: """
            Serves the Kubernetes API on 127.0.0.1 with bearer-token authentication and writes a kubeconfig for it.
            Pods whose image is the Trainyard image (--image, any tag) run as local processes of this
            trainyard binary; pods with other images stay Pending and say why. Deployments, ReplicaSets and
            Jobs run as on a real cluster, and each Service gets a URL on 127.0.0.1 (printed, and written on
            the Service as the annotation dev.trainyard.io/url). The Trainyard controller runs against it,
            and, with MLflow installed (.venv/bin/mlflow or on PATH), an MLflow server.

              trainyard dev --state-dir .trainyard/dev &
              export KUBECONFIG=.trainyard/dev/kubeconfig
              kubectl apply -f crds/ && kubectl apply -f examples/

            Ctrl-C or SIGTERM stops the controller, the containers (SIGTERM, then SIGKILL after their grace),
            MLflow and the server, and leaves no process behind.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port).")
    var port = 6443

    @Option(help: "Directory where objects persist across restarts (default: memory only).")
    var stateDir: String?

    @Option(help: "Where to write the kubeconfig (default: STATE-DIR/kubeconfig, or ./.trainyard/dev-kubeconfig).")
    var kubeconfig: String?

    @Option(help: "How many past changes a watch may resume from before it gets 410 Gone.")
    var watchHistory = 10_000

    @Option(help: "Seconds between BOOKMARK events on watches that ask for them.")
    var bookmarkInterval = 5

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @Flag(
        inversion: .prefixedNo,
        help:
            "Run pods with the Trainyard image as local processes, the Deployment, ReplicaSet and Job controllers, and a proxy per Service."
    )
    var runtime = true

    @Option(help: "The image whose pods run as this trainyard binary (any tag or digest).")
    var image = "ghcr.io/trainyard/trainyard"

    @Flag(inversion: .prefixedNo, help: "Start an MLflow tracking server when mlflow is installed (.venv/bin/mlflow or on PATH).")
    var mlflow = true

    @Option(help: "Port of the MLflow server.")
    var mlflowPort = 5000

    @Flag(
        inversion: .prefixedNo,
        help: "Run the Trainyard controller (trainyard controller, as a child process with leader election) against this cluster.")
    var controller = true

    /// Where the Trainyard image keeps its sample datasets (the repository's `data/`).
    static let imageDatasets = "/usr/share/trainyard/datasets"

    /// The repository's `data/` as this machine has it: beside the working directory, or above the
    /// built binary (`.build/debug/trainyard`).
    static func datasetsDirectory(binary: String) -> String? {
        let candidates = [
            FileManager.default.currentDirectoryPath + "/data",
            URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("../../../data").standardizedFileURL.path,
        ]
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: \(port) is not a port; expected 0...65535") }
        guard (1...65535).contains(mlflowPort) else {
            throw ValidationError("--mlflow-port: \(mlflowPort) is not a port; expected 1...65535")
        }
        guard watchHistory >= 1 else { throw ValidationError("--watch-history: must be at least 1, got \(watchHistory)") }
        guard bookmarkInterval >= 1 else {
            throw ValidationError("--bookmark-interval: must be at least 1 second, got \(bookmarkInterval)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level: \"\(logLevel)\" is not a level; expected trace, debug, info, notice, warning, error or critical")
        }
    }

    func run() async throws {
        var config = DevServerConfiguration()
        config.host = host
        config.port = port
        config.stateDirectory = stateDir
        config.kubeconfigPath = kubeconfig ?? stateDir.map { $0 + "/kubeconfig" } ?? ".trainyard/dev-kubeconfig"
        config.watchHistoryLimit = watchHistory
        config.bookmarkInterval = .seconds(bookmarkInterval)
        // Pods and their logs live in the state directory, or in a scratch directory for a memory-only server.
        let runtimeDirectory =
            stateDir.map { $0 + "/runtime" }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-dev-\(getpid())").path
        if runtime { config.podLogsDirectory = runtimeDirectory + "/logs" }
        var logger = Logger(label: "trainyard.dev")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = try DevServer(configuration: config, logger: logger)
        let kubeconfigPath = config.kubeconfigPath!
        let host = config.host
        let serverLogger = logger
        let stack = DevStack()
        let (runtime, image, mlflow, mlflowPort, controller) = (self.runtime, self.image, self.mlflow, self.mlflowPort, self.controller)
        let controllerLog = stateDir.map { $0 + "/controller.log" } ?? runtimeDirectory + "/controller.log"
        let mlflowDirectory = stateDir.map { $0 + "/mlflow" } ?? runtimeDirectory + "/mlflow"
        try await server.run(beforeShutdown: { await stack.stop() }) { port in
            print("trainyard dev: Kubernetes API on https://\(host):\(port)")
            print("trainyard dev: export KUBECONFIG=\(kubeconfigPath)")
            if runtime {
                do {
                    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                    var configuration = PodRuntimeConfiguration(
                        trainyardImage: image, binaryPath: Bundle.main.executablePath ?? binary, stateDirectory: runtimeDirectory,
                        podLogsDirectory: runtimeDirectory + "/logs")
                    configuration.nodeName = "trainyard-dev"
                    if let datasets = DevCommand.datasetsDirectory(binary: Bundle.main.executablePath ?? binary) {
                        configuration.imagePaths[DevCommand.imageDatasets] = datasets
                    }
                    var runtimeLogger = serverLogger
                    runtimeLogger[metadataKey: "component"] = "kubelet"
                    let node = try DevNode(
                        clientConfiguration: try KubeClientConfiguration.fromKubeconfig(path: kubeconfigPath),
                        configuration: DevNodeConfiguration(pods: configuration), logger: runtimeLogger,
                        announce: { message in
                            print("trainyard dev: \(message)")
                            fflush(nil)
                        })
                    stack.startRuntime(node)
                    print("trainyard dev: pods with image \(image) run as local processes (state in \(runtimeDirectory))")
                    print("trainyard dev: Deployments, ReplicaSets and Jobs run; each Service gets a URL on 127.0.0.1")
                } catch {
                    print("trainyard dev: the pod runtime did not start: \(error)")
                }
            }
            if controller {
                let binary = Bundle.main.executablePath ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                // With MLflow, TrainingJobs record there; the controller retries until it has started.
                if mlflow && MLflowChild.find() != nil {
                    stack.startController(
                        executable: binary, kubeconfig: kubeconfigPath, trackingURI: "http://127.0.0.1:\(mlflowPort)",
                        logFile: controllerLog)
                } else {
                    // Every controller records in MLflow: without it, it would have nothing to reconcile.
                    print("trainyard dev: the controller is not started: it needs MLflow (run scripts/bootstrap, or drop --no-mlflow)")
                }
            }
            if mlflow {
                if let executable = MLflowChild.find() {
                    // In the background: MLflow takes seconds to start, and the API server serves meanwhile.
                    stack.startMLflow(executable: executable, port: mlflowPort, directory: mlflowDirectory)
                } else {
                    print("trainyard dev: no mlflow found (.venv/bin/mlflow or PATH); run scripts/bootstrap, or pass --no-mlflow")
                }
            }
            fflush(nil)
        }
        await stack.stop()
        if stateDir == nil {
            // A memory-only cluster leaves nothing behind: its pods' scratch and logs, and MLflow's data, go with it.
            try? FileManager.default.removeItem(atPath: runtimeDirectory)
        }
        print("trainyard dev: stopped")
    }
}

/// What `trainyard dev` runs beside the API server, stopped in reverse order when it stops, while
/// the API is still served: the controller, then the pods, then MLflow.
final class DevStack: Sendable {
    private struct Parts {
        var runtime: Task<Void, any Error>?
        var mlflow: Task<MLflowChild?, Never>?
        var controller: Task<ControllerChild?, Never>?
    }
    private let parts = Mutex(Parts())

    func startRuntime(_ runtime: DevNode) {
        parts.withLock { $0.runtime = Task { try await runtime.run() } }
    }

    func startMLflow(executable: String, port: Int, directory: String) {
        let task = Task { () -> MLflowChild? in
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let child = try await MLflowChild.start(
                    executable: executable, port: port, stateDirectory: directory, logFile: directory + "/mlflow.log")
                print("trainyard dev: MLflow on \(child.url) (export MLFLOW_TRACKING_URI=\(child.url))")
                fflush(nil)
                return child
            } catch {
                print("trainyard dev: MLflow did not start: \(error)")
                fflush(nil)
                return nil
            }
        }
        parts.withLock { $0.mlflow = task }
    }

    func startController(executable: String, kubeconfig: String, trackingURI: String?, logFile: String) {
        let task = Task { () -> ControllerChild? in
            do {
                let child = try await ControllerChild.start(
                    executable: executable, kubeconfig: kubeconfig, trackingURI: trackingURI, logFile: logFile)
                print(
                    "trainyard dev: controller running (pid \(child.pid)), ready at \(child.readyURL), metrics at \(child.metricsURL), log in \(logFile)"
                )
                fflush(nil)
                return child
            } catch {
                print("trainyard dev: the controller did not start: \(error)")
                fflush(nil)
                return nil
            }
        }
        parts.withLock { $0.controller = task }
    }

    /// Stops everything started; later calls do nothing.
    func stop() async {
        let parts = self.parts.withLock { parts in
            defer { parts = Parts() }
            return parts
        }
        if let controller = parts.controller { await controller.value?.stop() }
        if let runtime = parts.runtime {
            runtime.cancel()
            _ = try? await runtime.value
        }
        if let mlflow = parts.mlflow { await mlflow.value?.stop() }
    }
}
