import DevCluster
import Foundation
import KubeClient
import Logging

/// A `trainyard dev` API server running in-process on a free port, with a kubeconfig and a
/// private kubectl cache, for integration tests that drive real kubectl against it.
public final class DevClusterHarness: Sendable {
    public let server: DevServer
    public let directory: String
    public let kubeconfig: String
    public let port: Int
    private let task: Task<Void, any Error>

    /// Starts a server. With `stateDirectory`, objects persist there (to test restarts).
    /// `port` 0 picks a free one; a restart test passes the previous server's port. With
    /// `podLogsDirectory`, `pods/log` serves the container logs found there.
    public static func start(
        stateDirectory: String? = nil, watchHistory: Int = 10_000, port requestedPort: Int = 0,
        bookmarkInterval: Duration? = nil, podLogsDirectory: String? = nil
    ) async throws -> DevClusterHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = DevServerConfiguration()
        config.port = requestedPort
        if let bookmarkInterval { config.bookmarkInterval = bookmarkInterval }
        config.stateDirectory = stateDirectory
        config.kubeconfigPath = directory + "/kubeconfig"
        config.watchHistoryLimit = watchHistory
        config.podLogsDirectory = podLogsDirectory
        var logger = Logger(label: "trainyard.dev.test")
        // Cancelling the server at the end of a test logs an error from the HTTP server; that is expected.
        logger.logLevel = .critical
        let server = try DevServer(configuration: config, logger: logger)
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await server.runUntilCancelled { port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var port: Int?
        for await p in ready {
            port = p
            break
        }
        guard let port else {
            task.cancel()
            _ = try await task.value
            throw TimedOut(what: "dev server start", output: "")
        }
        return DevClusterHarness(server: server, directory: directory, kubeconfig: config.kubeconfigPath!, port: port, task: task)
    }

    private init(server: DevServer, directory: String, kubeconfig: String, port: Int, task: Task<Void, any Error>) {
        self.server = server
        self.directory = directory
        self.kubeconfig = kubeconfig
        self.port = port
        self.task = task
    }

    /// Stops the server and waits until it has let go of its port and state.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// A client configuration for this server, read from its kubeconfig as a user's would be.
    /// Rate limits are raised: tests create thousands of objects.
    public func clientConfiguration(qps: Double = 2000, burst: Int = 4000) throws -> KubeClientConfiguration {
        var configuration = try KubeClientConfiguration.fromKubeconfig(path: kubeconfig)
        configuration.qps = qps
        configuration.burst = burst
        return configuration
    }

    /// A client for this server; shut it down at the end of the test.
    public func makeClient(qps: Double = 2000, burst: Int = 4000, observer: (any KubeClientObserver)? = nil) throws -> KubeClient {
        try KubeClient(configuration: try clientConfiguration(qps: qps, burst: burst), observer: observer)
    }

    var environment: [String: String] {
        ["KUBECONFIG": kubeconfig, "KUBECACHEDIR": directory + "/kube-cache", "HOME": directory]
    }

    /// Runs kubectl against this server.
    public func kubectl(_ arguments: String..., stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> CommandResult {
        try await kubectl(arguments: arguments, stdin: stdin, timeout: timeout)
    }

    public func kubectl(arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> CommandResult {
        try await CommandRunner.run(
            try ExternalTool.require("kubectl"), arguments, environment: environment, stdin: stdin, timeout: timeout)
    }

    /// Runs kubectl and fails with its output unless it exits 0.
    @discardableResult
    public func kubectlOK(_ arguments: String..., stdin: String? = nil) async throws -> String {
        try await kubectlOK(arguments: arguments, stdin: stdin)
    }

    @discardableResult
    public func kubectlOK(arguments: [String], stdin: String? = nil) async throws -> String {
        let result = try await kubectl(arguments: arguments, stdin: stdin)
        guard result.succeeded else { throw CommandFailed(command: "kubectl " + arguments.joined(separator: " "), result: result) }
        return result.stdout
    }

    /// Starts kubectl in the background (for `-w` and `wait`).
    public func kubectlInBackground(_ arguments: String...) throws -> RunningCommand {
        try CommandRunner.start(try ExternalTool.require("kubectl"), arguments, environment: environment)
    }
}

/// A command that should have succeeded did not.
public struct CommandFailed: Error, CustomStringConvertible {
    public var command: String
    public var result: CommandResult
    public var description: String { "\(command) failed: \(result)" }
}
