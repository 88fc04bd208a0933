import Foundation
import KubeAPI

extension DeploymentPlanner {
    /// `rolloutRolling`: grow the new ReplicaSet within the surge; otherwise shrink old ones within
    /// the unavailability budget; once complete, prune old revisions.
    mutating func rolloutRolling(_ resolution: Resolution) -> DeploymentPlan {
        var resolution = resolution
        if resolution.newRS == nil {
            guard case .resolved(let created) = resolveReplicaSets(create: true) else { return collided() }
            resolution = created
        }
        guard let newRS = resolution.newRS else { return finish(calculateStatus(resolution.all, newRS: nil)) }
        let all = resolution.all

        if reconcileNewReplicaSet(all: all, newRS: newRS) {
            return syncRolloutStatus(all, newRS: newRS)
        }
        if reconcileOldReplicaSets(all: all, oldActive: resolution.old.filter { $0.replicas > 0 }, newRS: newRS) {
            return syncRolloutStatus(all, newRS: newRS)
        }
        if deploymentComplete(storedStatus) {
            cleanupDeployment(resolution.old)
        }
        return syncRolloutStatus(all, newRS: newRS)
    }

    mutating func reconcileNewReplicaSet(all: [ReplicaSetState], newRS: ReplicaSetState) -> Bool {
        if newRS.replicas == deployment.replicas { return false }
        if newRS.replicas > deployment.replicas {
            return scaleReplicaSetAndRecordEvent(newRS, to: deployment.replicas).scaled
        }
        return scaleReplicaSetAndRecordEvent(newRS, to: newRSNewReplicas(all: all, newRS: newRS)).scaled
    }

    /// `reconcileOldReplicaSets`: the old ReplicaSets may lose at most
    /// `all replicas - minAvailable - unavailable new replicas`, unhealthy replicas first.
    mutating func reconcileOldReplicaSets(all: [ReplicaSetState], oldActive: [ReplicaSetState], newRS: ReplicaSetState) -> Bool {
        let oldPods = oldActive.reduce(0) { $0 + $1.replicas }
        if oldPods == 0 { return false }
        let allPods = all.reduce(0) { $0 + $1.replicas }
        let minAvailable = deployment.replicas - deployment.maxUnavailable
        let newUnavailable = newRS.replicas - newRS.availableReplicas
        let maxScaledDown = allPods - minAvailable - newUnavailable
        if maxScaledDown <= 0 { return false }

        guard let (cleaned, cleanedUp) = cleanupUnhealthyReplicas(oldActive, maxCleanup: maxScaledDown) else { return false }
        let scaledDown = scaleDownOldReplicaSetsForRollingUpdate(all: cleaned + [newRS], old: cleaned)
        return cleanedUp + scaledDown > 0
    }

