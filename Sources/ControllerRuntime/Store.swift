import KubeAPI
import Synchronization

/// The informer's cache: the latest copy of every object it watches, keyed by namespace/name,
/// with secondary indexes (such as by owner). Reads never touch the network. Thread-safe.
public final class Store<Object: KubernetesObject>: Sendable {
    /// Computes the index values of an object (for example its controller owner's key).
    public typealias IndexFunction = @Sendable (Object) -> [String]

    struct State {
        var objects: [ObjectKey: Object] = [:]
        var indexers: [String: IndexFunction] = [:]
        /// index name -> index value -> keys.
        var indices: [String: [String: Set<ObjectKey>]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds an index; existing objects are indexed at once.
    public func addIndex(_ name: String, _ function: @escaping IndexFunction) {
        state.withLock { state in
            state.indexers[name] = function
            state.indices[name] = Self.buildIndex(function, over: state.objects)
        }
    }

    public func get(_ key: ObjectKey) -> Object? {
        state.withLock { $0.objects[key] }
    }

    public func get(namespace: String?, name: String) -> Object? {
        get(ObjectKey(namespace: namespace, name: name))
    }

    /// Every object, in no particular order.
    public func list() -> [Object] {
        state.withLock { Array($0.objects.values) }
    }

    public func list(namespace: String?) -> [Object] {
        let wanted = (namespace?.isEmpty ?? true) ? nil : namespace
        return state.withLock { $0.objects.values.filter { $0.metadata.namespace == wanted || wanted == nil } }
    }

    public var keys: [ObjectKey] {
        state.withLock { Array($0.objects.keys) }
    }

    public var count: Int {
        state.withLock { $0.objects.count }
    }

    /// The objects whose index `name` contains `value`.
    public func byIndex(_ name: String, _ value: String) -> [Object] {
        state.withLock { state in
            (state.indices[name]?[value] ?? []).compactMap { state.objects[$0] }
        }
    }

    /// Inserts or replaces an object; returns the previous copy.
    @discardableResult
    func upsert(_ object: Object) -> Object? {
        let key = object.objectKey
        return state.withLock { state in
            let old = state.objects.updateValue(object, forKey: key)
            Self.reindex(&state, key: key, old: old, new: object)
            return old
        }
    }

    /// Removes an object; returns the copy that was stored.
    @discardableResult
    func remove(_ key: ObjectKey) -> Object? {
        state.withLock { state in
            guard let old = state.objects.removeValue(forKey: key) else { return nil }
            Self.reindex(&state, key: key, old: old, new: nil)
            return old
        }
    }

    /// Replaces the contents with a fresh list and reports what changed, so a relist after a
    /// lost watch tells handlers only about real differences.
    /// Cached copies of the keys in `keeping` stay (objects that exist but did not decode).
    func replace(
        with objects: [Object], keeping: Set<ObjectKey> = []
    ) -> (added: [Object], updated: [(old: Object, new: Object)], deleted: [Object]) {
        state.withLock { state in
            var added: [Object] = []
            var updated: [(old: Object, new: Object)] = []
            var fresh: [ObjectKey: Object] = [:]
            fresh.reserveCapacity(objects.count)
            for key in keeping {
                if let old = state.objects[key] { fresh[key] = old }
            }
            for object in objects { fresh[object.objectKey] = object }
            for (key, object) in fresh {
                if let old = state.objects[key] {
                    if old.metadata.resourceVersion != object.metadata.resourceVersion || old.metadata.uid != object.metadata.uid {
                        updated.append((old, object))
                    }
                } else {
                    added.append(object)
                }
            }
            let deleted = state.objects.filter { fresh[$0.key] == nil }.map(\.value)
            state.objects = fresh
            state.indices = state.indexers.mapValues { Self.buildIndex($0, over: fresh) }
            return (added, updated, deleted)
        }
    }

    private static func buildIndex(_ function: IndexFunction, over objects: [ObjectKey: Object]) -> [String: Set<ObjectKey>] {
        var index: [String: Set<ObjectKey>] = [:]
        for (key, object) in objects {
            for value in function(object) { index[value, default: []].insert(key) }
        }
        return index
    }

    private static func reindex(_ state: inout State, key: ObjectKey, old: Object?, new: Object?) {
        for (name, function) in state.indexers {
            if let old {
                for value in function(old) {
                    state.indices[name]?[value]?.remove(key)
                    if state.indices[name]?[value]?.isEmpty == true { state.indices[name]?[value] = nil }
                }
            }
            if let new {
                for value in function(new) { state.indices[name, default: [:]][value, default: []].insert(key) }
            }
        }
    }
}

extension Store {
    /// The name of the index `Informer` adds for controller owners: values are the owner's UID,
    /// so a child of a deleted predecessor with the same name is never found as one's own.
    public static var ownerIndex: String { "owner" }

    /// The objects `owner` controls (by UID), from the owner index.
    public func controlled(by owner: some KubernetesObject) -> [Object] {
        guard let uid = owner.metadata.uid, !uid.isEmpty else { return [] }
        return byIndex(Self.ownerIndex, uid).filter { $0.metadata.namespace == owner.metadata.namespace }
    }
}
