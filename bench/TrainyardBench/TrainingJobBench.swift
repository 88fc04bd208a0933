import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Synchronization
import TrainyardAPI

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `make bench-trainingjobs`: many TrainingJobs applied at once against the whole dev stack as a
/// user runs it (`trainyard dev`: the API server, the pod runtime, MLflow, and the controller as
/// its own process). Each job trains a tiny model in its own pod, records an MLflow run and
/// registers a model of its own. Reports the wall time until every job has finished, apply ->
/// pod-created latency, the controller's peak RSS and its API writes per job.
enum TrainingJobBench {
    static let namespace = "bench-trainingjobs"

    /// `trainyard-bench trainingjobs PATH-TO-trainyard [jobs]`, from the repository root (it uses
    /// `.venv/bin/kubectl`, `.venv/bin/mlflow`, crds/ and data/).
    static func run(_ arguments: ArraySlice<String>) async throws {
        guard let trainyard = arguments.first else { throw BenchError("usage: trainyard-bench trainingjobs PATH-TO-trainyard [jobs]") }
        let jobs = arguments.dropFirst().first.flatMap { Int($0) } ?? 200
        let root = FileManager.default.currentDirectoryPath
        let kubectl = root + "/.venv/bin/kubectl"
        guard FileManager.default.isExecutableFile(atPath: kubectl),
            FileManager.default.isExecutableFile(atPath: root + "/.venv/bin/mlflow")
        else { throw BenchError("run from the repository root after scripts/bootstrap: .venv/bin/kubectl and .venv/bin/mlflow are needed") }

        let stack = try await DevStack.start(binary: trainyard)
        defer { stack.stop() }
        try runTool(kubectl, ["--kubeconfig", stack.kubeconfig, "apply", "-f", root + "/crds/"])
        try runTool(kubectl, ["--kubeconfig", stack.kubeconfig, "wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"])
        try await stack.waitForController()

        var configuration = try KubeClientConfiguration.fromKubeconfig(path: stack.kubeconfig)
        configuration.qps = 1000
        configuration.burst = 2000
        let client = try KubeClient(configuration: configuration)
        try await client.ensureNamespace(namespace)

        let timings = JobTimings()
        let pods = Informer<DynamicObject>(client: client, type: .pods, namespace: namespace)
        pods.addHandler(
            EventHandler(onAdd: { pod in
                guard let job = pod.metadata.labels?["trainyard.dev/training-job"] else { return }
                let now = ContinuousClock.now
                timings.podCreated.withLock { if $0[job] == nil { $0[job] = now } }
            }))
        let trainingJobs = Informer<TrainingJob>(client: client, type: TrainingJob.resourceType, namespace: namespace)
        let record: @Sendable (TrainingJob) -> Void = { job in
            guard let name = job.metadata.name else { return }
            let now = ContinuousClock.now
            if job.status?.runId != nil { timings.runRecorded.withLock { if $0[name] == nil { $0[name] = now } } }
            guard let phase = job.status?.phase, phase == .succeeded || phase == .failed else { return }
            timings.finished.withLock { if $0[name] == nil { $0[name] = (now, phase == .succeeded) } }
        }
        trainingJobs.addHandler(EventHandler(onAdd: record, onUpdate: { _, new in record(new) }))
        let watching = [Task { try await pods.run() }, Task { try await trainingJobs.run() }]
        await pods.waitForSync()
        await trainingJobs.waitForSync()

        let writesBefore = try await stack.controllerWrites()
        let names = (0..<jobs).map { String(format: "tiny-%03d", $0) }
        let started = ContinuousClock.now
        try await concurrentForEach(names.indices, limit: 16) { index in
            let name = names[index]
            timings.sent.withLock { $0[name] = .now }
            _ = try await client.create(Self.job(name))
        }
        let applied = ContinuousClock.now - started
        let deadline = ContinuousClock.now + .seconds(1800)
        while timings.finished.withLock({ $0.count }) < jobs, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        // Let the last status writes and events of the finished jobs land before counting.
        try await Task.sleep(for: .seconds(2))
        let writesAfter = try await stack.controllerWrites()
        let peakRSS = stack.controllerPeakRSS()
        let mlflowRequests = stack.mlflowRequests()
        for task in watching { task.cancel() }
        for task in watching { _ = try? await task.value }
        try await client.shutdown()

        let (sent, created, finished) = (
            timings.sent.withLock { $0 }, timings.podCreated.withLock { $0 }, timings.finished.withLock { $0 }
        )
        let succeeded = finished.values.filter(\.succeeded).count
        guard finished.count == jobs else {
            throw BenchError("\(finished.count) of \(jobs) jobs finished within 30 minutes (\(succeeded) succeeded)")
        }
        let recorded = timings.runRecorded.withLock { $0 }
        let toRun = names.compactMap { name in recorded[name].flatMap { run in sent[name].map { run - $0 } } }.sorted()
        let latencies = names.compactMap { name in created[name].flatMap { pod in sent[name].map { pod - $0 } } }.sorted()
        guard latencies.count == jobs else { throw BenchError("\(latencies.count) of \(jobs) jobs got a pod") }
        let wall = finished.values.map(\.at).max()! - started
        var writes: [String: Double] = [:]
        for (verb, count) in writesAfter { writes[verb] = (count - (writesBefore[verb] ?? 0)) / Double(jobs) }
        let total = writes.values.reduce(0, +)
        let byVerb = writes.filter { $0.value > 0 }.sorted { $0.key < $1.key }
            .map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", ")

