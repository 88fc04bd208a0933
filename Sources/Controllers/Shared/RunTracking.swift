import Foundation
import Tracking

/// What the controllers need of MLflow, in their own terms: experiments, the runs of a job, and
/// the registry. The controllers reach MLflow only through this, so their reconcile logic is
/// tested against an in-memory fake (`InMemoryRunTracking` in TrainyardTesting) while the
/// end-to-end tests keep the real server behind `MLflowRunTracking`.
public protocol RunTracking: Sendable {
    /// The experiment's id, created when missing. Throws `ExperimentDeleted` for one in MLflow's trash.
    func experimentID(named name: String) async throws -> String
    /// The run in the experiment carrying all these tags, if there is one.
    func findRun(experimentID: String, tags: [String: String]) async throws -> String?
    /// A new RUNNING run; returns its id.
    func createRun(experimentID: String, name: String, tags: [String: String]) async throws -> String
    func run(id: String) async throws -> TrackedRun
    /// Adds metrics and tags to a run.
    func record(runID: String, metrics: [Metric], tags: [RunTag]) async throws
    /// Ends a run with this status, now.
    func end(runID: String, status: RunStatus) async throws
    /// Creates the registered model unless it exists.
    func ensureRegisteredModel(named name: String) async throws
    /// The version of `model` made from this run, if any.
    func version(of model: String, fromRun runID: String) async throws -> TrackedVersion?
    /// A new version of `model` from `source` (the run's model directory).
    func createVersion(of model: String, source: String, runID: String, tags: [String: String]) async throws -> TrackedVersion
    /// The version `alias` points at; nil when the alias (or the model) does not exist.
    func version(of model: String, alias: String) async throws -> TrackedVersion?
    func setAlias(_ alias: String, of model: String, to version: String) async throws
    func tagVersion(_ version: String, of model: String, tags: [String: String]) async throws
}

/// A run as the controllers see it.
public struct TrackedRun: Sendable, Equatable {
    public var id: String
    public var status: RunStatus
    /// The latest value of each metric.
    public var metrics: [String: Double]
    /// Where the run's artifacts live (its model is under `model/`).
    public var artifactURI: String?

    public init(id: String, status: RunStatus, metrics: [String: Double] = [:], artifactURI: String? = nil) {
        self.id = id
        self.status = status
        self.metrics = metrics
        self.artifactURI = artifactURI
    }

    public var isFinished: Bool { status != .running && status != .scheduled }
}

/// A registered model version as the controllers see it.
public struct TrackedVersion: Sendable, Equatable {
    public var version: String
    public var runID: String?

    public init(version: String, runID: String? = nil) {
        self.version = version
        self.runID = runID
    }
}

/// The job's experiment is in MLflow's trash: no run can be made in it until it is restored (a
/// deleted experiment's name stays taken), or the job names another.
public struct ExperimentDeleted: Error, CustomStringConvertible, Sendable {
    public let name: String
    public let id: String

    public init(name: String, id: String) {
        self.name = name
        self.id = id
    }

    public var description: String {
        "MLflow experiment \"\(name)\" (id \(id)) is deleted: restore it (mlflow experiments restore --experiment-id \(id)) or set spec.experiment to another name"
    }
}
