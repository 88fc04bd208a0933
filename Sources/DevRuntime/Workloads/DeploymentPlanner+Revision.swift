import Foundation
import KubeAPI

extension DeploymentPlanner {
    /// The new ReplicaSet (whose template is the Deployment's) and the old ones, oldest first.
    struct Resolution: Sendable {
        var newRS: ReplicaSetState?
        var old: [ReplicaSetState]

        var all: [ReplicaSetState] { old + (newRS.map { [$0] } ?? []) }
    }

    enum ResolveOutcome: Sendable {
        case resolved(Resolution)
        /// A ReplicaSet not ours already has the new ReplicaSet's name; `collisionCount` was bumped.
        case collision
    }

    static let maxRevisionHistoryLength = 2000

    /// `getAllReplicaSetsAndSyncRevision` / `getNewReplicaSet`: finds the new ReplicaSet and brings
    /// its revision and annotations up to date, or creates it when `create` is set.
    mutating func resolveReplicaSets(create: Bool) -> ResolveOutcome {
        let sorted = owned.sorted(by: ReplicaSetState.olderFirst)
        // After an upgrade there can be two with the template; the oldest is the new one.
        let existing = sorted.first { $0.hasTemplate(equalTo: deployment.template) }
        let old = sorted.filter { $0.name != existing?.name }
        let newRevision = String((old.compactMap(\.revision).max() ?? 0) + 1)

        if let existing {
            var annotations = existing.annotations
            let annotationsUpdated = setNewReplicaSetAnnotations(&annotations, newRevision: newRevision, exists: true)
            if annotationsUpdated || existing.minReadySeconds != deployment.minReadySeconds {
                let updated = update(existing) { [minReady = deployment.minReadySeconds] object in
                    object[path: ["metadata", "annotations"]] = WorkloadJSON.value(annotations)
                    object[path: ["spec", "minReadySeconds"]] = minReady == 0 ? JSONValue?.none : .int(Int64(minReady))
                }
                return .resolved(Resolution(newRS: updated, old: old))
            }
            revision = existing.annotations[DeploymentSpec.revisionAnnotation] ?? ""
            if deployment.progressDeadlineSeconds != nil && DeploymentCondition.find(DeploymentCondition.progressing, in: conditions) == nil
            {
                DeploymentCondition.set(
                    DeploymentCondition(
                        type: DeploymentCondition.progressing, status: "True", reason: "FoundNewReplicaSet",
                        message: "Found new replica set \"\(existing.name)\"", now: now),
                    in: &conditions)
            }
            return .resolved(Resolution(newRS: existing, old: old))
        }
        guard create else { return .resolved(Resolution(newRS: nil, old: old)) }

        let hash = PodTemplateHash.compute(
            template: deployment.template, collisionCount: collisionCount.map { Int32(truncatingIfNeeded: $0) })
        var template = deployment.template
        template[path: ["metadata", "labels", PodTemplateHash.labelKey]] = .string(hash)
        var selector = deployment.selectorJSON
        selector[path: ["matchLabels", PodTemplateHash.labelKey]] = .string(hash)
        let name = "\(deployment.name)-\(hash)"
        var metadata: [String: JSONValue] = [
            "name": .string(name),
            "ownerReferences": [
                WorkloadJSON.controllerReference(apiVersion: "apps/v1", kind: "Deployment", name: deployment.name, uid: deployment.uid)
            ],
            "labels": template[path: ["metadata", "labels"]] ?? .object([:]),
            // Not sent (the API server sets it); it orders the new ReplicaSet after the old ones here.
            "creationTimestamp": WorkloadJSON.time(now),
        ]
        if let namespace = deployment.namespace { metadata["namespace"] = .string(namespace) }
        var spec: [String: JSONValue] = ["replicas": 0, "selector": selector, "template": template]
        if deployment.minReadySeconds != 0 { spec["minReadySeconds"] = .int(Int64(deployment.minReadySeconds)) }
        var object: JSONValue = ["apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": .object(metadata), "spec": .object(spec)]

        let replicas = newRSNewReplicas(all: old + [ReplicaSetState(object)], newRS: ReplicaSetState(object))
        var annotations: [String: String] = [:]
        setNewReplicaSetAnnotations(&annotations, newRevision: newRevision, exists: false)
        object[path: ["spec", "replicas"]] = .int(Int64(replicas))
        object[path: ["metadata", "annotations"]] = WorkloadJSON.value(annotations)

        let created: ReplicaSetState
        let alreadyExists: Bool
        if let clash = everyReplicaSet.first(where: { $0.name == name }) {
            // Ours after all (a stale cache), or a hash collision to resolve with a new name.
            guard clash.controllerUID == deployment.uid && clash.hasTemplate(equalTo: deployment.template) else {
                collisionCount = (collisionCount ?? 0) + 1
                return .collision
            }
            created = clash
            alreadyExists = true
        } else {
            pendingWrite[name] = actions.count
            actions.append(.createReplicaSet(object))
            created = ReplicaSetState(object)
            alreadyExists = false
            if replicas > 0 {
                events.append(
                    WorkloadEvent(.normal, reason: "ScalingReplicaSet", message: "Scaled up replica set \(name) from 0 to \(replicas)"))
            }
        }
        revision = newRevision
        if !alreadyExists && deployment.progressDeadlineSeconds != nil {
            DeploymentCondition.set(
                DeploymentCondition(
                    type: DeploymentCondition.progressing, status: "True", reason: "NewReplicaSetCreated",
                    message: "Created new replica set \"\(name)\"", now: now),
                in: &conditions)
        }
        return .resolved(Resolution(newRS: created, old: old))
    }

