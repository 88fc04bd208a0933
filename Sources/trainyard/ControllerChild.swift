import DevRuntime
import Foundation

/// The Trainyard controller that `trainyard dev` runs beside the API server: this binary's
/// `trainyard controller` against the dev cluster's kubeconfig, with leader election as in a real
/// install, metrics and probes on free loopback ports, and its log in a file. Stopped with SIGTERM
/// (the manager drains and releases its lease), then SIGKILL.
final class ControllerChild: @unchecked Sendable {
    // Process is not Sendable; it is touched only in start and stop.
    private let process: Process
    let metricsURL: String
    let readyURL: String
    let logFile: String
    var pid: Int32 { process.processIdentifier }

    private init(process: Process, metricsPort: Int, healthPort: Int, logFile: String) {
        self.process = process
        metricsURL = "http://127.0.0.1:\(metricsPort)/metrics"
        readyURL = "http://127.0.0.1:\(healthPort)/readyz"
        self.logFile = logFile
    }

    /// Starts `trainyard controller` and waits (up to 30 s) until it answers /healthz.
    static func start(executable: String, kubeconfig: String, trackingURI: String?, logFile: String) async throws -> ControllerChild {
        let ports = PortAllocator()
        let (metricsPort, healthPort) = (try ports.allocate(), try ports.allocate())
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = FileHandle(forWritingAtPath: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "controller", "--kubeconfig", kubeconfig, "--leader-elect", "--leader-election-namespace", "default",
            "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "127.0.0.1:\(healthPort)",
        ]
        if let trackingURI { process.arguments! += ["--tracking-uri", trackingURI] }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = ControllerChild(process: process, metricsPort: metricsPort, healthPort: healthPort, logFile: logFile)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw CLIFailure("trainyard controller exited with status \(process.terminationStatus); see \(logFile)")
            }
            // Alive, not ready: readiness waits for the informers, which need the CRDs applied.
            if ChildProcessGroup.answers200(port: healthPort, path: "/healthz") { return child }
            try await Task.sleep(for: .milliseconds(200))
        }
        child.stop()
        throw CLIFailure("trainyard controller did not answer /healthz within 30 s; see \(logFile)")
    }

    func stop() {
        // Within the manager's 25 s shutdown budget, like a pod's default grace period.
        ChildProcessGroup.stop(process, grace: .seconds(30))
    }
}
