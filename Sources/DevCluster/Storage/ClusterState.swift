import Foundation
import KubeAPI

/// Everything the dev API server knows, guarded by one lock in `ClusterStore`: the objects, the
/// resources being served (built-in plus those of established CRDs), the global resourceVersion
/// counter, the watch history and the live watchers.
///
/// Every mutation goes through `put` or `remove`, which assign the next resourceVersion, record
/// the change in the history and the journal, and hand it to matching watchers in order.
struct ClusterState {
    var resources: [ResourceInfo] = BuiltinResources.all
    /// storageKey -> "namespace/name" -> object.
    var objects: [String: [String: JSONValue]] = [:]
    var resourceVersion: Int64 = 0
    var history: [WatchEventRecord] = []
    var historyStart = 0
    /// How many past events are kept for watches resuming from an older resourceVersion.
    var historyLimit: Int
    /// The oldest resourceVersion a watch may resume from; older ones get 410 Gone.
    var oldestResumableVersion: Int64 = 0
    var watchers: [UInt64: Watcher] = [:]
    var nextWatcherID: UInt64 = 0
    /// owner uid -> dependents, for garbage collection.
    var dependents: [String: Set<ObjectRef>] = [:]
    /// uid -> object, to tell whether an owner still exists.
    var uidIndex: [String: ObjectRef] = [:]
    /// Objects with a deletionTimestamp, which garbage collection drives forward.
    var terminating: Set<ObjectRef> = []
    /// uids of objects removed since the last garbage collection, whose dependents may be orphans.
    var removedOwnerUIDs: [String] = []
    var journal: Journal?
    var now: @Sendable () -> Date = { Date() }

    init(historyLimit: Int) {
        self.historyLimit = max(1, historyLimit)
    }

    /// Identifies a stored object.
    struct ObjectRef: Hashable, Sendable {
        var resource: String
        var namespace: String
        var name: String
        var key: String { namespace + "/" + name }
    }

    /// A live watch: which objects it wants and where to send them.
    struct Watcher {
        var resource: String
        var namespace: String?
        var filter: @Sendable (JSONValue) -> Bool
        var continuation: AsyncStream<WatchMessage>.Continuation
    }

    // MARK: Resources

    func resource(group: String, version: String, name: String) -> ResourceInfo? {
        resources.first { $0.group == group && $0.version == version && $0.resource == name }
    }

    func resource(storageKey: String) -> ResourceInfo? {
        resources.first { $0.storageKey == storageKey }
    }

    /// Recomputes the served resources from the stored CRDs.
    mutating func rebuildResources() {
        var served = BuiltinResources.all
        for crd in (objects["apiextensions.k8s.io/customresourcedefinitions"] ?? [:]).values.sorted(by: { name($0) < name($1) }) {
            if crd[path: ["metadata", "deletionTimestamp"]] != nil { continue }
            if let infos = try? CustomResourceDefinition.resources(from: crd) {
                served.append(contentsOf: infos)
            }
        }
        resources = served
    }

    // MARK: Reading

    func get(_ r: ResourceInfo, namespace: String, name: String) -> JSONValue? {
        objects[r.storageKey]?[namespace + "/" + name]
    }

    func get(_ ref: ObjectRef) -> JSONValue? {
        objects[ref.resource]?[ref.key]
    }

    /// Objects of a resource in key order (namespace, then name), as etcd lists them.
    func list(_ r: ResourceInfo, namespace: String?) -> [JSONValue] {
        guard let all = objects[r.storageKey] else { return [] }
        let keys: [String]
        if let namespace {
            let prefix = namespace + "/"
            keys = all.keys.filter { $0.hasPrefix(prefix) }.sorted()
        } else {
            keys = all.keys.sorted()
        }
        return keys.map { all[$0]! }
    }

    func namespaceExists(_ name: String) -> JSONValue? {
        objects["/namespaces"]?["/" + name]
    }

    // MARK: Writing

    /// Stores an object with the next resourceVersion and tells watchers. Returns the stored object.
    @discardableResult
    mutating func put(_ storageKey: String, _ object: JSONValue) -> JSONValue {
        var object = object
        resourceVersion += 1
        object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        let ref = Self.ref(storageKey, object)
        let previous = objects[storageKey]?[ref.key]
        objects[storageKey, default: [:]][ref.key] = object
        reindexOwners(ref, old: previous, new: object)
        record(
            WatchEventRecord(
                type: previous == nil ? .added : .modified, resource: storageKey, namespace: ref.namespace,
                object: object, previous: previous, resourceVersion: resourceVersion))
        if storageKey == "apiextensions.k8s.io/customresourcedefinitions" { rebuildResources() }
        return object
    }

