import Foundation
import KubeAPI

extension JobPlanner {
    /// `manageJob`: delete every active Pod of a suspended Job; otherwise delete surplus Pods or
    /// create missing ones (after the failure back-off), never both in one sync.
    mutating func manageJob(activePods: [ControlledPod], succeeded: Int) {
        if job.suspended {
            delete(activePods)
            return
        }
        var wantActive: Int
        if let completions = job.completions {
            wantActive = max(0, min(completions - succeeded, job.parallelism))
        } else {
            // A work queue: once a Pod succeeded, let the others finish and start no more.
            wantActive = succeeded > 0 ? active : job.parallelism
        }
        let surplus = max(0, active - wantActive)
        if surplus > 0 {
            delete(Array(PodDeletionOrder.sortedActivePods(activePods).prefix(min(surplus, JobPlan.maxPodCreateDeletePerSync))))
            return
        }
        let waitingReplacement = job.replaceOnlyFailedPods ? terminating : 0
        let missing = wantActive - waitingReplacement - active
        guard missing > 0 else { return }
        let backoff = JobPodBackoff.remaining(pods: pods, job: job, journaledFailures: journaledFailed, now: now)
        if backoff > 0 {
            requeue(WorkloadTiming.delay(until: now.addingTimeInterval(backoff), from: now, strictlyAfter: false))
            return
        }
        let count = min(missing, JobPlan.maxPodCreateDeletePerSync)
        podsToCreate = Array(repeating: podFromTemplate(), count: count)
        active += count
    }

    /// `deleteJobPods`: the finalizer goes first, so these Pods are not counted as failed.
    mutating func delete(_ victims: [ControlledPod]) {
        for pod in victims {
            podsToDelete.append(JobPodDeletion(pod: pod.reference, removeTrackingFinalizerFirst: true))
        }
        active -= victims.count
        terminating += victims.count
        ready -= victims.filter(\.isReady).count
    }

    /// The Pod a Job creates: its template, with the labels the API server adds to a Job's template
    /// (`generateSelector`), the tracking finalizer and a controller reference.
    func podFromTemplate() -> JSONValue {
        var template = job.template
        for (key, value) in [
            "batch.kubernetes.io/controller-uid": job.uid, "batch.kubernetes.io/job-name": job.name, "controller-uid": job.uid,
            "job-name": job.name,
        ] {
            template[path: ["metadata", "labels", key]] = .string(value)
        }
        var finalizers = template[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if !finalizers.contains(.string(JobSpec.trackingFinalizer)) { finalizers.append(.string(JobSpec.trackingFinalizer)) }
        template[path: ["metadata", "finalizers"]] = .array(finalizers)
        let owner = WorkloadJSON.controllerReference(apiVersion: "batch/v1", kind: "Job", name: job.name, uid: job.uid)
        return ReplicaSetPlan.podFromTemplate(template, generateName: "\(job.name)-", namespace: job.namespace, owner: owner)
    }
}
