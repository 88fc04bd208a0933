import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `mlflow server` (from `.venv`, pinned in scripts/requirements.txt) on a free loopback
/// port, with a SQLite backend and `--serve-artifacts` in a temporary directory: what the tracking
/// tests talk to. Foundation starts it as the leader of its own process group, which its worker
/// processes join, so ``stop()`` can end them all.
public final class MLflowServer: Sendable {
    public let url: String
    public let port: Int
    public let directory: String
    private let process: RunningCommand

    private init(url: String, port: Int, directory: String, process: RunningCommand) {
        self.url = url
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts the server and waits until `/health` answers (about 10 s). Throws ``ToolMissing``
    /// when mlflow is not installed.
    ///
    /// - Parameters:
    ///   - port: the port; by default a free one.
    ///   - directory: the state to serve, such as a stopped server's `directory` to start it again; by default a new one.
    public static func start(timeout: Duration = .seconds(90), port: Int? = nil, directory: String? = nil) async throws -> MLflowServer {
        let mlflow = try ExternalTool.require("mlflow")
        let directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-mlflow-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory + "/artifacts", withIntermediateDirectories: true)
        let port = try port ?? freeLoopbackPort()
        let process = try CommandRunner.start(
            mlflow,
            [
                "server", "--host", "127.0.0.1", "--port", "\(port)", "--workers", "1", "--backend-store-uri",
                "sqlite:///\(directory)/mlflow.db", "--artifacts-destination", directory + "/artifacts", "--serve-artifacts",
            ],
            // As trainyard dev starts it: a SQLite connection per request (see MLflowChild).
            environment: ["MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_SQLALCHEMYSTORE_POOLCLASS": "NullPool"])
        let server = MLflowServer(url: "http://127.0.0.1:\(port)", port: port, directory: directory, process: process)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw MLflowServerFailed(message: "mlflow server exited during start-up:\n\(process.stderr.suffix(3000))")
            }
            if let (status, _) = try? await HTTPFetch.get(server.url + "/health"), status == 200 { return server }
            try await Task.sleep(for: .milliseconds(250))
        }
        await server.stop()
        throw MLflowServerFailed(message: "mlflow server did not answer /health within \(timeout):\n\(process.stderr.suffix(3000))")
    }

    /// Stops the server (SIGTERM, which it passes on to its worker), then SIGKILLs whatever of its
    /// process group is left after `grace`, and removes its files unless `keepingFiles`. A zero
    /// grace is a crash: the port refuses connections at once.
    public func stop(keepingFiles: Bool = false, grace: Duration = .seconds(10)) async {
        let group = process.processIdentifier
        if group > 0, grace > .zero { kill(group, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if group > 0 { kill(-group, SIGKILL) }
        if !keepingFiles { try? FileManager.default.removeItem(atPath: directory) }
    }
}

public struct MLflowServerFailed: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bound and released).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw MLflowServerFailed(message: "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw MLflowServerFailed(message: "bind() failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A suite trait that starts one real MLflow server for the whole suite and stops it afterwards
/// (also when a test fails), so no server outlives the tests: `@Suite(.mlflowServer)`, then
/// ``MLflowServerScope/server()`` inside a test.
public struct MLflowServerScope: SuiteTrait, TestScoping {
    @TaskLocal static var current: MLflowServer?

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await MLflowServer.start()
        do {
            try await Self.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The suite's server; throws outside a suite marked `.mlflowServer`.
    public static func server() throws -> MLflowServer {
        guard let current else {
            throw MLflowServerFailed(message: "no MLflow server: mark the suite @Suite(.mlflowServer)")
        }
        return current
    }
}

extension Trait where Self == MLflowServerScope {
    /// Runs the suite with one real `mlflow server` (see ``MLflowServerScope``).
    public static var mlflowServer: Self { MLflowServerScope() }
}
