import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A peer model server that the serving tests compare with (`mlflow models serve`, MLServer),
/// started as the leader of its own process group (Foundation does that) so ``stop()`` ends its
/// children too (uvicorn, workers), and ready once a probe URL answers 200.
public final class PeerServer: Sendable {
    public let name: String
    public let url: String
    public let port: Int
    private let process: RunningCommand

    private init(name: String, url: String, port: Int, process: RunningCommand) {
        self.name = name
        self.url = url
        self.port = port
        self.process = process
    }

    /// What the server wrote to stderr so far (its last 3000 characters), for failure messages.
    public var log: String { String(process.stderr.suffix(3000)) }

    /// Starts `executable` with `arguments` and waits until `GET url + readyPath` answers 200.
    /// Throws ``PeerServerFailed`` (after stopping it) when it exits or is not ready in time.
    public static func start(
        _ name: String, executable: String, arguments: [String], environment: [String: String] = [:], port: Int,
        readyPath: String, timeout: Duration = .seconds(90)
    ) async throws -> PeerServer {
        let process = try CommandRunner.start(executable, arguments, environment: environment)
        let server = PeerServer(name: name, url: "http://127.0.0.1:\(port)", port: port, process: process)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let log = server.log
                await server.stop()
                throw PeerServerFailed(message: "\(name) exited during start-up:\n\(log)")
            }
            // A new connection per poll: a pooled one left idle past the peer's keep-alive time is closed under a later request.
            if let (status, _) = try? await HTTPFetch.get(server.url + readyPath, timeout: .seconds(2), newConnection: true), status == 200
            {
                return server
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = server.log
        await server.stop()
        throw PeerServerFailed(message: "\(name) did not answer \(readyPath) with 200 within \(timeout):\n\(log)")
    }

    /// SIGTERM to the whole process group, then SIGKILL to whatever is left after `grace`.
    public func stop(grace: Duration = .seconds(5)) async {
        let group = process.processIdentifier
        guard group > 0 else { return }
        kill(-group, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        kill(-group, SIGKILL)
    }
}

/// A peer server did not start.
public struct PeerServerFailed: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
