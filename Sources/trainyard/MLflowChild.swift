import Foundation

/// An `mlflow server` that `trainyard dev` runs beside the API server: sqlite and artifacts in the
/// state directory, artifacts served through the tracking server, loopback only. Stopped with
/// SIGTERM to its process group (gunicorn/uvicorn workers included), then SIGKILL.
final class MLflowChild: @unchecked Sendable {
    // Process is not Sendable; it is touched only in start and stop.
    private let process: Process
    let url: String

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    /// The mlflow executable: `.venv/bin/mlflow` beside the working directory, else on PATH.
    static func find() -> String? {
        let local = FileManager.default.currentDirectoryPath + "/.venv/bin/mlflow"
        if FileManager.default.isExecutableFile(atPath: local) { return local }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/mlflow"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Starts the server and waits (up to 60 s) until it answers /health.
    static func start(executable: String, port: Int, stateDirectory: String, logFile: String) async throws -> MLflowChild {
        let directory = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: directory + "/mlflow-artifacts", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = FileHandle(forWritingAtPath: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1", "--backend-store-uri",
            "sqlite:///\(directory)/mlflow.db", "--artifacts-destination", "\(directory)/mlflow-artifacts", "--serve-artifacts",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        // A connection per request: with SQLite, MLflow's default pool (5 + 10 overflow) runs dry
        // under tens of concurrent trainers and every call then waits 30 s and fails.
        environment["MLFLOW_SQLALCHEMYSTORE_POOLCLASS"] = "NullPool"
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = MLflowChild(process: process, url: "http://127.0.0.1:\(port)")
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw CLIFailure(
                    "mlflow server exited with status \(process.terminationStatus); see \(logFile) (port \(port) busy? use --mlflow-port)")
            }
            if await healthy(port: port) { return child }
            try await Task.sleep(for: .milliseconds(250))
        }
        child.stop()
        throw CLIFailure("mlflow server did not answer on port \(port) within 60 s; see \(logFile)")
    }

    func stop() {
        ChildProcessGroup.stop(process, grace: .seconds(10))
    }

    private static func healthy(port: Int) async -> Bool {
        ChildProcessGroup.answers200(port: port, path: "/health")
    }
}
