import ControllerRuntime
import Foundation
import KubeAPI
import TrainyardAPI

/// A TrainingJob's status as one reconcile changes it.
typealias TrainingJobUpdate = StatusUpdate<TrainingJob>

extension StatusUpdate where Resource == TrainingJob {
    var job: TrainingJob { object }

    var isFinished: Bool { status.phase == .succeeded || status.phase == .failed }

    mutating func clearTrackingUnavailable() {
        clear(.trackingUnavailable, reason: "MLflowReachable", message: "MLflow answers again")
    }

    /// The job ended: phase, completion time and the Succeeded / Failed / Running conditions.
    mutating func finish(_ phase: TrainingJobPhase, reason: String, message: String) {
        status.phase = phase
        status.completionTime = status.completionTime ?? Timestamp.time(now)
        let succeeded = phase == .succeeded
        set(.succeeded, succeeded ? .true : .false, reason: reason, message: message)
        set(.failed, succeeded ? .false : .true, reason: reason, message: message)
        set(.running, .false, reason: succeeded ? "Completed" : reason, message: message)
    }
}
