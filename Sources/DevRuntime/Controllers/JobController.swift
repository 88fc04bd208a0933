import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

/// The dev cluster's Job controller (`batch/v1`, non-indexed): Pods up to `parallelism` until
/// `completions` succeed, `backoffLimit` with back-off, `activeDeadlineSeconds`, `suspend`,
/// `ttlSecondsAfterFinished`, and the Complete / Failed conditions `kubectl wait` reads. Finished
/// Pods are counted through the job-tracking finalizer, as Kubernetes counts them. The decisions are
/// ``JobPlan``'s; this carries them out in the order the plan prescribes.
final class JobController: Sendable {
    /// The labels the API server gives a Job without `manualSelector`; the dev API server stores
    /// Jobs as they come, so the controller sets them before anything else.
    static let controllerUIDLabels = ["batch.kubernetes.io/controller-uid", "controller-uid"]
    static let jobNameLabels = ["batch.kubernetes.io/job-name", "job-name"]

    private let jobs: Store<DynamicObject>
    private let pods: Store<DynamicObject>
    private let client: KubeClient
    private let writes: WorkloadWrites
    private let expectations = PodExpectations()
    /// Pods whose tracking finalizer this controller removed and whose change its cache has not shown.
    private let removalsInFlight = Mutex<[ObjectKey: Set<String>]>([:])

    init(manager: Manager, pods podInformer: Informer<DynamicObject>, logger: Logger) {
        let jobInformer = manager.informer(DynamicObject.self, resource: WorkloadWrites.jobs)
        jobs = jobInformer.store
        pods = podInformer.store
        client = manager.client
        writes = WorkloadWrites(
            client: manager.client, events: EventRecorder(client: manager.client, component: "job-controller", logger: logger),
            expectations: expectations, logger: logger)
        podInformer.addHandler(expectations.handler(ownerKind: "Job"))
        podInformer.addHandler(
            EventHandler(
                onUpdate: { [weak self] _, pod in
                    guard !(pod.metadata.finalizers ?? []).contains(JobPlan.trackingFinalizer), let uid = pod.metadata.uid,
                        let job = pod.controllerKey(kind: "Job")
                    else { return }
                    self?.removalsInFlight.withLock { _ = $0[job]?.remove(uid) }
                },
                onDelete: { [weak self] pod in
                    guard let uid = pod.metadata.uid, let job = pod.controllerKey(kind: "Job") else { return }
                    self?.removalsInFlight.withLock { _ = $0[job]?.remove(uid) }
                }))
        let controller = manager.controller(name: "job") { [weak self] key in
            guard let self else { return .awaitChange }
            return try await self.reconcile(key)
        }
        controller.watchPrimary(jobInformer)
        controller.watchOwned(podInformer, ownerKind: "Job")
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let job = jobs.get(key)?.json else {
            try await releaseOrphans(key)
            expectations.forget(key)
            removalsInFlight.withLock { $0[key] = nil }
            return .awaitChange
        }
        if let defaulted = Self.withAPIDefaults(job) {
            try await client.update(WorkloadWrites.jobs, namespace: key.namespace, name: key.name, object: defaulted)
            return .awaitChange
        }
        let reference = WorkloadWrites.reference(to: job, type: WorkloadWrites.jobs)
        let namespacePods = pods.list(namespace: key.namespace).map(\.json)
        let plan: JobPlan
        do {
            plan = try JobPlan.plan(
                job: job, pods: namespacePods, expectationsSatisfied: expectations.satisfied(key),
                finalizerRemovalsInFlight: removalsInFlight.withLock { $0[key] ?? [] }, now: Date())
        } catch {
            await writes.events.record(about: reference, type: .warning, reason: "InvalidSpec", message: error.description)
            throw TerminalError("job \(key): \(error)")
        }
        let cached = { (name: String) in self.pods.get(namespace: key.namespace, name: name)?.json }

        // 1. Pod deletions and creations.
        var failure: String?
        for deletion in plan.podsToDelete where deletion.removeTrackingFinalizerFirst {
            try await removeTrackingFinalizer(deletion.pod, job: key, cached: cached(deletion.pod.name))
        }
        if !plan.podsToDelete.isEmpty {
            failure = await writes.deletePods(plan.podsToDelete.map(\.pod), owner: key, ownerReference: reference)
        }
        if !plan.podsToCreate.isEmpty {
            failure = await writes.createPods(plan.podsToCreate, owner: key, ownerReference: reference) ?? failure
        }
        // 2. Record which Pods are about to be counted.
        var current = job
        if let status = plan.statusBeforeFinalizerRemoval {
            current = try await writes.updateStatus(WorkloadWrites.jobs, object: current, status: status)
        }
        // 3. Release the counted Pods.
        var removed = true
        for pod in plan.finalizersToRemove {
            do {
                try await removeTrackingFinalizer(pod, job: key, cached: cached(pod.name))
            } catch {
                removed = false
                failure = failure ?? "removing the tracking finalizer of pod \(pod.name): \(error)"
            }
        }
        // 4. The status, only once every counted Pod is released.
        if plan.statusChanged && removed {
            current = try await writes.updateStatus(WorkloadWrites.jobs, object: current, status: plan.status)
        }
        await writes.record(plan.events, about: reference)
        // 5. The TTL after finishing ran out.
        if plan.deleteJob {
            var options = DeleteOptions()
            options.propagationPolicy = .foreground
            options.preconditionUID = job[path: ["metadata", "uid"]]?.stringValue
            do {
                try await client.delete(WorkloadWrites.jobs, namespace: key.namespace, name: key.name, options: options)
            } catch let error as KubeError where error.code == .notFound {
            }
        }
        if let failure { throw WorkloadWriteFailed(message: "job \(key): \(failure)") }
        return plan.requeueAfter.map { .requeue(after: $0) } ?? .awaitChange
    }

