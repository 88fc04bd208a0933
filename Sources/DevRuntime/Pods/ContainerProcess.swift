import Foundation

/// A container running as a local process in its own process group, its output appended to a
/// log file. Signals go to the whole group, so children the container started stop with it.
final class ContainerProcess: @unchecked Sendable {
    // Process is not Sendable; it is only touched in `start` and by its termination handler.
    private let process: Process
    let pid: Int32
    private let exited: Task<Int32, Never>

    private init(process: Process, exit: AsyncStream<Int32>) {
        self.process = process
        self.pid = process.processIdentifier
        self.exited = Task {
            for await code in exit { return code }
            return 137
        }
    }

    /// Starts `plan` with stdout and stderr appended to `logFile`.
    static func start(_ plan: LaunchPlan, logFile: String) throws -> ContainerProcess {
        let manager = FileManager.default
        for directory in plan.directories + [(logFile as NSString).deletingLastPathComponent] {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        for (path, contents) in plan.files {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(contents).write(to: URL(fileURLWithPath: path))
        }
        if !manager.fileExists(atPath: plan.workingDirectory) {
            try manager.createDirectory(atPath: plan.workingDirectory, withIntermediateDirectories: true)
        }
        // A fresh termination message file per start: a restart must not report the last run's message.
        try? manager.removeItem(atPath: plan.terminationMessageFile)
        if !manager.fileExists(atPath: logFile) { manager.createFile(atPath: logFile, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logFile) else {
            throw LaunchError(reason: "RunContainerError", message: "cannot open the log file \(logFile)", retryable: false)
        }
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: plan.executable)
        process.arguments = plan.arguments
        process.environment = plan.environment
        process.currentDirectoryURL = URL(fileURLWithPath: plan.workingDirectory)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            // Kubernetes reports a death by signal N as exit code 128 + N.
            let code =
                finished.terminationReason == .uncaughtSignal ? 128 + finished.terminationStatus : finished.terminationStatus
            continuation.yield(code)
            continuation.finish()
            try? log.close()
        }
        do {
            try process.run()
        } catch {
            try? log.close()
            throw LaunchError(
                reason: "RunContainerError", message: "cannot start \(plan.executable): \((error as NSError).localizedDescription)",
                retryable: false)
        }
        return ContainerProcess(process: process, exit: stream)
    }

    /// Sends `signal` to the process group (Foundation makes the process a group leader).
    func signal(_ signal: Int32) {
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// The exit code, once the process has ended (128 + N after signal N).
    func waitForExit() async -> Int32 {
        await exited.value
    }
}
