import Controllers
import Foundation
import Synchronization
import Tracking

/// `RunTracking` in memory, for fast tests of a controller's reconcile logic: experiments, runs
/// with their tags and metrics, registered models with versions, tags and aliases. `fail(with:)`
/// makes every call throw, as an MLflow that is down or refusing would.
public final class InMemoryRunTracking: RunTracking {
    public struct StoredRun: Sendable {
        public var experimentID: String
        public var name: String
        public var tags: [String: String]
        public var status: RunStatus
        public var metrics: [Metric] = []
    }

    public struct StoredVersion: Sendable {
        public var version: String
        public var runID: String
        public var source: String
        public var tags: [String: String]
    }

    struct State {
        var experiments: [String: String] = [:]
        var deletedExperiments: Set<String> = []
        var runs: [String: StoredRun] = [:]
        var models: [String: [StoredVersion]] = [:]
        var aliases: [String: [String: String]] = [:]
        var failure: (any Error)?
        var calls = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// From now on every call throws `error` (nil: calls work again).
    public func fail(with error: (any Error)?) {
        state.withLock { $0.failure = error }
    }

    /// Calls made so far, failed ones included.
    public var calls: Int { state.withLock { $0.calls } }
    public var runs: [String: StoredRun] { state.withLock { $0.runs } }
    public func versions(of model: String) -> [StoredVersion] { state.withLock { $0.models[model] ?? [] } }
    public func alias(_ alias: String, of model: String) -> String? { state.withLock { $0.aliases[model]?[alias] } }

    /// Puts an experiment in the trash, as `mlflow experiments delete` does.
    public func deleteExperiment(named name: String) {
        state.withLock { state in
            let id = state.experiments[name] ?? String(state.experiments.count + 1)
            state.experiments[name] = id
            state.deletedExperiments.insert(id)
        }
    }

    /// Sets a run's metric, as a trainer recording into it would.
    public func setMetric(runID: String, _ key: String, _ value: Double) {
        state.withLock { $0.runs[runID]?.metrics.append(Metric(key: key, value: value, timestamp: 0)) }
    }

    private func call<T>(_ body: (inout State) throws -> T) throws -> T {
        try state.withLock { state in
            state.calls += 1
            if let failure = state.failure { throw failure }
            return try body(&state)
        }
    }

    private static func notFound(_ what: String) -> MLflowError {
        MLflowError(.notFound, "in-memory MLflow: \(what) not found", mlflowCode: "RESOURCE_DOES_NOT_EXIST", statusCode: 404)
    }

    public func experimentID(named name: String) async throws -> String {
        try call { state in
            if let id = state.experiments[name] {
                if state.deletedExperiments.contains(id) { throw ExperimentDeleted(name: name, id: id) }
                return id
            }
            let id = String(state.experiments.count + 1)
            state.experiments[name] = id
            return id
        }
    }

    public func findRun(experimentID: String, tags: [String: String]) async throws -> String? {
        try call { state in
            state.runs.first { id, run in run.experimentID == experimentID && tags.allSatisfy { run.tags[$0.key] == $0.value } }?.key
        }
    }

    public func createRun(experimentID: String, name: String, tags: [String: String]) async throws -> String {
        try call { state in
            let id = String(format: "run%04d", state.runs.count + 1)
            state.runs[id] = StoredRun(experimentID: experimentID, name: name, tags: tags, status: .running)
            return id
        }
    }

    public func run(id: String) async throws -> TrackedRun {
        try call { state in
            guard let run = state.runs[id] else { throw Self.notFound("run \(id)") }
            let latest = Dictionary(run.metrics.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            return TrackedRun(
                id: id, status: run.status, metrics: latest, artifactURI: "mlflow-artifacts:/\(run.experimentID)/\(id)/artifacts")
        }
    }

    public func record(runID: String, metrics: [Metric], tags: [RunTag]) async throws {
        try call { state in
            guard state.runs[runID] != nil else { throw Self.notFound("run \(runID)") }
            state.runs[runID]?.metrics += metrics
            for tag in tags { state.runs[runID]?.tags[tag.key] = tag.value }
        }
    }

    public func end(runID: String, status: RunStatus) async throws {
        try call { state in
            guard state.runs[runID] != nil else { throw Self.notFound("run \(runID)") }
            state.runs[runID]?.status = status
        }
    }

    public func ensureRegisteredModel(named name: String) async throws {
        try call { state in
            if state.models[name] == nil { state.models[name] = [] }
        }
    }

    public func version(of model: String, fromRun runID: String) async throws -> TrackedVersion? {
        try call { state in
            state.models[model]?.first { $0.runID == runID }.map { TrackedVersion(version: $0.version, runID: $0.runID) }
        }
    }

    public func createVersion(of model: String, source: String, runID: String, tags: [String: String]) async throws -> TrackedVersion {
        try call { state in
            guard var versions = state.models[model] else { throw Self.notFound("registered model \(model)") }
            let version = StoredVersion(version: String(versions.count + 1), runID: runID, source: source, tags: tags)
            versions.append(version)
            state.models[model] = versions
            return TrackedVersion(version: version.version, runID: runID)
        }
    }

    public func version(of model: String, alias: String) async throws -> TrackedVersion? {
        try call { state in
            guard let version = state.aliases[model]?[alias] else { return nil }
            return TrackedVersion(version: version, runID: state.models[model]?.first { $0.version == version }?.runID)
        }
    }

    public func setAlias(_ alias: String, of model: String, to version: String) async throws {
        try call { state in state.aliases[model, default: [:]][alias] = version }
    }

    public func tagVersion(_ version: String, of model: String, tags: [String: String]) async throws {
        try call { state in
            guard let index = state.models[model]?.firstIndex(where: { $0.version == version }) else {
                throw Self.notFound("version \(version) of \(model)")
            }
            state.models[model]?[index].tags.merge(tags) { _, new in new }
        }
    }
}