    private func removeTrackingFinalizer(_ pod: ChildReference, job: ObjectKey, cached: JSONValue?) async throws {
        removalsInFlight.withLock { _ = $0[job, default: []].insert(pod.uid) }
        do {
            try await writes.removeFinalizer(JobPlan.trackingFinalizer, from: pod, namespace: job.namespace, cached: cached)
        } catch {
            removalsInFlight.withLock { _ = $0[job]?.remove(pod.uid) }
            throw error
        }
    }

    /// The Job is gone (deleted in the background, or orphaning): its Pods must not keep the
    /// tracking finalizer, or they could never be deleted.
    private func releaseOrphans(_ key: ObjectKey) async throws {
        for pod in pods.list(namespace: key.namespace) {
            guard (pod.metadata.finalizers ?? []).contains(JobPlan.trackingFinalizer),
                pod.controllerKey(kind: "Job") == key,
                let uid = pod.metadata.uid, let name = pod.metadata.name
            else { continue }
            try await writes.removeFinalizer(
                JobPlan.trackingFinalizer, from: ChildReference(name: name, uid: uid), namespace: key.namespace, cached: pod.json)
        }
    }

    /// The Job with the selector and template labels the Kubernetes API server adds when
    /// `manualSelector` is not set, or nil when it has them already.
    static func withAPIDefaults(_ job: JSONValue) -> JSONValue? {
        guard job[path: ["spec", "manualSelector"]]?.boolValue != true, job[path: ["spec", "selector"]] == nil,
            let uid = job[path: ["metadata", "uid"]]?.stringValue, let name = job[path: ["metadata", "name"]]?.stringValue,
            job[path: ["spec", "template"]]?.objectValue != nil
        else { return nil }
        var defaulted = job
        var labels = job[path: ["spec", "template", "metadata", "labels"]]?.objectValue ?? [:]
        for label in controllerUIDLabels { labels[label] = .string(uid) }
        for label in jobNameLabels { labels[label] = .string(name) }
        defaulted[path: ["spec", "template", "metadata", "labels"]] = .object(labels)
        defaulted[path: ["spec", "selector"]] = ["matchLabels": [controllerUIDLabels[0]: .string(uid)]]
        return defaulted
    }
}
