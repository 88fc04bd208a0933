import Foundation
import KubeAPI

extension Array where Element == Condition {
    /// The condition of `type`, if present.
    public subscript(type type: String) -> Condition? {
        first { $0.type == type }
    }

    public func isTrue(_ type: String) -> Bool { self[type: type]?.status == .true }
    public func isFalse(_ type: String) -> Bool { self[type: type]?.status == .false }

    /// Sets a condition. `lastTransitionTime` moves only when the status changes, so readers can
    /// tell when the state really changed; reason, message and observedGeneration always update.
    /// Returns whether anything changed (so callers skip writes that would change nothing).
    @discardableResult
    public mutating func set(
        _ type: String, status: Condition.Status, reason: String, message: String = "", observedGeneration: Int64?,
        now: Date = Date()
    ) -> Bool {
        if let index = firstIndex(where: { $0.type == type }) {
            var condition = self[index]
            if condition.status != status {
                condition.status = status
                condition.lastTransitionTime = Timestamp.time(now)
            }
            condition.reason = reason
            condition.message = message
            condition.observedGeneration = observedGeneration
            guard condition != self[index] else { return false }
            self[index] = condition
            return true
        }
        append(
            Condition(
                type: type, status: status, observedGeneration: observedGeneration, lastTransitionTime: Timestamp.time(now),
                reason: reason, message: message))
        return true
    }

    /// Removes the condition of `type`; returns whether it was there.
    @discardableResult
    public mutating func remove(_ type: String) -> Bool {
        let before = count
        removeAll { $0.type == type }
        return count != before
    }
}
