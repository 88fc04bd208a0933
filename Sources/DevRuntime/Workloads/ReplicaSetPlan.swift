import Foundation
import KubeAPI

/// One sync of a ReplicaSet, decided without I/O (Kubernetes' `syncReplicaSet`): which Pods to
/// create, delete, adopt or release, and the status to write.
///
/// The caller performs the Pod writes, then writes `status` when `statusChanged`, then reconciles
/// again after `requeueAfter` even if nothing changes. Creations and deletions in flight must be
/// tracked by the caller (Kubernetes' expectations): pass `expectationsSatisfied: false` while
/// the informer has not yet seen them, and no Pods are created or deleted.
public struct ReplicaSetPlan: Sendable, Equatable {
    /// At most this many Pods are created or deleted in one sync (the controller's `burstReplicas`).
    public static let burstReplicas = 500

    /// Complete Pod objects for `POST`: template labels, annotations and finalizers, `generateName`
    /// `<replicaset>-` and a controller reference to the ReplicaSet.
    public var podsToCreate: [JSONValue]
    /// Pods to delete, in the order Kubernetes ranks them (`getPodsToDelete`).
    public var podsToDelete: [ChildReference]
    /// Orphan Pods the selector matches: add `controllerReference` to their `ownerReferences`.
    public var podsToAdopt: [ChildReference]
    /// Owned Pods the selector no longer matches: remove the reference to this ReplicaSet.
    public var podsToRelease: [ChildReference]
    /// The owner reference created and adopted Pods carry.
    public var controllerReference: JSONValue
    /// The whole `status` to write: counts of the Pods as they were when the plan was made.
    public var status: JSONValue
    public var statusChanged: Bool
    /// When a ready Pod will have been ready for `minReadySeconds` and become available.
    public var requeueAfter: Duration?

    /// - Parameters:
    ///   - replicaSet: the ReplicaSet object.
    ///   - pods: candidate Pods in its namespace (owned and orphans); others' Pods are ignored.
    ///   - relatedPods: every Pod of the ReplicaSet's siblings (same controller) and its own, to prefer
    ///     deleting Pods doubled up on a node; by default `pods`.
    ///   - manageReplicasError: the error from carrying out the previous plan's Pod writes, if any; it
    ///     becomes the `ReplicaFailure` condition, as Kubernetes reports a failed create or delete.
    public static func plan(
        replicaSet: JSONValue, pods: [JSONValue], relatedPods: [JSONValue]? = nil, expectationsSatisfied: Bool = true,
        manageReplicasError: String? = nil, now: Date
    ) throws(WorkloadSpecError) -> ReplicaSetPlan {
        let metadata = replicaSet["metadata"]
        guard let name = metadata?["name"]?.stringValue else { throw .missing("metadata.name") }
        guard let uid = metadata?["uid"]?.stringValue else { throw .missing("metadata.uid") }
        let namespace = metadata?["namespace"]?.stringValue
        let deleting = metadata?["deletionTimestamp"] != nil
        let generation = WorkloadJSON.int(metadata?["generation"]) ?? 0
        guard let selectorJSON = replicaSet[path: ["spec", "selector"]] else { throw .missing("spec.selector") }
        let selector = try WorkloadSelector(selectorJSON, field: "spec.selector")
        guard let template = replicaSet[path: ["spec", "template"]], template.objectValue != nil else {
            throw .missing("spec.template")
        }
        let replicas = WorkloadJSON.int(replicaSet[path: ["spec", "replicas"]]) ?? 1
        let minReadySeconds = WorkloadJSON.int(replicaSet[path: ["spec", "minReadySeconds"]]) ?? 0
        let ownerReference = WorkloadJSON.controllerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: name, uid: uid)

        var plan = ReplicaSetPlan(
            podsToCreate: [], podsToDelete: [], podsToAdopt: [], podsToRelease: [], controllerReference: ownerReference,
            status: .object([:]), statusChanged: false, requeueAfter: nil)

        // Only active Pods count, and only those this ReplicaSet controls or adopts.
        var filtered: [ControlledPod] = []
        for pod in pods.map(ControlledPod.init) where pod.isActive {
            switch ControllerClaim.decide(
                pod.object, labels: pod.labels, owner: (uid, namespace, deleting), selector: selector)
            {
            case .owned: filtered.append(pod)
            case .adopt:
                filtered.append(pod)
                plan.podsToAdopt.append(pod.reference)
            case .release: plan.podsToRelease.append(pod.reference)
            case .ignore: break
            }
        }

