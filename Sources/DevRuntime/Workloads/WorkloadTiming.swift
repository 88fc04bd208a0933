import Foundation

/// Turns "re-check at this time" into the delay a plan returns.
enum WorkloadTiming {
    /// Added to delays for checks that pass only strictly after a boundary (`t.Before(now)`), so the
    /// re-check does not land exactly on it. Kubernetes adds a whole second for the same reason.
    static let strictBoundaryMargin: Duration = .milliseconds(50)

    static func delay(until deadline: Date, from now: Date, strictlyAfter: Bool) -> Duration {
        let seconds = max(0, deadline.timeIntervalSince(now))
        let delay = Duration.milliseconds(Int64((seconds * 1000).rounded(.up)))
        return strictlyAfter ? delay + strictBoundaryMargin : delay
    }
}
