import Foundation
import Synchronization

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var succeeded: Bool { status == 0 }
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs external commands for tests, with a deadline so a hung tool fails the test instead of CI.
public enum CommandRunner {
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> CommandResult {
        let process = try start(executable, arguments, environment: environment, stdin: stdin)
        return try await process.wait(timeout: timeout)
    }

    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws
        -> RunningCommand
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        let running = RunningCommand(process: process, out: out, err: err)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return running
    }
}

/// A command running in the background (such as `kubectl get -w`), whose output can be read while it runs.
public final class RunningCommand: @unchecked Sendable {
    let process: Process
    private let outBuffer = Mutex<Data>(Data())
    private let errBuffer = Mutex<Data>(Data())

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        out.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.outBuffer.withLock { $0.append(d) }
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.errBuffer.withLock { $0.append(d) }
        }
    }

    public var stdout: String { outBuffer.withLock { String(decoding: $0, as: UTF8.self) } }
    public var stderr: String { errBuffer.withLock { String(decoding: $0, as: UTF8.self) } }
    public var isRunning: Bool { process.isRunning }
    /// The process id (also its process group and session id when started through `setsid`).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until `condition` holds for stdout, polling, or throws at the deadline.
    public func waitForOutput(timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(stdout) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TimedOut(what: "output condition", output: "stdout:\n\(stdout)\nstderr:\n\(stderr)")
    }

    /// Waits for exit; kills the process and throws at the deadline.
    public func wait(timeout: Duration) async throws -> CommandResult {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                process.terminate()
                throw TimedOut(
                    what: "\(process.executableURL?.lastPathComponent ?? "command") \(process.arguments ?? [])",
                    output: "stdout:\n\(stdout)\nstderr:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Let the readability handlers drain what is left in the pipes.
        try await Task.sleep(for: .milliseconds(30))
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    public func terminate() {
        if process.isRunning { process.terminate() }
    }

    public func signal(_ sig: Int32) {
        kill(process.processIdentifier, sig)
    }
}

/// A command or condition did not finish in time.
public struct TimedOut: Error, CustomStringConvertible {
    public var what: String
    public var output: String
    public var description: String { "timed out waiting for \(what)\n\(output)" }
}
