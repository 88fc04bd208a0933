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
    private let out = OutputBuffer()
    private let err = OutputBuffer()

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        self.out.pump(out.fileHandleForReading)
        self.err.pump(err.fileHandleForReading)
    }

    public var stdout: String { out.text }
    public var stderr: String { err.text }
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
        // Let the readability handlers drain what is left in the pipes, up to their end of file (which
        // a grandchild that inherited them could hold back: then at most 5 s).
        let drained = ContinuousClock.now + .seconds(5)
        while !(out.isClosed && err.isClosed), ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(5))
        }
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

/// What a command wrote to one pipe, read to its end on a thread of its own, in order (readability
/// handlers can run out of order under load and lose the tail).
private final class OutputBuffer: Sendable {
    private let state = Mutex<(data: Data, closed: Bool)>((Data(), false))

    var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }
    var isClosed: Bool { state.withLock { $0.closed } }

    func pump(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let fd = handle.fileDescriptor
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    state.withLock { $0.data.append(contentsOf: chunk[0..<count]) }
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            state.withLock { $0.closed = true }
        }
        thread.start()
    }
}
