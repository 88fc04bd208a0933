import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `make bench-controller`: measures the controller runtime against a `trainyard dev` API server
/// running as its own process (so this process's memory is the client's alone):
/// - create -> first reconcile latency (p50, p99) for 1,000 objects;
/// - informer memory (RSS growth) holding 5,000 ConfigMaps;
/// - API requests per no-op reconcile (resyncs that read only the cache).
enum ControllerBench {
    /// `trainyard-bench controller PATH-TO-trainyard [objects-for-latency] [objects-for-memory]`
    static func run(_ arguments: ArraySlice<String>) async throws {
        guard let trainyard = arguments.first else {
            throw BenchError("usage: trainyard-bench controller PATH-TO-trainyard [objects-for-latency] [objects-for-memory]")
        }
        let latencyObjects = arguments.dropFirst().first.flatMap { Int($0) } ?? 1000
        let memoryObjects = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 5000

        let dev = try DevProcess.start(binary: trainyard)
        defer { dev.stop() }
        var configuration = try KubeClientConfiguration.fromKubeconfig(path: dev.kubeconfig)
        configuration.qps = 5000
        configuration.burst = 10000

        let latency = try await measureLatency(configuration, objects: latencyObjects)
        let memory = try await measureMemory(configuration, objects: memoryObjects)
        let requests = try await measureNoOpRequests(configuration)

        let table = """
            ### Controller runtime

            | measurement | value |
            |---|---|
            | create -> first reconcile, p50 (\(latencyObjects) objects, 2 workers) | \(format(latency.p50)) |
            | create -> first reconcile, p99 | \(format(latency.p99)) |
            | create -> first reconcile, max | \(format(latency.max)) |
            | informer RSS growth holding \(memoryObjects) ConfigMaps | \(String(format: "%.1f", memory.growthMiB)) MiB (\(String(format: "%.2f", memory.bytesPerObject / 1024)) KiB/object) |
            | process RSS with the informer synced | \(String(format: "%.1f", memory.totalMiB)) MiB |
            | informer initial sync of \(memoryObjects) objects | \(format(memory.syncTime)) |
            | API requests per no-op reconcile (\(requests.reconciles) resync reconciles) | \(String(format: "%.3f", requests.perReconcile)) |
            """
        print(table)
    }

    static func format(_ duration: Duration) -> String {
        let ms = duration.seconds * 1000
        return ms < 10 ? String(format: "%.2f ms", ms) : String(format: "%.1f ms", ms)
    }

