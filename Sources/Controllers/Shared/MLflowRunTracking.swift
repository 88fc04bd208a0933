import Foundation
import Synchronization
import Tracking

/// `RunTracking` on a real MLflow server, through its REST API.
public final class MLflowRunTracking: RunTracking {
    let client: MLflowClient
    /// Experiment ids by name, so a new run costs MLflow one lookup fewer (dropped when MLflow
    /// refuses a run in it, e.g. after the experiment was deleted).
    private let experimentIDs = Mutex<[String: String]>([:])

    public init(_ configuration: MLflowConfiguration) {
        client = MLflowClient(configuration)
    }

    public func experimentID(named name: String) async throws -> String {
        if let known = experimentIDs.withLock({ $0[name] }) { return known }
        let id: String
        if let found = try await client.experiment(named: name) {
            if found.lifecycleStage == "deleted" { throw ExperimentDeleted(name: name, id: found.experimentId) }
            id = found.experimentId
        } else {
            id = try await client.ensureExperiment(named: name)
        }
        experimentIDs.withLock { $0[name] = id }
        return id
    }

    public func findRun(experimentID: String, tags: [String: String]) async throws -> String? {
        let filter = tags.sorted { $0.key < $1.key }.map { "tags.`\($0.key)` = '\($0.value)'" }.joined(separator: " and ")
        return try await client.searchRuns(experimentIds: [experimentID], filter: filter, maxResults: 1).first?.info.runId
    }

    public func createRun(experimentID: String, name: String, tags: [String: String]) async throws -> String {
        do {
            return try await client.createRun(experimentId: experimentID, name: name, tags: tags).runId
        } catch let error as MLflowError where error.statusCode.map({ (400..<500).contains($0) }) ?? false {
            // Deleted (or otherwise gone) since it was cached: say so as such, not as a refused request.
            let names = experimentIDs.withLock { ids in
                defer { ids = ids.filter { $0.value != experimentID } }
                return ids.filter { $0.value == experimentID }.map(\.key)
            }
            for name in names { _ = try await self.experimentID(named: name) }
            throw error
        }
    }

    public func run(id: String) async throws -> TrackedRun {
        let run = try await client.run(id: id)
        return TrackedRun(id: run.info.runId, status: run.info.status, metrics: run.metrics, artifactURI: run.info.artifactUri)
    }

    public func record(runID: String, metrics: [Metric], tags: [RunTag]) async throws {
        try await client.logBatch(runId: runID, metrics: metrics, tags: tags)
    }

    public func end(runID: String, status: RunStatus) async throws {
        _ = try await client.updateRun(id: runID, status: status, endTime: Date())
    }

    public func ensureRegisteredModel(named name: String) async throws {
        try await client.ensureRegisteredModel(named: name)
    }

    public func version(of model: String, fromRun runID: String) async throws -> TrackedVersion? {
        try await client.modelVersions(name: model).first { $0.runId == runID }.map { TrackedVersion(version: $0.version, runID: $0.runId) }
    }

    public func createVersion(of model: String, source: String, runID: String, tags: [String: String]) async throws -> TrackedVersion {
        let version = try await client.createModelVersion(name: model, source: source, runId: runID, tags: tags)
        return TrackedVersion(version: version.version, runID: version.runId)
    }

    public func version(of model: String, alias: String) async throws -> TrackedVersion? {
        try await client.modelVersion(name: model, alias: alias).map { TrackedVersion(version: $0.version, runID: $0.runId) }
    }

    public func setAlias(_ alias: String, of model: String, to version: String) async throws {
        try await client.setAlias(name: model, alias: alias, version: version)
    }

    public func tagVersion(_ version: String, of model: String, tags: [String: String]) async throws {
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            try await client.setModelVersionTag(name: model, version: version, key: key, value: value)
        }
    }
}
