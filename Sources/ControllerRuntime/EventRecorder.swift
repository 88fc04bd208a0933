import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

/// Records core/v1 Events about objects, as `kubectl describe` shows them. A repeat of the same
/// event (same object, type, reason and message) raises the existing Event's `count` and
/// `lastTimestamp` instead of adding another object, as client-go's recorder does.
///
/// Recording is best effort: failures are logged, never thrown, so a reconcile never fails
/// because an Event could not be written.
public final class EventRecorder: Sendable {
    /// Normal or Warning.
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    struct AggregateKey: Hashable {
        var object: ObjectReference
        var type: String
        var reason: String
        var message: String
    }

    struct Aggregate {
        var namespace: String
        /// Nil while the first record's create is in flight; repeats meanwhile only count.
        var name: String?
        var count: Int
        var used: UInt64
    }

    /// What a `record` call has to write.
    enum Plan {
        case create
        case patch(name: String, count: Int)
        case none
    }

    let client: KubeClient
    let component: String
    let instance: String
    let logger: Logger
    private let cache = Mutex<(entries: [AggregateKey: Aggregate], clock: UInt64)>(([:], 0))
    static let cacheLimit = 4096

    public init(client: KubeClient, component: String, instance: String? = nil, logger: Logger? = nil) {
        self.client = client
        self.component = component
        self.instance = instance ?? ProcessInfo.processInfo.hostName
        self.logger = logger ?? Logger(label: "trainyard.events")
    }

    /// Records an event about `object`.
    public func record<T: KubernetesResource>(_ object: T, type: EventType, reason: String, message: String) async {
        let reference = ObjectReference(
            apiVersion: T.resourceType.apiVersion, kind: T.resourceType.kind, namespace: object.metadata.namespace,
            name: object.metadata.name, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion)
        await record(about: reference, type: type, reason: reason, message: message)
    }

    /// Records an event about the object `reference` points to.
    public func record(about reference: ObjectReference, type: EventType, reason: String, message: String) async {
        let namespace = reference.namespace ?? "default"
        // resourceVersion changes with every write; repeats are about the object, not a version.
        var identity = reference
        identity.resourceVersion = nil
        let key = AggregateKey(object: identity, type: type.rawValue, reason: reason, message: message)
        let now = Timestamp.time()
        // Deciding under the lock makes concurrent repeats of a new event count on one object
        // instead of each creating its own.
        let plan = cache.withLock { cache -> Plan in
            cache.clock += 1
            guard var entry = cache.entries[key] else {
                cache.entries[key] = Aggregate(namespace: namespace, name: nil, count: 1, used: cache.clock)
                return .create
            }
            entry.count += 1
            entry.used = cache.clock
            cache.entries[key] = entry
            guard let name = entry.name else { return .none }  // the creator writes the count
            return .patch(name: name, count: entry.count)
        }
        switch plan {
        case .none:
            return
        case .patch(let name, let count):
            if await patchCount(name: name, namespace: namespace, count: count, reason: reason) { return }
            // The Event expired (the API server keeps them an hour); start a new one.
            cache.withLock { cache in
                cache.entries[key]?.name = nil
                cache.entries[key]?.count = 1
            }
        case .create:
            break
        }
        let name = "\(reference.name ?? "object").\(String(UInt64(Date().timeIntervalSince1970 * 1e9), radix: 16))"
        let event = Event(
            metadata: ObjectMeta(name: name, namespace: namespace), involvedObject: reference, reason: reason,
            message: message, type: type.rawValue, source: Event.Source(component: component, host: instance),
            firstTimestamp: now, lastTimestamp: now, count: 1, reportingComponent: component, reportingInstance: instance)
        do {
            _ = try await client.create(event)
        } catch {
            _ = cache.withLock { $0.entries.removeValue(forKey: key) }
            logger.warning("could not record event", metadata: ["reason": "\(reason)", "error": "\(error)"])
            return
        }
        let counted = cache.withLock { cache -> Int in
            cache.entries[key]?.name = name
            let count = cache.entries[key]?.count ?? 1
            if cache.entries.count > Self.cacheLimit {
                // Drop the least recently used quarter in one go rather than one per insert.
                let cutoff = cache.entries.values.map(\.used).sorted()[cache.entries.count / 4]
                cache.entries = cache.entries.filter { $0.value.used > cutoff }
            }
            return count
        }
        if counted > 1 {
            _ = await patchCount(name: name, namespace: namespace, count: counted, reason: reason)
        }
    }

    /// Raises an existing Event's count; false if it no longer exists.
    private func patchCount(name: String, namespace: String, count: Int, reason: String) async -> Bool {
        do {
            let patch: JSONValue = ["count": .int(Int64(count)), "lastTimestamp": .string(Timestamp.time())]
            _ = try await client.patch(Event.resourceType, namespace: namespace, name: name, patch: patch, patchType: .merge)
            return true
        } catch let error as KubeError where error.isNotFound {
            return false
        } catch {
            logger.warning("could not update event", metadata: ["reason": "\(reason)", "error": "\(error)"])
            return true
        }
    }
}
