import Foundation
import KubeAPI

/// The mutable state of one Deployment sync. Its methods follow the Kubernetes functions of the same
/// names; where Kubernetes keeps using an object read before it wrote it, so do they, because the
/// status a sync reports is computed from the ReplicaSets as they were when the sync began.
struct DeploymentPlanner {
    let deployment: DeploymentSpec
    let now: Date
    let pods: [ControlledPod]
    /// Every ReplicaSet in the namespace, for name collisions.
    let everyReplicaSet: [ReplicaSetState]
    /// The ReplicaSets this Deployment controls, after adoption and release.
    var owned: [ReplicaSetState] = []

    /// The parts of the Deployment a sync changes in memory before writing: its status conditions,
    /// collision count and revision annotation.
    var conditions: [DeploymentCondition]
    var collisionCount: Int?
    var revision: String?

    var actions: [DeploymentAction] = []
    /// Where each ReplicaSet's pending create or update is in `actions`, so later changes merge into it.
    var pendingWrite: [String: Int] = [:]
    var events: [WorkloadEvent] = []

    init(deployment: DeploymentSpec, replicaSets: [ReplicaSetState], pods: [ControlledPod], now: Date) {
        self.deployment = deployment
        self.now = now
        self.pods = pods
        everyReplicaSet = replicaSets
        conditions = deployment.conditions
        collisionCount = deployment.collisionCount
        revision = deployment.annotations[DeploymentSpec.revisionAnnotation]
    }

    /// `syncDeployment`.
    mutating func run() -> DeploymentPlan {
        if deployment.selector.isEmpty {
            events.append(
                WorkloadEvent(
                    .warning, reason: "SelectingAll", message: "This deployment is selecting all pods. A non-empty selector is required."))
            var status = deployment.status.objectValue ?? [:]
            if deployment.statusCount("observedGeneration") < deployment.generation {
                status["observedGeneration"] = .int(Int64(deployment.generation))
            }
            return finish(status: .object(status), requeueAfter: nil)
        }
        claimReplicaSets()

        if deployment.deleting {
            guard case .resolved(let resolution) = resolveReplicaSets(create: false) else { return collided() }
            return finish(calculateStatus(resolution.all, newRS: resolution.newRS))
        }
        checkPausedConditions()
        guard case .resolved(let resolution) = resolveReplicaSets(create: false) else { return collided() }
        if deployment.paused || isScalingEvent(resolution) {
            return sync(resolution)
        }
        switch deployment.strategy {
        case .recreate: return rolloutRecreate(resolution)
        case .rollingUpdate: return rolloutRolling(resolution)
        }
    }

    /// `getReplicaSetsForDeployment`: keep what it controls and still selects, adopt matching
    /// orphans, release what the selector no longer picks.
    mutating func claimReplicaSets() {
        let controllerReference = WorkloadJSON.controllerReference(
            apiVersion: "apps/v1", kind: "Deployment", name: deployment.name, uid: deployment.uid)
        for rs in everyReplicaSet {
            let decision = ControllerClaim.decide(
                rs.object, labels: rs.labels, owner: (deployment.uid, deployment.namespace, deployment.deleting),
                selector: deployment.selector)
            switch decision {
            case .owned:
                owned.append(rs)
            case .adopt:
                owned.append(
                    update(rs) { object in
                        let references = object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                        object[path: ["metadata", "ownerReferences"]] = .array(references + [controllerReference])
                    })
            case .release:
                _ = update(rs) { [uid = deployment.uid] object in
                    let references = object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                    let kept = references.filter { $0["uid"]?.stringValue != uid }
                    object[path: ["metadata", "ownerReferences"]] = kept.isEmpty ? JSONValue?.none : .array(kept)
                }
            case .ignore:
                break
            }
        }
    }