    /// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, raises the revision to
    /// `newRevision` (remembering the old one in `revision-history`) and, for a new ReplicaSet, sets
    /// the desired/max replicas. Returns whether anything changed.
    @discardableResult
    func setNewReplicaSetAnnotations(_ annotations: inout [String: String], newRevision: String, exists: Bool) -> Bool {
        var changed = false
        for (key, value) in deployment.annotations.sorted(by: { $0.key < $1.key })
        where !DeploymentSpec.annotationsNotCopied.contains(key) && annotations[key] != value {
            annotations[key] = value
            changed = true
        }
        let oldRevision = annotations[DeploymentSpec.revisionAnnotation]
        let oldRevisionNumber: Int64
        if let oldRevision, !oldRevision.isEmpty {
            // Kubernetes gives up on a ReplicaSet whose revision is not a number.
            guard let parsed = Int64(oldRevision) else { return false }
            oldRevisionNumber = parsed
        } else {
            oldRevisionNumber = 0
        }
        guard let newRevisionNumber = Int64(newRevision) else { return false }
        if oldRevisionNumber < newRevisionNumber {
            annotations[DeploymentSpec.revisionAnnotation] = newRevision
            changed = true
            if let oldRevision {
                appendRevisionHistory(&annotations, oldRevision)
            }
        }
        if !exists {
            annotations[DeploymentSpec.desiredReplicasAnnotation] = String(deployment.replicas)
            annotations[DeploymentSpec.maxReplicasAnnotation] = String(deployment.replicas + deployment.maxSurge)
            changed = true
        }
        return changed
    }

    /// A ReplicaSet rolled back to keeps its earlier revisions, oldest dropped past 2000 characters.
    private func appendRevisionHistory(_ annotations: inout [String: String], _ oldRevision: String) {
        let history = annotations[DeploymentSpec.revisionHistoryAnnotation] ?? ""
        let revisions = history.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if revisions[0].isEmpty {
            annotations[DeploymentSpec.revisionHistoryAnnotation] = oldRevision
            return
        }
        var totalLength = history.count + oldRevision.count + 1
        var start = 0
        while totalLength > Self.maxRevisionHistoryLength && start < revisions.count {
            totalLength -= revisions[start].count + 1
            start += 1
        }
        if totalLength <= Self.maxRevisionHistoryLength {
            annotations[DeploymentSpec.revisionHistoryAnnotation] = (revisions[start...] + [oldRevision]).joined(separator: ",")
        }
    }

    /// `NewRSNewReplicas`: Recreate starts the new ReplicaSet at full size; a rolling update grows it
    /// as far as the surge allows, never past the desired replicas.
    func newRSNewReplicas(all: [ReplicaSetState], newRS: ReplicaSetState) -> Int {
        switch deployment.strategy {
        case .recreate:
            return deployment.replicas
        case .rollingUpdate:
            let current = all.reduce(0) { $0 + $1.replicas }
            let maxTotal = deployment.replicas + deployment.rawMaxSurge
            if current >= maxTotal { return newRS.replicas }
            return newRS.replicas + min(maxTotal - current, deployment.replicas - newRS.replicas)
        }
    }
}
