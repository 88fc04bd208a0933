import Foundation
import KubeAPI
import KubeClient

/// An object's status as one reconcile changes it, written through `/status` only if it changed.
/// `observedGeneration` becomes the object's own generation; a condition's `lastTransitionTime`
/// moves only when its status does. Every controller reports this way, so no two do it differently.
public struct StatusUpdate<Resource: StatusResource>: Sendable {
    public let object: Resource
    public var status: Resource.Status
    /// The time the conditions set now are stamped with (injected, so tests need no clock).
    public let now: Date
    private let original: Resource.Status

    public init(_ object: Resource, now: Date = Date()) {
        self.object = object
        self.now = now
        original = object.status ?? Resource.Status()
        status = original
        status.observedGeneration = object.metadata.generation
    }

    public var conditions: [Condition] { status.conditions ?? [] }

    public func condition(_ type: Resource.ConditionType) -> Condition? { conditions[type: type.rawValue] }
    public func isTrue(_ type: Resource.ConditionType) -> Bool { conditions.isTrue(type.rawValue) }

    /// Sets a condition (see `Array<Condition>.set`), stamped with the object's generation.
    public mutating func set(_ type: Resource.ConditionType, _ value: Condition.Status, reason: String, message: String) {
        var conditions = self.conditions
        conditions.set(
            type.rawValue, status: value, reason: reason, message: message, observedGeneration: object.metadata.generation, now: now)
        status.conditions = conditions
    }

    /// Sets `type` to False with `reason` if it is True now; a condition that is not True stays as it is.
    public mutating func clear(_ type: Resource.ConditionType, reason: String, message: String) {
        if isTrue(type) { set(type, .false, reason: reason, message: message) }
    }

    /// Whether the status differs from the one read (an empty condition list counts as none).
    public var changed: Bool {
        func normalized(_ status: Resource.Status) -> Resource.Status {
            var status = status
            if status.conditions?.isEmpty == true { status.conditions = nil }
            return status
        }
        return normalized(status) != normalized(original)
    }

    /// The object with this status, as it would be written.
    public var updatedObject: Resource {
        var object = self.object
        object.status = status
        return object
    }

    /// Writes the status if it changed and returns the update of what was written, so a reconcile
    /// can go on from the object as it now is (its new resourceVersion) without a conflict.
    public func commit(with client: KubeClient) async throws -> StatusUpdate {
        guard changed else { return self }
        return StatusUpdate(try await client.updateStatus(updatedObject), now: now)
    }

    /// Writes the status if it changed; returns whether it did. A conflict (the object changed
    /// since it was read) is thrown, and the reconcile runs again on the newer copy.
    @discardableResult
    public func write(with client: KubeClient) async throws -> Bool {
        guard changed else { return false }
        _ = try await client.updateStatus(updatedObject)
        return true
    }
}