    static func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
        sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// Starts a manager with one controller over ConfigMaps in a fresh namespace, then creates
    /// objects 8 at a time and records, per object, create-sent -> first reconcile.
    static func measureLatency(_ configuration: KubeClientConfiguration, objects: Int) async throws -> (
        p50: Duration, p99: Duration, max: Duration
    ) {
        let namespace = "bench-latency"
        let client = try KubeClient(configuration: configuration)
        try await client.ensureNamespace(namespace)
        let timings = Timings()
        let manager = try Manager(clientConfiguration: configuration, configuration: ManagerConfiguration(namespace: namespace, workers: 2))
        manager.controller(name: "bench") { key in
            let now = ContinuousClock.now
            if let start = timings.sent.withLock({ $0[key.name] }) {
                timings.seen.withLock { if $0[key.name] == nil { $0[key.name] = now - start } }
            }
            return .awaitChange
        }.watchPrimary(manager.informer(ConfigMap.self))
        let run = Task { try await manager.run(signals: []) }
        try await Task.sleep(for: .milliseconds(500))
        try await concurrentForEach(0..<objects, limit: 8) { index in
            let name = "obj-\(index)"
            timings.sent.withLock { $0[name] = .now }
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace), data: ["k": "v"]))
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while timings.seen.withLock({ $0.count }) < objects && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        run.cancel()
        _ = try? await run.value
        try await client.shutdown()
        let sorted = timings.seen.withLock { $0.values.sorted() }
        guard sorted.count == objects else { throw BenchError("only \(sorted.count) of \(objects) objects were reconciled") }
        return (percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.last!)
    }

    static func measureMemory(_ configuration: KubeClientConfiguration, objects: Int) async throws -> (
        growthMiB: Double, bytesPerObject: Double, totalMiB: Double, syncTime: Duration
    ) {
        let namespace = "bench-memory"
        let client = try KubeClient(configuration: configuration)
        try await client.ensureNamespace(namespace)
        try await concurrentForEach(0..<objects, limit: 16) { index in
            _ = try await client.create(
                ConfigMap(
                    metadata: ObjectMeta(name: "cm-\(index)", namespace: namespace, labels: ["app": "bench", "shard": "\(index % 16)"]),
                    data: ["config.yaml": String(repeating: "x", count: 256)]))
        }
        let before = residentBytes()
        let informer = Informer<ConfigMap>(client: client, type: .configMaps, namespace: namespace)
        let started = ContinuousClock.now
        let run = Task { try await informer.run() }
        await informer.waitForSync()
        let syncTime = ContinuousClock.now - started
        try await Task.sleep(for: .milliseconds(500))
        let after = residentBytes()
        guard informer.store.count == objects else { throw BenchError("the informer holds \(informer.store.count) of \(objects) objects") }
        run.cancel()
        _ = try? await run.value
        try await client.shutdown()
        let growth = Double(after - before)
        return (growth / 1_048_576, growth / Double(objects), Double(after) / 1_048_576, syncTime)
    }

    /// Resyncs every 300 ms replay the cache; the reconcile reads only the cache. Counts API
    /// requests the manager's client makes while those reconciles run.
    static func measureNoOpRequests(_ configuration: KubeClientConfiguration) async throws -> (reconciles: Int, perReconcile: Double) {
        let namespace = "bench-latency"
        let reconciles = Mutex(0)
        let manager = try Manager(
            clientConfiguration: configuration,
            configuration: ManagerConfiguration(namespace: namespace, workers: 2, resyncPeriod: .milliseconds(300)))
        let informer = manager.informer(ConfigMap.self)
        manager.controller(name: "noop") { key in
            _ = informer.store.get(key)
            reconciles.withLock { $0 += 1 }
            return .awaitChange
        }.watchPrimary(informer)
        let run = Task { try await manager.run(signals: []) }
        await informer.waitForSync()
        try await Task.sleep(for: .seconds(1))
        let requestsBefore = manager.metrics.apiRequestTotal
        let reconcilesBefore = reconciles.withLock { $0 }
        try await Task.sleep(for: .seconds(3))
        let requests = manager.metrics.apiRequestTotal - requestsBefore
        let count = reconciles.withLock { $0 } - reconcilesBefore
        run.cancel()
        _ = try? await run.value
        guard count > 0 else { throw BenchError("no resync reconciles ran") }
        return (count, Double(requests) / Double(count))
    }

    /// Resident set size from /proc/self/statm (Linux), after handing freed heap back to the
    /// system, so it counts what is live (the cache) rather than what decoding the list left free.
    static func residentBytes() -> Int {
        // glibc's malloc_trim is not in the Glibc module map; look it up at run time.
        if let symbol = dlsym(nil, "malloc_trim") {
            _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// When each object's create was sent and how long until its first reconcile.
final class Timings: Sendable {
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    let seen = Mutex<[String: Duration]>([:])
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `trainyard dev` as a child process with its own state directory.
final class DevProcess {
    let process: Process
    let directory: String
    var kubeconfig: String { directory + "/kubeconfig" }

    private init(process: Process, directory: String) {
        self.process = process
        self.directory = directory
    }

    static func start(binary: String) throws -> DevProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["dev", "--port", "0", "--state-dir", directory, "--log-level", "error", "--no-mlflow", "--no-runtime"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: directory + "/kubeconfig") {
            guard Date() < deadline, process.isRunning else { throw BenchError("trainyard dev did not start") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        return DevProcess(process: process, directory: directory)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