    /// Records a write of `rs` (merged into an earlier write of the same ReplicaSet in this plan) and
    /// returns the ReplicaSet as the API server would answer it.
    mutating func update(_ rs: ReplicaSetState, _ change: (inout JSONValue) -> Void) -> ReplicaSetState {
        if let index = pendingWrite[rs.name] {
            switch actions[index] {
            case .createReplicaSet(var object):
                change(&object)
                actions[index] = .createReplicaSet(object)
                return ReplicaSetState(object)
            case .updateReplicaSet(var object):
                change(&object)
                actions[index] = .updateReplicaSet(object)
                return ReplicaSetState(object)
            case .deleteReplicaSet:
                break
            }
        }
        var object = rs.object
        change(&object)
        pendingWrite[rs.name] = actions.count
        actions.append(.updateReplicaSet(object))
        return ReplicaSetState(object)
    }

    /// `scaleReplicaSetAndRecordEvent`: nothing when the size is right already.
    @discardableResult
    mutating func scaleReplicaSetAndRecordEvent(_ rs: ReplicaSetState, to newScale: Int) -> (scaled: Bool, rs: ReplicaSetState) {
        guard rs.replicas != newScale else { return (false, rs) }
        return scaleReplicaSet(rs, to: newScale, operation: rs.replicas < newScale ? "up" : "down")
    }

    /// `scaleReplicaSet`: sets the size and the desired/max replicas annotations, which later syncs
    /// use to tell scaling from rolling out and to scale proportionally.
    @discardableResult
    mutating func scaleReplicaSet(_ rs: ReplicaSetState, to newScale: Int, operation: String) -> (scaled: Bool, rs: ReplicaSetState) {
        let desired = String(deployment.replicas)
        let maximum = String(deployment.replicas + deployment.maxSurge)
        let sizeNeedsUpdate = rs.replicas != newScale
        let annotationsNeedUpdate =
            rs.annotations[DeploymentSpec.desiredReplicasAnnotation] != desired
            || rs.annotations[DeploymentSpec.maxReplicasAnnotation] != maximum
        guard sizeNeedsUpdate || annotationsNeedUpdate else { return (false, rs) }
        let updated = update(rs) { object in
            object[path: ["spec", "replicas"]] = .int(Int64(newScale))
            object[path: ["metadata", "annotations", DeploymentSpec.desiredReplicasAnnotation]] = .string(desired)
            object[path: ["metadata", "annotations", DeploymentSpec.maxReplicasAnnotation]] = .string(maximum)
        }
        if sizeNeedsUpdate {
            events.append(
                WorkloadEvent(
                    .normal, reason: "ScalingReplicaSet",
                    message: "Scaled \(operation) replica set \(rs.name) from \(rs.replicas) to \(newScale)"))
        }
        return (sizeNeedsUpdate, updated)
    }

    func finish(_ draft: DeploymentStatusDraft, requeueAfter: Duration? = nil) -> DeploymentPlan {
        finish(status: draft.json, requeueAfter: requeueAfter)
    }

    func finish(status: JSONValue, requeueAfter: Duration?) -> DeploymentPlan {
        // The API server sets creationTimestamp; the plan only kept it to order the new ReplicaSet.
        let actions = actions.map { action -> DeploymentAction in
            guard case .createReplicaSet(var object) = action else { return action }
            object[path: ["metadata", "creationTimestamp"]] = nil
            return .createReplicaSet(object)
        }
        let currentRevision = deployment.annotations[DeploymentSpec.revisionAnnotation]
        return DeploymentPlan(
            actions: actions, revision: revision != currentRevision ? revision : nil, status: status,
            statusChanged: !WorkloadJSON.semanticallyEqual(deployment.status, status), events: events, requeueAfter: requeueAfter)
    }

    /// After a name collision Kubernetes writes the bumped `collisionCount` (with the conditions it
    /// changed so far) and retries, which then hashes the template to a new name.
    func collided() -> DeploymentPlan {
        var status = deployment.status.objectValue ?? [:]
        status["conditions"] = conditions.isEmpty ? JSONValue?.none : .array(conditions.map(\.json))
        status["collisionCount"] = collisionCount.map { .int(Int64($0)) }
        return finish(status: .object(status), requeueAfter: .zero)
    }
}
