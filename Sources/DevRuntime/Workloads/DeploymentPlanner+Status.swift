import ControllerRuntime
import Foundation
import KubeAPI

extension DeploymentPlanner {
    static let newReplicaSetAvailable = "NewReplicaSetAvailable"
    static let progressDeadlineExceeded = "ProgressDeadlineExceeded"
    static let pausedReason = "DeploymentPaused"

    /// The status as stored, in the shape a sync computes.
    var storedStatus: DeploymentStatusDraft {
        DeploymentStatusDraft(
            observedGeneration: deployment.statusCount("observedGeneration"), replicas: deployment.statusCount("replicas"),
            updatedReplicas: deployment.statusCount("updatedReplicas"), readyReplicas: deployment.statusCount("readyReplicas"),
            availableReplicas: deployment.statusCount("availableReplicas"),
            unavailableReplicas: deployment.statusCount("unavailableReplicas"), collisionCount: deployment.collisionCount,
            conditions: deployment.conditions)
    }

    /// `checkPausedConditions`: `Progressing` turns Unknown with DeploymentPaused while paused and
    /// DeploymentResumed after, so the time spent paused never counts against the progress deadline.
    mutating func checkPausedConditions() {
        guard deployment.progressDeadlineSeconds != nil else { return }
        let current = DeploymentCondition.find(DeploymentCondition.progressing, in: conditions)
        if current?.reason == Self.progressDeadlineExceeded { return }
        let pausedConditionExists = current?.reason == Self.pausedReason
        if deployment.paused && !pausedConditionExists {
            DeploymentCondition.set(
                DeploymentCondition(
                    type: DeploymentCondition.progressing, status: "Unknown", reason: Self.pausedReason, message: "Deployment is paused",
                    now: now),
                in: &conditions)
        } else if !deployment.paused && pausedConditionExists {
            DeploymentCondition.set(
                DeploymentCondition(
                    type: DeploymentCondition.progressing, status: "Unknown", reason: "DeploymentResumed", message: "Deployment is resumed",
                    now: now),
                in: &conditions)
        }
    }

    /// `calculateStatus`: counts from the ReplicaSets' status (unavailable from their spec) and the
    /// `Available` condition: at least `replicas - maxUnavailable` available.
    func calculateStatus(_ all: [ReplicaSetState], newRS: ReplicaSetState?) -> DeploymentStatusDraft {
        let available = all.reduce(0) { $0 + $1.availableReplicas }
        let total = all.reduce(0) { $0 + $1.replicas }
        var status = DeploymentStatusDraft(
            observedGeneration: deployment.generation, replicas: all.reduce(0) { $0 + $1.statusReplicas },
            updatedReplicas: newRS?.statusReplicas ?? 0, readyReplicas: all.reduce(0) { $0 + $1.readyReplicas },
            availableReplicas: available, unavailableReplicas: max(0, total - available), collisionCount: collisionCount,
            conditions: conditions)
        let condition =
            available >= deployment.replicas - deployment.maxUnavailable
            ? DeploymentCondition(
                type: DeploymentCondition.available, status: "True", reason: "MinimumReplicasAvailable",
                message: "Deployment has minimum availability.", now: now)
            : DeploymentCondition(
                type: DeploymentCondition.available, status: "False", reason: "MinimumReplicasUnavailable",
                message: "Deployment does not have minimum availability.", now: now)
        DeploymentCondition.set(condition, in: &status.conditions)
        return status
    }