        if expectationsSatisfied && !deleting {
            let diff = filtered.count - replicas
            if diff < 0 {
                let count = min(-diff, burstReplicas)
                let pod = podFromTemplate(template, generateName: "\(name)-", namespace: namespace, owner: ownerReference)
                plan.podsToCreate = Array(repeating: pod, count: count)
            } else if diff > 0 {
                let related = (relatedPods ?? pods).map(ControlledPod.init)
                plan.podsToDelete = podsToDelete(filtered, related: related, count: min(diff, burstReplicas), now: now)
                    .map(\.reference)
            }
        }

        let templateLabels = WorkloadJSON.stringMap(template[path: ["metadata", "labels"]])
        let fullyLabeled = filtered.filter { pod in templateLabels.allSatisfy { pod.labels[$0.key] == $0.value } }.count
        let ready = filtered.filter(\.isReady).count
        let available = filtered.filter { $0.isAvailable(minReadySeconds: minReadySeconds, now: now) }.count

        var status = replicaSet["status"]?.objectValue ?? [:]
        status["replicas"] = .int(Int64(filtered.count))
        WorkloadJSON.setOmittingZero(&status, "fullyLabeledReplicas", fullyLabeled)
        WorkloadJSON.setOmittingZero(&status, "readyReplicas", ready)
        WorkloadJSON.setOmittingZero(&status, "availableReplicas", available)
        WorkloadJSON.setOmittingZero(&status, "observedGeneration", generation)
        status["conditions"] = replicaFailureConditions(
            status["conditions"], error: manageReplicasError, diff: filtered.count - replicas, now: now)
        plan.status = .object(status)
        plan.statusChanged = !WorkloadJSON.semanticallyEqual(replicaSet["status"], plan.status)

        // Kubernetes re-checks after minReadySeconds; the next Pod to become available is enough.
        let nextAvailable = filtered.compactMap { $0.availableAt(minReadySeconds: minReadySeconds, now: now) }.min()
        plan.requeueAfter = nextAvailable.map { WorkloadTiming.delay(until: $0, from: now, strictlyAfter: true) }
        return plan
    }

    /// `controller.GetPodFromTemplate`: the template's metadata and spec, owned by the controller.
    static func podFromTemplate(_ template: JSONValue, generateName: String, namespace: String?, owner: JSONValue) -> JSONValue {
        var metadata: [String: JSONValue] = ["generateName": .string(generateName), "ownerReferences": [owner]]
        if let namespace { metadata["namespace"] = .string(namespace) }
        for key in ["labels", "annotations", "finalizers"] {
            if let value = template[path: ["metadata", key]], WorkloadJSON.normalized(value) != nil { metadata[key] = value }
        }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": template["spec"] ?? .object([:])]
    }

    /// `getPodsToDelete`: all of them if that many, else the first `count` in deletion order, ranking
    /// each Pod by how many active related Pods share its node.
    static func podsToDelete(_ pods: [ControlledPod], related: [ControlledPod], count: Int, now: Date) -> [ControlledPod] {
        guard count < pods.count else { return pods }
        var podsOnNode: [String: Int] = [:]
        for pod in related where pod.isActive { podsOnNode[pod.nodeName, default: 0] += 1 }
        let ranks = pods.map { podsOnNode[$0.nodeName] ?? 0 }
        return Array(PodDeletionOrder.sortedWithRanks(pods, ranks: ranks, now: now).prefix(count))
    }

    /// Sets `ReplicaFailure` (FailedCreate / FailedDelete) after a failed Pod write and clears it after a
    /// successful sync, as `calculateStatus` does.
    static func replicaFailureConditions(_ current: JSONValue?, error: String?, diff: Int, now: Date) -> JSONValue? {
        var conditions = current?.arrayValue ?? []
        let existing = conditions.firstIndex { $0["type"]?.stringValue == "ReplicaFailure" }
        if let error, existing == nil {
            let reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : ""
            conditions.append([
                "type": "ReplicaFailure", "status": "True", "lastTransitionTime": WorkloadJSON.time(now),
                "reason": .string(reason), "message": .string(error),
            ])
        } else if error == nil, let existing {
            conditions.remove(at: existing)
        }
        return conditions.isEmpty ? JSONValue?.none : .array(conditions)
    }
}
