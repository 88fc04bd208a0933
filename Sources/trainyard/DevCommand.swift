import ArgumentParser
import DevCluster
import Foundation
import Logging

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a local Kubernetes-compatible API server for kubectl and the controller.",
        discussion: """
            Serves the Kubernetes API on 127.0.0.1 with bearer-token authentication and writes a kubeconfig for it:

              trainyard dev --state-dir .trainyard/dev &
              export KUBECONFIG=.trainyard/dev/kubeconfig
              kubectl apply -f crds/ && kubectl apply -f examples/
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

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: \(port) is not a port; expected 0...65535") }
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
        var logger = Logger(label: "trainyard.dev")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = try DevServer(configuration: config, logger: logger)
        let kubeconfigPath = config.kubeconfigPath!
        let host = config.host
        try await server.run { port in
            print("trainyard dev: Kubernetes API on https://\(host):\(port)")
            print("trainyard dev: export KUBECONFIG=\(kubeconfigPath)")
            fflush(nil)
        }
    }
}