    /// `syncRolloutStatus`: the status plus the `Progressing` verdict (complete, progressing, or past
    /// the deadline) and the ReplicaSets' `ReplicaFailure`.
    mutating func syncRolloutStatus(_ all: [ReplicaSetState], newRS: ReplicaSetState?) -> DeploymentPlan {
        var status = calculateStatus(all, newRS: newRS)
        if deployment.progressDeadlineSeconds == nil {
            DeploymentCondition.remove(DeploymentCondition.progressing, from: &status.conditions)
        }
        let current = DeploymentCondition.find(DeploymentCondition.progressing, in: conditions)
        let alreadyComplete = status.replicas == status.updatedReplicas && current?.reason == Self.newReplicaSetAvailable
        if deployment.progressDeadlineSeconds != nil && !alreadyComplete {
            let subject = newRS.map { "ReplicaSet \"\($0.name)\"" } ?? "Deployment \"\(deployment.name)\""
            if deploymentComplete(status) {
                DeploymentCondition.set(
                    DeploymentCondition(
                        type: DeploymentCondition.progressing, status: "True", reason: Self.newReplicaSetAvailable,
                        message: "\(subject) has successfully progressed.", now: now),
                    in: &status.conditions)
            } else if deploymentProgressing(status) {
                // Progress moves lastUpdateTime even when the reason stays the same.
                var condition = DeploymentCondition(
                    type: DeploymentCondition.progressing, status: "True", reason: "ReplicaSetUpdated",
                    message: "\(subject) is progressing.",
                    now: now)
                if let current {
                    if current.status == "True" { condition.lastTransitionTime = current.lastTransitionTime }
                    DeploymentCondition.remove(DeploymentCondition.progressing, from: &status.conditions)
                }
                DeploymentCondition.set(condition, in: &status.conditions)
            } else if deploymentTimedOut(status) {
                DeploymentCondition.set(
                    DeploymentCondition(
                        type: DeploymentCondition.progressing, status: "False", reason: Self.progressDeadlineExceeded,
                        message: "\(subject) has timed out progressing.", now: now),
                    in: &status.conditions)
            }
        }
        let failures = newRS.map(\.failureConditions).flatMap { $0.isEmpty ? nil : $0 } ?? all.flatMap(\.failureConditions)
        if let failure = failures.first {
            DeploymentCondition.set(failure, in: &status.conditions)
        } else {
            DeploymentCondition.remove(DeploymentCondition.replicaFailure, from: &status.conditions)
        }
        return finish(status, requeueAfter: progressCheckDelay(status))
    }

    /// `DeploymentComplete`: every desired replica updated and available, no old ones left, and the
    /// latest generation observed.
    func deploymentComplete(_ status: DeploymentStatusDraft) -> Bool {
        status.updatedReplicas == deployment.replicas && status.replicas == deployment.replicas
            && status.availableReplicas == deployment.replicas && status.observedGeneration >= deployment.generation
    }

    /// `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones, than stored.
    func deploymentProgressing(_ status: DeploymentStatusDraft) -> Bool {
        let stored = storedStatus
        return status.updatedReplicas > stored.updatedReplicas
            || status.replicas - status.updatedReplicas < stored.replicas - stored.updatedReplicas
            || status.readyReplicas > stored.readyReplicas || status.availableReplicas > stored.availableReplicas
    }

    /// `DeploymentTimedOut`: no progress reported for longer than the deadline.
    func deploymentTimedOut(_ status: DeploymentStatusDraft) -> Bool {
        guard let deadline = deployment.progressDeadlineSeconds,
            let condition = DeploymentCondition.find(DeploymentCondition.progressing, in: status.conditions)
        else { return false }
        if condition.reason == Self.newReplicaSetAvailable { return false }
        if condition.reason == Self.progressDeadlineExceeded { return true }
        let from = condition.lastUpdateTime.flatMap(Timestamp.parse) ?? .distantPast
        return from.addingTimeInterval(TimeInterval(deadline)) < now
    }

    /// `requeueStuckDeployment`, applied to the status being written: re-check when the deadline
    /// would pass without further progress.
    func progressCheckDelay(_ status: DeploymentStatusDraft) -> Duration? {
        guard let deadline = deployment.progressDeadlineSeconds,
            let condition = DeploymentCondition.find(DeploymentCondition.progressing, in: status.conditions),
            !deploymentComplete(status),
            condition.reason != Self.progressDeadlineExceeded, condition.reason != Self.newReplicaSetAvailable
        else { return nil }
        let from = condition.lastUpdateTime.flatMap(Timestamp.parse) ?? now
        return WorkloadTiming.delay(until: from.addingTimeInterval(TimeInterval(deadline)), from: now, strictlyAfter: true)
    }
}
