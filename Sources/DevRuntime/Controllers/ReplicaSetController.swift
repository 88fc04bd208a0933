import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

/// The dev cluster's ReplicaSet controller: keeps `spec.replicas` Pods of each ReplicaSet, adopts
/// matching orphans, releases Pods that stopped matching, and writes the status Deployments and
/// `kubectl` read. The decisions are ``ReplicaSetPlan``'s; this carries them out.
final class ReplicaSetController: Sendable {
    private let replicaSets: Store<DynamicObject>
    private let pods: Store<DynamicObject>
    private let writes: WorkloadWrites
    private let expectations = PodExpectations()
    /// The failure of the last sync's Pod writes, reported as the ReplicaFailure condition.
    private let lastFailure = Mutex<[ObjectKey: String]>([:])

    init(manager: Manager, pods podInformer: Informer<DynamicObject>, logger: Logger) {
        let replicaSetInformer = manager.informer(DynamicObject.self, resource: WorkloadWrites.replicaSets)
        replicaSets = replicaSetInformer.store
        pods = podInformer.store
        writes = WorkloadWrites(
            client: manager.client, events: EventRecorder(client: manager.client, component: "replicaset-controller", logger: logger),
            expectations: expectations, logger: logger)
        // Before the controller's own handler, so a reconcile never sees a Pod its expectations have not.
        podInformer.addHandler(expectations.handler(ownerKind: "ReplicaSet"))
        let controller = manager.controller(name: "replicaset") { [weak self] key in
            guard let self else { return .awaitChange }
            return try await self.reconcile(key)
        }
        controller.watchPrimary(replicaSetInformer)
        let replicaSets = self.replicaSets
        controller.watch(podInformer) { pod in
            // An orphan: any ReplicaSet of its namespace may adopt it.
            guard pod.controllerKey() != nil else { return replicaSets.list(namespace: pod.metadata.namespace).map(\.objectKey) }
            return pod.controllerKey(kind: "ReplicaSet").map { [$0] } ?? []
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let replicaSet = replicaSets.get(key)?.json else {
            expectations.forget(key)
            lastFailure.withLock { $0[key] = nil }
            return .awaitChange
        }
        let reference = WorkloadWrites.reference(to: replicaSet, type: WorkloadWrites.replicaSets)
        let plan: ReplicaSetPlan
        do {
            plan = try ReplicaSetPlan.plan(
                replicaSet: replicaSet, pods: pods.list(namespace: key.namespace).map(\.json),
                expectationsSatisfied: expectations.satisfied(key), manageReplicasError: lastFailure.withLock { $0[key] },
                now: Date())
        } catch {
            await writes.events.record(about: reference, type: .warning, reason: "InvalidSpec", message: error.description)
            throw TerminalError("replicaset \(key): \(error)")
        }
        for pod in plan.podsToAdopt {
            guard let cached = pods.get(namespace: key.namespace, name: pod.name)?.json,
                cached[path: ["metadata", "uid"]]?.stringValue == pod.uid
            else { continue }
            let others = (cached[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [])
            try await writes.setOwnerReferences(of: cached, to: others + [plan.controllerReference])
        }
        for pod in plan.podsToRelease {
            guard let cached = pods.get(namespace: key.namespace, name: pod.name)?.json,
                cached[path: ["metadata", "uid"]]?.stringValue == pod.uid
            else { continue }
            let uid = replicaSet[path: ["metadata", "uid"]]
            let others = (cached[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).filter { $0["uid"] != uid }
            try await writes.setOwnerReferences(of: cached, to: others)
        }
        var failure: String?
        if !plan.podsToCreate.isEmpty {
            failure = await writes.createPods(plan.podsToCreate, owner: key, ownerReference: reference)
        }
        if !plan.podsToDelete.isEmpty {
            failure = await writes.deletePods(plan.podsToDelete, owner: key, ownerReference: reference) ?? failure
        }
        lastFailure.withLock { $0[key] = failure }
        if plan.statusChanged {
            try await writes.updateStatus(WorkloadWrites.replicaSets, object: replicaSet, status: plan.status)
        }
        if let failure { throw WorkloadWriteFailed(message: "replicaset \(key): \(failure)") }
        return plan.requeueAfter.map { .requeue(after: $0) } ?? .awaitChange
    }
}

/// A controller's Pod write failed; the key is retried with back-off and the next status says why.
struct WorkloadWriteFailed: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
