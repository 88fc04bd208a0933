import Foundation

extension ReconcileAction {
    /// The earlier of two actions; waiting for a change is the latest of all.
    public static func sooner(_ a: ReconcileAction, _ b: ReconcileAction) -> ReconcileAction {
        switch (a, b) {
        case (.requeue(let x), .requeue(let y)): .requeue(after: min(x, y))
        case (.requeue, .awaitChange): a
        case (.awaitChange, _): b
        }
    }

    /// Reconcile again just after `date` (at once when it has passed); wait for a change without one.
    public static func requeue(until date: Date?, now: Date) -> ReconcileAction {
        guard let date else { return .awaitChange }
        return .requeue(after: .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000) + 100))
    }
}

/// When a span of seconds counted from a recorded moment ends: an `activeDeadlineSeconds` from the
/// start, a `ttlSecondsAfterFinished` from the completion. Nil when either is missing, so callers
/// need no special case for "no deadline".
public func deadline(seconds: Int64?, from start: String?) -> Date? {
    guard let seconds, let start = start.flatMap(Timestamp.parse) else { return nil }
    return start.addingTimeInterval(TimeInterval(seconds))
}