    /// `cleanupUnhealthyReplicas`: scale old ReplicaSets down by their unavailable replicas, oldest
    /// first; the ReplicaSet controller then deletes exactly those (not-ready Pods go first).
    /// nil where Kubernetes fails the step: a stale status with more available than desired replicas.
    mutating func cleanupUnhealthyReplicas(_ old: [ReplicaSetState], maxCleanup: Int) -> ([ReplicaSetState], Int)? {
        var old = old.sorted(by: ReplicaSetState.olderFirst)
        var total = 0
        for index in old.indices {
            if total >= maxCleanup { break }
            let rs = old[index]
            if rs.replicas == 0 || rs.replicas == rs.availableReplicas { continue }
            let count = min(maxCleanup - total, rs.replicas - rs.availableReplicas)
            let newCount = rs.replicas - count
            if newCount > rs.replicas { return nil }
            old[index] = scaleReplicaSetAndRecordEvent(rs, to: newCount).rs
            total += count
        }
        return (old, total)
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: remove available old replicas above `minAvailable`, oldest first.
    mutating func scaleDownOldReplicaSetsForRollingUpdate(all: [ReplicaSetState], old: [ReplicaSetState]) -> Int {
        let minAvailable = deployment.replicas - deployment.maxUnavailable
        let available = all.reduce(0) { $0 + $1.availableReplicas }
        if available <= minAvailable { return 0 }
        let target = available - minAvailable
        var total = 0
        for rs in old.sorted(by: ReplicaSetState.olderFirst) {
            if total >= target { break }
            if rs.replicas == 0 { continue }
            let count = min(rs.replicas, target - total)
            scaleReplicaSetAndRecordEvent(rs, to: rs.replicas - count)
            total += count
        }
        return total
    }

    /// `rolloutRecreate`: scale every old ReplicaSet to zero, wait until none of their Pods runs,
    /// then create or scale up the new ReplicaSet.
    mutating func rolloutRecreate(_ resolution: Resolution) -> DeploymentPlan {
        var scaledDown = false
        for rs in resolution.old where rs.replicas > 0 {
            if scaleReplicaSetAndRecordEvent(rs, to: 0).scaled { scaledDown = true }
        }
        if scaledDown || oldPodsRunning(resolution) {
            return syncRolloutStatus(resolution.all, newRS: resolution.newRS)
        }
        var resolution = resolution
        if resolution.newRS == nil {
            guard case .resolved(let created) = resolveReplicaSets(create: true) else { return collided() }
            resolution = created
        }
        if let newRS = resolution.newRS {
            scaleReplicaSetAndRecordEvent(newRS, to: deployment.replicas)
        }
        if deploymentComplete(storedStatus) {
            cleanupDeployment(resolution.old)
        }
        return syncRolloutStatus(resolution.all, newRS: resolution.newRS)
    }

    /// `oldPodsRunning`: an old ReplicaSet still reports Pods, or a Pod of one is not finished.
    func oldPodsRunning(_ resolution: Resolution) -> Bool {
        if resolution.old.reduce(0, { $0 + $1.statusReplicas }) > 0 { return true }
        let oldUIDs = Set(owned.map(\.uid)).subtracting([resolution.newRS?.uid].compactMap { $0 })
        return pods.contains { pod in
            guard let controller = pod.controllerUID, oldUIDs.contains(controller), deployment.selector.matches(pod.labels) else {
                return false
            }
            return !pod.isTerminal
        }
    }

    /// `sync`: a paused Deployment or a change of `spec.replicas` scales without rolling out.
    mutating func sync(_ resolution: Resolution) -> DeploymentPlan {
        scale(resolution)
        if deployment.paused {
            cleanupDeployment(resolution.old)
        }
        return finish(calculateStatus(resolution.all, newRS: resolution.newRS))
    }

    /// `isScalingEvent`: an active ReplicaSet was sized for a different `spec.replicas`.
    func isScalingEvent(_ resolution: Resolution) -> Bool {
        resolution.all.contains { rs in
            guard rs.replicas > 0, let desired = rs.annotations[DeploymentSpec.desiredReplicasAnnotation].flatMap({ Int($0) }) else {
                return false
            }
            return desired != deployment.replicas
        }
    }

    /// `scale`: one active ReplicaSet takes the new size; a saturated new one lets the old ones go;
    /// otherwise (a rolling update in progress) the change is spread over the active ReplicaSets in
    /// proportion to their size, largest first, the rounding leftover going to the first.
    mutating func scale(_ resolution: Resolution) {
        if let target = findActiveOrLatest(resolution) {
            if target.replicas != deployment.replicas {
                scaleReplicaSetAndRecordEvent(target, to: deployment.replicas)
            }
            return
        }
        if let newRS = resolution.newRS, isSaturated(newRS) {
            for rs in resolution.old where rs.replicas > 0 {
                scaleReplicaSetAndRecordEvent(rs, to: 0)
            }
            return
        }
        guard deployment.isRollingUpdate else { return }
        var active = resolution.all.filter { $0.replicas > 0 }
        let activeReplicas = active.reduce(0) { $0 + $1.replicas }
        let allowedSize = deployment.replicas > 0 ? deployment.replicas + deployment.maxSurge : 0
        let toAdd = allowedSize - activeReplicas
        var operation = ""
        if toAdd > 0 {
            active.sort { $0.replicas != $1.replicas ? $0.replicas > $1.replicas : ReplicaSetState.olderFirst($1, $0) }
            operation = "up"
        } else if toAdd < 0 {
            active.sort { $0.replicas != $1.replicas ? $0.replicas > $1.replicas : ReplicaSetState.olderFirst($0, $1) }
            operation = "down"
        }
        var added = 0
        var sizes: [Int] = []
        for rs in active {
            let proportion = toAdd == 0 ? 0 : proportion(of: rs, toAdd: toAdd, added: added)
            sizes.append(rs.replicas + proportion)
            added += proportion
        }
        for (index, rs) in active.enumerated() {
            var size = sizes[index]
            if index == 0 && toAdd != 0 {
                size = max(0, size + toAdd - added)
            }
            scaleReplicaSet(rs, to: size, operation: operation)
        }
    }

    /// `FindActiveOrLatest`: the only active ReplicaSet, or the newest when none is active; nil when
    /// several are active.
    func findActiveOrLatest(_ resolution: Resolution) -> ReplicaSetState? {
        let newestFirst = resolution.old.sorted { ReplicaSetState.olderFirst($1, $0) }
        let active = (newestFirst + (resolution.newRS.map { [$0] } ?? [])).filter { $0.replicas > 0 }
        switch active.count {
        case 0: return resolution.newRS ?? newestFirst.first
        case 1: return active[0]
        default: return nil
        }
    }

    /// `IsSaturated`: sized for the current replicas and all of them available.
    func isSaturated(_ rs: ReplicaSetState) -> Bool {
        guard let desired = rs.annotations[DeploymentSpec.desiredReplicasAnnotation].flatMap({ Int($0) }) else { return false }
        return rs.replicas == deployment.replicas && desired == deployment.replicas && rs.availableReplicas == deployment.replicas
    }

    /// `GetProportion`: this ReplicaSet's share of the change, within what is left to hand out.
    func proportion(of rs: ReplicaSetState, toAdd: Int, added: Int) -> Int {
        if rs.replicas == 0 || toAdd == 0 || toAdd == added { return 0 }
        let fraction = replicaSetFraction(rs)
        let allowed = toAdd - added
        return toAdd > 0 ? min(fraction, allowed) : max(fraction, allowed)
    }

    /// `getReplicaSetFraction`: the size the ReplicaSet would have at the new total, from the total it
    /// was sized for (its max-replicas annotation, else the current status replicas), minus its size.
    func replicaSetFraction(_ rs: ReplicaSetState) -> Int {
        if deployment.replicas == 0 { return -rs.replicas }
        let total = deployment.replicas + deployment.maxSurge
        let annotated = rs.annotations[DeploymentSpec.maxReplicasAnnotation].flatMap { Int($0) } ?? deployment.statusCount("replicas")
        // Kubernetes divides by zero here (the result is undefined); no share is the safe answer.
        guard annotated > 0 else { return 0 }
        let size = (Double(rs.replicas * total) / Double(annotated)).rounded(.toNearestOrAwayFromZero)
        return Int(size) - rs.replicas
    }

    /// `cleanupDeployment`: delete the oldest revisions beyond `revisionHistoryLimit`, only those
    /// scaled to zero whose status has caught up.
    mutating func cleanupDeployment(_ old: [ReplicaSetState]) {
        guard let limit = deployment.revisionHistoryLimit else { return }
        let cleanable = old.filter { !$0.deleting }
        let surplus = cleanable.count - limit
        guard surplus > 0 else { return }
        let byRevision = cleanable.sorted { a, b in
            guard let ra = a.revision, let rb = b.revision, ra != rb else { return ReplicaSetState.olderFirst(a, b) }
            return ra < rb
        }
        for rs in byRevision.prefix(surplus) {
            if rs.statusReplicas != 0 || rs.replicas != 0 || rs.generation > rs.observedGeneration || rs.deleting { continue }
            actions.append(.deleteReplicaSet(ChildReference(name: rs.name, uid: rs.uid)))
        }
    }
}
