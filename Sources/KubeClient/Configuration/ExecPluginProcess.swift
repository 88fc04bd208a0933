import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns one exec plugin process so that the watchdog and task cancellation can stop it from other
/// threads.
final class ExecPluginProcess: @unchecked Sendable {
    enum StopReason { case timedOut, cancelled }

    private let lock = NSLock()
    private var process: Process?
    private var stopReason: StopReason?

    func stop(reason: StopReason) {
        let process: Process? = lock.withLock {
            if stopReason == nil { stopReason = reason }
            return self.process
        }
        guard let process, process.isRunning else { return }
        process.terminate()
        let pid = process.processIdentifier
        // A plugin that ignores SIGTERM still must not hold the request forever.
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }

    /// Blocks the calling (non-cooperative) thread until the process exits or is stopped.
    func run(
        executable: String, arguments: [String], environment: [String: String], timeout: Double
    ) throws -> ExecPluginRunner.ProcessOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr

        let cancelledBeforeStart = lock.withLock {
            self.process = process
            return stopReason == .cancelled
        }
        if cancelledBeforeStart { throw CancellationError() }
        // The child inherits this thread's signal mask; threads started by the runtime block
        // SIGTERM and others, which would leave the plugin deaf to the watchdog and to Ctrl-C.
        // This thread exists only to run this process, so clearing its mask is harmless.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        do {
            try process.run()
        } catch {
            throw KubeConfigurationError("exec plugin \"\(executable)\" could not be started: \(error)")
        }
        if lock.withLock({ stopReason }) != nil { stop(reason: .cancelled) }

        let output = Output()
        let readers = DispatchGroup()
        for (handle, isStdout) in [(stdout.fileHandleForReading, true), (stderr.fileHandleForReading, false)] {
            readers.enter()
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                output.store(data, stdout: isStdout)
                readers.leave()
            }
        }
        let watchdog = DispatchWorkItem { [weak self] in self?.stop(reason: .timedOut) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        // A grandchild that inherited the pipes can keep them open after the plugin is killed;
        // give up on its output rather than wait for it.
        _ = readers.wait(timeout: .now() + timeout + 5)
        process.waitUntilExit()
        watchdog.cancel()

        let reason = lock.withLock { stopReason }
        if reason == .cancelled { throw CancellationError() }
        let (out, err) = output.snapshot()
        return .init(status: process.terminationStatus, stdout: out, stderr: err, timedOut: reason == .timedOut)
    }

    /// Output collected by the reader threads.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var stdout = Data()
        private var stderr = Data()

        func store(_ data: Data, stdout isStdout: Bool) {
            lock.withLock {
                if isStdout { stdout = data } else { stderr = data }
            }
        }

        func snapshot() -> (Data, Data) {
            lock.withLock { (stdout, stderr) }
        }
    }
}
