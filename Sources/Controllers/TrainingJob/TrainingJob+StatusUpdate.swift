import ControllerRuntime
import Foundation
import KubeAPI
import TrainyardAPI

/// A TrainingJob's status as a reconcile changes it, written only if it changed. Conditions keep
/// their `lastTransitionTime` unless their status changes.
struct StatusUpdate {
    let job: TrainingJob
    var status: TrainingJobStatus
    var conditions: [Condition]
    private let original: TrainingJobStatus

    init(job: TrainingJob) {
        self.job = job
        original = job.status ?? TrainingJobStatus()
        status = original
        conditions = original.conditions ?? []
        status.observedGeneration = job.metadata.generation
    }

    var changed: Bool {
        var current = status
        current.conditions = conditions.isEmpty && original.conditions == nil ? nil : conditions
        return current != original
    }

    var isFinished: Bool { status.phase == .succeeded || status.phase == .failed }

    mutating func set(_ type: String, _ value: Condition.Status, reason: String, message: String) {
        conditions.set(type, status: value, reason: reason, message: message, observedGeneration: job.metadata.generation)
    }

    mutating func clearTrackingUnavailable() {
        if conditions.isTrue("TrackingUnavailable") {
            set("TrackingUnavailable", .false, reason: "MLflowReachable", message: "MLflow answers again")
        }
    }

    /// The job ended: phase, completion time and the Succeeded / Failed / Running conditions.
    mutating func finish(_ phase: TrainingJobPhase, reason: String, message: String, now: Date) {
        status.phase = phase
        status.completionTime = status.completionTime ?? Timestamp.time(now)
        let succeeded = phase == .succeeded
        set(TrainingJob.ConditionType.succeeded.rawValue, succeeded ? .true : .false, reason: reason, message: message)
        set(TrainingJob.ConditionType.failed.rawValue, succeeded ? .false : .true, reason: reason, message: message)
        set(TrainingJob.ConditionType.running.rawValue, .false, reason: succeeded ? "Completed" : reason, message: message)
    }
}