        print(
            """
            ### TrainingJobs at scale

            | measurement | value |
            |---|---|
            | jobs applied at once (16 creates in flight) | \(jobs), all created in \(ControllerBench.format(applied)) |
            | jobs Succeeded | \(succeeded) of \(jobs) |
            | wall time, first create -> last job finished | \(String(format: "%.1f s", wall.seconds)) |
            | apply -> pod created, p50 | \(ControllerBench.format(ControllerBench.percentile(latencies, 0.5))) |
            | apply -> pod created, p99 | \(ControllerBench.format(ControllerBench.percentile(latencies, 0.99))) |
            | apply -> pod created, max | \(ControllerBench.format(latencies.last!)) |
            | of which apply -> MLflow run in status, p50 | \(toRun.isEmpty ? "-" : ControllerBench.format(ControllerBench.percentile(toRun, 0.5))) |
            | controller peak RSS (VmHWM) | \(String(format: "%.1f MiB", Double(peakRSS) / 1_048_576)) |
            | controller API writes per job | \(String(format: "%.2f", total)) (\(byVerb)) |
            | MLflow requests per job (controller and trainer) | \(String(format: "%.1f", Double(mlflowRequests) / Double(jobs))) |
            """)
    }

    /// A tiny job: 5 trees on the 569-row breast cancer set, registered under a model name of its own.
    static func job(_ name: String) -> TrainingJob {
        var job = TrainingJob(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: TrainingJobSpec(
                data: TrainingData(source: "/usr/share/trainyard/datasets/breast_cancer.csv", target: "diagnosis"),
                task: .classification, model: ModelSpec(type: .gbdt, params: ["numTrees": 5, "maxDepth": 3]),
                register: RegisterSpec(modelName: "bench-\(name)", promotion: PromotionPolicy(metric: "auc"))))
        job.spec.experiment = "bench"
        job.spec.seed = 7
        return job
    }
}

/// Per job: when its create was sent, when its pod was first seen, and when it finished.
final class JobTimings: Sendable {
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    let podCreated = Mutex<[String: ContinuousClock.Instant]>([:])
    let runRecorded = Mutex<[String: ContinuousClock.Instant]>([:])
    let finished = Mutex<[String: (at: ContinuousClock.Instant, succeeded: Bool)]>([:])
}

/// Runs a command to completion; its output goes to this process's stderr only on failure.
func runTool(_ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed:\n\(String(decoding: data, as: UTF8.self))")
    }
}

/// `trainyard dev` with everything on (pods, MLflow, the controller as a child process), as a
/// user starts it; what it prints tells where the controller's probes and metrics are.
final class DevStack {
    let process: Process
    let directory: String
    var kubeconfig: String { directory + "/kubeconfig" }
    private(set) var controllerPID: Int32 = 0
    private(set) var readyURL = ""
    private(set) var metricsURL = ""

    private init(process: Process, directory: String) {
        self.process = process
        self.directory = directory
    }

    static func start(binary: String) async throws -> DevStack {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = directory + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "dev", "--port", "0", "--state-dir", directory, "--mlflow-port", String(try freePort()), "--log-level", "error",
        ]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = FileHandle.nullDevice
        try process.run()
        let stack = DevStack(process: process, directory: directory)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("controller running (pid") }) {
                let words = line.split(separator: " ")
                for (index, word) in words.enumerated() {
                    if word == "(pid", index + 1 < words.count { stack.controllerPID = Int32(words[index + 1].dropLast(2)) ?? 0 }
                    if word == "at", index + 1 < words.count {
                        let url = String(words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ",")))
                        if stack.readyURL.isEmpty { stack.readyURL = url } else if stack.metricsURL.isEmpty { stack.metricsURL = url }
                    }
                }
                if stack.controllerPID > 0, !stack.metricsURL.isEmpty, text.contains("MLflow on") { return stack }
            }
            if text.contains("the controller did not start") || text.contains("MLflow did not start") || !process.isRunning {
                stack.stop()
                throw BenchError("trainyard dev did not start everything:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stack.stop()
        throw BenchError("trainyard dev did not report its controller and MLflow within 120 s (log: \(log))")
    }

    /// Ready once its informers have synced, which needs the CRDs.
    func waitForController() async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: readyURL)!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("the controller was not ready at \(readyURL) within 120 s")
    }

    /// The controller's API write requests so far, by verb (`rest_client_requests_total`).
    func controllerWrites() async throws -> [String: Double] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: metricsURL)!)
        var writes: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("rest_client_requests_total{") {
            guard let verbRange = line.range(of: "verb=\""), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                continue
            }
            let verb = line[verbRange.upperBound...].prefix { $0 != "\"" }
            guard ["create", "update", "patch", "apply", "delete"].contains(String(verb)) else { continue }
            writes[String(verb), default: 0] += value
        }
        return writes
    }

    /// The controller process's peak resident set size (VmHWM in /proc/PID/status), in bytes.
    func controllerPeakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(controllerPID)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Requests MLflow has answered so far (its access log: one line per request).
    func mlflowRequests() -> Int {
        let text = (try? String(contentsOfFile: directory + "/mlflow/mlflow.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains(" HTTP/1.1\" ") && !$0.contains("GET /health") }.count
    }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: directory + ".log")
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw BenchError("bind() failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
