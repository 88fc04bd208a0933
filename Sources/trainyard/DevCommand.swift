import ArgumentParser
import DevCluster
import DevRuntime
import Foundation
import KubeClient
import Logging

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a local Kubernetes-compatible cluster: the API server, a process runtime for pods, and MLflow.",
        discussion: """
            Serves the Kubernetes API on 127.0.0.1 with bearer-token authentication and writes a kubeconfig for it.
            Pods whose image is the Trainyard image (--image, any tag) run as local processes of this
            trainyard binary; pods with other images stay Pending and say why. With MLflow installed
            (.venv/bin/mlflow or on PATH), an MLflow server runs beside it.

              trainyard dev --state-dir .trainyard/dev &
              export KUBECONFIG=.trainyard/dev/kubeconfig
              kubectl apply -f crds/ && kubectl apply -f examples/

            Ctrl-C or SIGTERM stops the containers (SIGTERM, then SIGKILL after their grace), MLflow and the server.
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

    @Flag(inversion: .prefixedNo, help: "Run pods with the Trainyard image as local processes (the dev cluster's kubelet).")
    var runtime = true

    @Option(help: "The image whose pods run as this trainyard binary (any tag or digest).")
    var image = "ghcr.io/trainyard/trainyard"

    @Flag(inversion: .prefixedNo, help: "Start an MLflow tracking server when mlflow is installed (.venv/bin/mlflow or on PATH).")
    var mlflow = true

    @Option(help: "Port of the MLflow server.")
    var mlflowPort = 5000

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
        let (runtime, image, mlflow, mlflowPort) = (self.runtime, self.image, self.mlflow, self.mlflowPort)
        let mlflowDirectory = stateDir.map { $0 + "/mlflow" } ?? runtimeDirectory + "/mlflow"
        try await server.run { port in
            print("trainyard dev: Kubernetes API on https://\(host):\(port)")
            print("trainyard dev: export KUBECONFIG=\(kubeconfigPath)")
            if runtime {
                do {
                    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                    var configuration = PodRuntimeConfiguration(
                        trainyardImage: image, binaryPath: Bundle.main.executablePath ?? binary, stateDirectory: runtimeDirectory,
                        podLogsDirectory: runtimeDirectory + "/logs")
                    configuration.nodeName = "trainyard-dev"
                    var runtimeLogger = serverLogger
                    runtimeLogger[metadataKey: "component"] = "kubelet"
                    let podRuntime = try PodRuntime(
                        clientConfiguration: try KubeClientConfiguration.fromKubeconfig(path: kubeconfigPath), configuration: configuration,
                        logger: runtimeLogger)
                    stack.startRuntime(podRuntime)
                    print("trainyard dev: pods with image \(image) run as local processes (state in \(runtimeDirectory))")
                } catch {
                    print("trainyard dev: the pod runtime did not start: \(error)")
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
        print("trainyard dev: stopped")
    }
}

/// What `trainyard dev` runs beside the API server, stopped in reverse order when it stops.
final class DevStack: @unchecked Sendable {
    // Touched from the server's ready callback and after it returns; never concurrently.
    private var runtimeTask: Task<Void, any Error>?
    private var mlflowTask: Task<MLflowChild?, Never>?

    func startRuntime(_ runtime: PodRuntime) {
        runtimeTask = Task { try await runtime.run() }
    }

    func startMLflow(executable: String, port: Int, directory: String) {
        mlflowTask = Task {
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
    }

    func stop() async {
        if let runtimeTask {
            runtimeTask.cancel()
            _ = try? await runtimeTask.value
        }
        if let mlflowTask { await mlflowTask.value?.stop() }
    }
}
