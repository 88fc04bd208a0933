import Foundation
import KubeAPI
import Synchronization

/// The dev server's storage: `ClusterState` behind one lock, so each request's read-modify-write
/// is atomic and watchers see changes in resourceVersion order.
public final class ClusterStore: Sendable {
    private let state: Mutex<ClusterState>

    /// Opens the store; with a state directory, loads what an earlier run left there.
    init(stateDirectory: String?, historyLimit: Int) throws {
        var s = ClusterState(historyLimit: historyLimit)
        if let stateDirectory {
            let journal = try Journal(directory: stateDirectory)
            let loaded = try journal.load()
            s.objects = loaded.objects
            s.resourceVersion = loaded.resourceVersion
            s.oldestResumableVersion = (loaded.events.first?.resourceVersion).map { $0 - 1 } ?? loaded.resourceVersion
            for event in loaded.events { s.appendHistory(event) }
            s.journal = journal
            s.reindexAll()
            s.rebuildResources()
            s.removedOwnerUIDs = []
        }
        state = Mutex(s)
        bootstrapDefaults()
    }

    /// Creates what every cluster has: the `default`, `kube-system` and `kube-public` namespaces
    /// and a `default` ServiceAccount in `default`.
    private func bootstrapDefaults() {
        state.withLock { s in
            let ns = s.resources.first { $0.resource == "namespaces" && $0.group.isEmpty }!
            for name in ["default", "kube-system", "kube-public", "kube-node-lease"] where s.namespaceExists(name) == nil {
                _ = try? s.create(
                    ns, namespace: "", body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]],
                    options: WriteOptions(fieldManager: "trainyard-dev"))
            }
            let sa = s.resources.first { $0.resource == "serviceaccounts" }!
            if s.get(sa, namespace: "default", name: "default") == nil {
                _ = try? s.create(
                    sa, namespace: "default", body: ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "default"]],
                    options: WriteOptions(fieldManager: "trainyard-dev"))
            }
        }
    }

    func withState<T>(_ body: (inout ClusterState) throws(APIError) -> T) throws(APIError) -> T {
        try state.withLock { (s: inout ClusterState) throws(APIError) -> T in try body(&s) }
    }

    func read<T>(_ body: (ClusterState) -> T) -> T {
        state.withLock { body($0) }
    }

    var resources: [ResourceInfo] { read { $0.resources } }
    var resourceVersion: Int64 { read { $0.resourceVersion } }

    /// Where a watch starts.
    enum WatchStart {
        /// Synthetic ADDED events for every current object, then changes (resourceVersion unset or "0").
        case currentState
        /// Only changes after this version; 410 Gone if the history no longer reaches it.
        case after(Int64)
        /// Streaming list: ADDED for every current object, then a bookmark marking the end of the initial events.
        case initialEventsThenBookmark
    }

    /// Registers a watch atomically with its starting events, so no change falls between them.
    func watch(
        resource: ResourceInfo, namespace: String?, start: WatchStart, filter: @escaping @Sendable (JSONValue) -> Bool
    ) throws(APIError) -> WatchRegistration {
        let (stream, continuation) = AsyncStream<WatchMessage>.makeStream(bufferingPolicy: .unbounded)
        let id: UInt64 = try withState { (s: inout ClusterState) throws(APIError) -> UInt64 in
            switch start {
            case .currentState, .initialEventsThenBookmark:
                for object in s.list(resource, namespace: namespace) where filter(object) {
                    continuation.yield(.event(type: "ADDED", object: object))
                }
                if case .initialEventsThenBookmark = start {
                    continuation.yield(.bookmark(resourceVersion: s.resourceVersion, initialEventsEnd: true))
                }
            case .after(let version):
                guard let events = s.events(after: version, resource: resource.storageKey) else {
                    throw .expired("too old resource version: \(version) (\(s.oldestResumableVersion + 1))")
                }
                for event in events {
                    if let namespace, event.namespace != namespace { continue }
                    if let message = ClusterState.message(for: event, filter: filter) { continuation.yield(message) }
                }
            }
            let id = s.nextWatcherID
            s.nextWatcherID += 1
            s.watchers[id] = ClusterState.Watcher(
                resource: resource.storageKey, namespace: namespace, filter: filter, continuation: continuation)
            return id
        }
        let cancel: @Sendable () -> Void = { [weak self] in
            self?.state.withLock { s in _ = s.watchers.removeValue(forKey: id) }
            continuation.finish()
        }
        continuation.onTermination = { _ in cancel() }
        // Enqueued under the lock, a bookmark's version is exactly the last change queued before it.
        let bookmark: @Sendable () -> Void = { [weak self] in
            self?.state.withLock { s in
                if s.watchers[id] != nil { continuation.yield(.bookmark(resourceVersion: s.resourceVersion, initialEventsEnd: false)) }
            }
        }
        return WatchRegistration(stream: stream, cancel: cancel, requestBookmark: bookmark)
    }

    /// Ends every watch (on shutdown) and flushes the journal.
    func close() {
        // Finish outside the lock: finishing runs onTermination, which takes the lock again.
        let continuations = state.withLock { s in
            let all = s.watchers.values.map(\.continuation)
            s.watchers = [:]
            s.journal?.close()
            return all
        }
        for c in continuations {
            c.yield(.end)
            c.finish()
        }
    }

    var watcherCount: Int { read { $0.watchers.count } }
}

/// A registered watch: its stream of messages and how to stop it or ask for a bookmark.
struct WatchRegistration: Sendable {
    var stream: AsyncStream<WatchMessage>
    var cancel: @Sendable () -> Void
    var requestBookmark: @Sendable () -> Void
}
