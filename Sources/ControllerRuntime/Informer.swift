import KubeAPI
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a local cache of one resource type in step with the API server and tells handlers what
/// changed: list, then watch, relisting when needed (see `Watcher`). Each change reaches the
/// handlers exactly once, also across reconnects and relists. Runs as a ServiceLifecycle service.
public final class Informer<Object: KubernetesObject>: Service, Sendable {
    public let type: ResourceType
    public let namespace: String?
    public let store = Store<Object>()
    let client: KubeClient
    let configuration: WatcherConfiguration
    let resyncPeriod: Duration?
    let transform: (@Sendable (inout Object) -> Void)?
    let logger: Logger
    private let handlers = Mutex<[EventHandler<Object>]>([])
    private let synced = Mutex(false)

    public init(
        client: KubeClient, type: ResourceType, namespace: String?, configuration: WatcherConfiguration = WatcherConfiguration(),
        resyncPeriod: Duration? = nil, transform: (@Sendable (inout Object) -> Void)? = Informer.stripManagedFields,
        logger: Logger? = nil
    ) {
        self.transform = transform
        self.client = client
        self.type = type
        self.namespace = (namespace?.isEmpty ?? true) ? nil : namespace
        var configuration = configuration
        // An informer's cache must start from a full list.
        configuration.startResourceVersion = nil
        self.configuration = configuration
        self.resyncPeriod = resyncPeriod
        self.logger = logger ?? Logger(label: "trainyard.informer")
        store.addIndex(Store<Object>.ownerIndex) { object in
            object.controllerReference.map { [$0.uid] } ?? []
        }
    }

    /// The default transform: drops `metadata.managedFields`, which controllers never read and
    /// which is often the largest part of an object (a third of the cache's memory). Writes from
    /// cached copies omit the field, and the API server then keeps what it has.
    public static var stripManagedFields: @Sendable (inout Object) -> Void {
        { $0.metadata.managedFields = nil }
    }

    /// Registers a handler. Objects already in the cache are replayed to it as adds, so a handler
    /// added late misses nothing.
    public func addHandler(_ handler: EventHandler<Object>) {
        // Under the handler lock, so no live event reaches the new handler before its replay.
        handlers.withLock { handlers in
            handlers.append(handler)
            store.list().forEach(handler.onAdd)
        }
    }

    /// Whether the first list has been loaded into the cache.
    public var hasSynced: Bool { synced.withLock { $0 } }

    /// Returns once the first list is in the cache, or when the task is cancelled (so a shutdown
    /// never hangs on an API server that cannot be listed).
    public func waitForSync() async {
        while !hasSynced && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func run() async throws {
        logger.debug("informer starting", metadata: ["resource": "\(type)", "namespace": "\(namespace ?? "<all>")"])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if let resyncPeriod = self.resyncPeriod {
                    group.addTask { await self.resync(every: resyncPeriod) }
                }
                group.addTask { await self.consume() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func consume() async {
        let watcher = client.watcher(Object.self, type: type, namespace: namespace, configuration: configuration)
        do {
            for try await event in watcher {
                apply(transformed(event))
            }
        } catch {
            // Only cancellation ends a watcher.
        }
    }

    private func transformed(_ event: WatcherEvent<Object>) -> WatcherEvent<Object> {
        guard let transform else { return event }
        func change(_ object: Object) -> Object {
            var object = object
            transform(&object)
            return object
        }
        switch event {
        case .restarted(let objects, let version, let undecodable):
            return .restarted(objects.map(change), resourceVersion: version, undecodable: undecodable)
        case .added(let object): return .added(change(object))
        case .modified(let object): return .modified(change(object))
        case .deleted(let object): return .deleted(change(object))
        }
    }

    func apply(_ event: WatcherEvent<Object>) {
        // Holding the handler lock while the store changes keeps `addHandler`'s replay and the
        // live events from overlapping or leaving a gap.
        handlers.withLock { current in apply(event, to: current) }
    }

    private func apply(_ event: WatcherEvent<Object>, to current: [EventHandler<Object>]) {
        switch event {
        case .restarted(let objects, _, let undecodable):
            let diff = store.replace(with: objects, keeping: undecodable)
            for object in diff.added { current.forEach { $0.onAdd(object) } }
            for (old, new) in diff.updated { current.forEach { $0.onUpdate(old, new) } }
            for object in diff.deleted { current.forEach { $0.onDelete(object) } }
            synced.withLock { $0 = true }
        case .added(let object), .modified(let object):
            // A watch resumed from an older version may replay what the cache already has.
            if let old = store.get(object.objectKey) {
                guard old.metadata.resourceVersion != object.metadata.resourceVersion else { return }
                store.upsert(object)
                current.forEach { $0.onUpdate(old, object) }
            } else {
                store.upsert(object)
                current.forEach { $0.onAdd(object) }
            }
        case .deleted(let object):
            let old = store.remove(object.objectKey)
            guard old != nil else { return }
            current.forEach { $0.onDelete(object) }
        }
    }

    /// Periodically replays every cached object as an update, so controllers re-check the world
    /// even when nothing changed (a safety net for missed external changes).
    private func resync(every period: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            // Under the handler lock, in step with live events.
            handlers.withLock { current in
                for object in store.list() { current.forEach { $0.onUpdate(object, object) } }
            }
        }
    }
}