    /// Removes an object for good and tells watchers. Returns its final state.
    @discardableResult
    mutating func remove(_ ref: ObjectRef) -> JSONValue? {
        guard var object = objects[ref.resource]?[ref.key] else { return nil }
        let previous = object
        objects[ref.resource]?[ref.key] = nil
        resourceVersion += 1
        object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        reindexOwners(ref, old: previous, new: nil)
        record(
            WatchEventRecord(
                type: .deleted, resource: ref.resource, namespace: ref.namespace, object: object,
                previous: previous, resourceVersion: resourceVersion))
        if ref.resource == "apiextensions.k8s.io/customresourcedefinitions" { rebuildResources() }
        return object
    }

    static func ref(_ storageKey: String, _ object: JSONValue) -> ObjectRef {
        ObjectRef(
            resource: storageKey,
            namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "",
            name: object[path: ["metadata", "name"]]?.stringValue ?? "")
    }

    private func name(_ object: JSONValue) -> String {
        object[path: ["metadata", "name"]]?.stringValue ?? ""
    }

    private mutating func reindexOwners(_ ref: ObjectRef, old: JSONValue?, new: JSONValue?) {
        for uid in Self.ownerUIDs(old) { dependents[uid]?.remove(ref) }
        for uid in Self.ownerUIDs(new) { dependents[uid, default: []].insert(ref) }
        if let uid = old?[path: ["metadata", "uid"]]?.stringValue { uidIndex[uid] = nil }
        if let uid = new?[path: ["metadata", "uid"]]?.stringValue { uidIndex[uid] = ref }
        if new?[path: ["metadata", "deletionTimestamp"]] != nil {
            terminating.insert(ref)
        } else {
            terminating.remove(ref)
        }
        if new == nil, let uid = old?[path: ["metadata", "uid"]]?.stringValue {
            removedOwnerUIDs.append(uid)
            if dependents[uid]?.isEmpty ?? false { dependents[uid] = nil }
        }
        // Written with owners that are already gone (a controller acting on a stale cache after its
        // owner was deleted): the next collection deletes it, as Kubernetes' collector does.
        let owners = Self.ownerUIDs(new)
        if !owners.isEmpty, owners.allSatisfy({ uidIndex[$0] == nil }) { removedOwnerUIDs.append(contentsOf: owners) }
    }

    static func ownerUIDs(_ object: JSONValue?) -> [String] {
        (object?[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
    }

    /// Rebuilds the owner index after loading state from disk.
    mutating func reindexAll() {
        dependents = [:]
        uidIndex = [:]
        terminating = []
        for (resource, objs) in objects {
            for object in objs.values {
                reindexOwners(Self.ref(resource, object), old: nil, new: object)
            }
        }
    }

    // MARK: History and watchers

    private mutating func record(_ event: WatchEventRecord) {
        appendHistory(event)
        journal?.append(event)
        for (_, watcher) in watchers where watcher.resource == event.resource {
            if let namespace = watcher.namespace, namespace != event.namespace { continue }
            if let message = Self.message(for: event, filter: watcher.filter) {
                watcher.continuation.yield(message)
            }
        }
    }

    mutating func appendHistory(_ event: WatchEventRecord) {
        history.append(event)
        if history.count - historyStart > historyLimit {
            historyStart += 1
            oldestResumableVersion = history[historyStart - 1].resourceVersion
            // Drop the consumed prefix now and then rather than on every event.
            if historyStart > 4096 && historyStart * 2 > history.count {
                history.removeFirst(historyStart)
                historyStart = 0
            }
        }
    }

    /// The event a filtered watch sees, if any: moving into the selection is ADDED, out of it DELETED.
    static func message(for event: WatchEventRecord, filter: (JSONValue) -> Bool) -> WatchMessage? {
        let now = filter(event.object)
        switch event.type {
        case .added:
            return now ? .event(type: "ADDED", object: event.object) : nil
        case .deleted:
            return filter(event.previous ?? event.object) ? .event(type: "DELETED", object: event.object) : nil
        case .modified:
            let before = event.previous.map(filter) ?? false
            switch (before, now) {
            case (true, true): return .event(type: "MODIFIED", object: event.object)
            case (false, true): return .event(type: "ADDED", object: event.object)
            case (true, false): return .event(type: "DELETED", object: event.object)
            case (false, false): return nil
            }
        }
    }

    /// Events after `version` for one resource, or nil when the history no longer reaches back that far.
    func events(after version: Int64, resource: String) -> [WatchEventRecord]? {
        if version < oldestResumableVersion { return nil }
        var result: [WatchEventRecord] = []
        for event in history[historyStart...] where event.resourceVersion > version && event.resource == resource {
            result.append(event)
        }
        return result
    }
}
