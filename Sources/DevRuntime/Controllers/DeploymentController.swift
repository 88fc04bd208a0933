import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging

/// The dev cluster's Deployment controller: ReplicaSets per Pod template, rolling updates within
/// `maxSurge` / `maxUnavailable` (or Recreate), revision history and the status and conditions
/// `kubectl rollout status` reads. The decisions are ``DeploymentPlan``'s; this carries them out.
final class DeploymentController: Sendable {
    static let revisionAnnotation = "deployment.kubernetes.io/revision"

    private let deployments: Store<DynamicObject>
    private let replicaSets: Store<DynamicObject>
    private let pods: Store<DynamicObject>
    private let client: KubeClient
    private let writes: WorkloadWrites

    init(manager: Manager, pods podInformer: Informer<DynamicObject>, logger: Logger) {
        let deploymentInformer = manager.informer(DynamicObject.self, resource: .deployments)
        let replicaSetInformer = manager.informer(DynamicObject.self, resource: WorkloadWrites.replicaSets)
        deployments = deploymentInformer.store
        replicaSets = replicaSetInformer.store
        pods = podInformer.store
        client = manager.client
        writes = WorkloadWrites(
            client: manager.client, events: EventRecorder(client: manager.client, component: "deployment-controller", logger: logger),
            expectations: PodExpectations(), logger: logger)
        let controller = manager.controller(name: "deployment") { [weak self] key in
            guard let self else { return .awaitChange }
            return try await self.reconcile(key)
        }
        controller.watchPrimary(deploymentInformer)
        let deployments = self.deployments
        let replicaSets = self.replicaSets
        controller.watch(replicaSetInformer) { replicaSet in
            // An orphan: any Deployment of its namespace may adopt it.
            guard replicaSet.controllerKey() != nil else {
                return deployments.list(namespace: replicaSet.metadata.namespace).map(\.objectKey)
            }
            return replicaSet.controllerKey(kind: "Deployment").map { [$0] } ?? []
        }
        // Pods matter only to Recreate, which waits until no old Pod runs: map a Pod to its ReplicaSet's Deployment.
        controller.watch(podInformer) { pod in
            guard let replicaSet = pod.controllerKey(kind: "ReplicaSet").flatMap(replicaSets.get),
                let deployment = replicaSet.controllerKey(kind: "Deployment")
            else { return [] }
            return [deployment]
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard var deployment = deployments.get(key)?.json else { return .awaitChange }
        let reference = WorkloadWrites.reference(to: deployment, type: .deployments)
        let plan: DeploymentPlan
        do {
            plan = try DeploymentPlan.plan(
                deployment: deployment, replicaSets: replicaSets.list(namespace: key.namespace).map(\.json),
                pods: pods.list(namespace: key.namespace).map(\.json), now: Date())
        } catch {
            await writes.events.record(about: reference, type: .warning, reason: "InvalidSpec", message: error.description)
            throw TerminalError("deployment \(key): \(error)")
        }
        for action in plan.actions {
            switch action {
            case .createReplicaSet(let replicaSet):
                do {
                    try await client.create(WorkloadWrites.replicaSets, namespace: key.namespace, object: replicaSet)
                } catch let error as KubeError where error.code == .alreadyExists {
                    // Another ReplicaSet has the name: once the cache shows it, the plan bumps collisionCount.
                    return .requeue(after: .milliseconds(200))
                }
            case .updateReplicaSet(let replicaSet):
                try await client.update(
                    WorkloadWrites.replicaSets, namespace: key.namespace, name: replicaSet[path: ["metadata", "name"]]?.stringValue ?? "",
                    object: replicaSet)
            case .deleteReplicaSet(let child):
                var options = DeleteOptions()
                options.preconditionUID = child.uid
                do {
                    try await client.delete(WorkloadWrites.replicaSets, namespace: key.namespace, name: child.name, options: options)
                } catch let error as KubeError where error.code == .notFound {
                }
            }
        }
        await writes.record(plan.events, about: reference)
        if let revision = plan.revision {
            // Kubernetes writes the annotation with the status; the dev API server's status writes keep metadata, so it goes first.
            let patch: JSONValue = [
                "metadata": [
                    "annotations": [Self.revisionAnnotation: .string(revision)],
                    "resourceVersion": deployment[path: ["metadata", "resourceVersion"]] ?? .null,
                ]
            ]
            deployment = try await client.patch(.deployments, namespace: key.namespace, name: key.name, patch: patch, patchType: .merge)
        }
        if plan.statusChanged {
            try await writes.updateStatus(.deployments, object: deployment, status: plan.status)
        }
        return plan.requeueAfter.map { .requeue(after: $0) } ?? .awaitChange
    }
}
