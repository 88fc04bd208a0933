import Controllers
import Synchronization

/// `ModelRegistry` in memory, for fast tests of the ModelDeployment reconciler: versions with
/// their runs, and aliases. `fail(with:)` makes every call throw, as an MLflow that is down would.
public final class InMemoryModelRegistry: ModelRegistry {
    struct State {
        var versions: [String: [Int: String?]] = [:]
        var aliases: [String: [String: Int]] = [:]
        var failure: (any Error)?
        var calls = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Registers `version` of `model`, made by `runId`.
    public func add(model: String, version: Int, runId: String? = nil) {
        state.withLock { $0.versions[model, default: [:]][version] = runId }
    }

    /// Points `alias` at `version`; nil removes the alias.
    public func setAlias(model: String, alias: String, version: Int?) {
        state.withLock { $0.aliases[model, default: [:]][alias] = version }
    }

    /// From now on every call throws `error` (nil: calls work again).
    public func fail(with error: (any Error)?) {
        state.withLock { $0.failure = error }
    }

    /// Calls answered or refused so far.
    public var calls: Int { state.withLock { $0.calls } }

    public func version(model: String, alias: String) async throws -> RegisteredVersion? {
        try state.withLock { state in
            state.calls += 1
            if let failure = state.failure { throw failure }
            guard let version = state.aliases[model]?[alias], let runId = state.versions[model]?[version] else { return nil }
            return RegisteredVersion(version: version, runId: runId)
        }
    }

    public func version(model: String, version: Int) async throws -> RegisteredVersion? {
        try state.withLock { state in
            state.calls += 1
            if let failure = state.failure { throw failure }
            guard let runId = state.versions[model]?[version] else { return nil }
            return RegisteredVersion(version: version, runId: runId)
        }
    }
}
