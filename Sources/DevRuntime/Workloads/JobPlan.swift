import Foundation
import KubeAPI

/// One sync of a non-indexed `batch/v1` Job, decided without I/O, as the Kubernetes 1.33 Job
/// controller makes it (`syncJob`), plus the TTL-after-finished controller's verdict.
///
/// Pods carry the `batch.kubernetes.io/job-tracking` finalizer, and finished Pods are counted
/// through `status.uncountedTerminatedPods` so that none is counted twice or lost. The caller
/// performs, in order:
/// 1. `podsToDelete` and `podsToCreate`;
/// 2. `statusBeforeFinalizerRemoval` when set (it records which Pods are about to be counted;
///    stop if this write fails);
/// 3. removal of the tracking finalizer from `finalizersToRemove`;
/// 4. `status` when `statusChanged`, but only if every removal in step 3 succeeded; otherwise
///    reconcile again and the next plan finishes the count;
/// 5. deletion of the Job (propagation `Foreground`) when `deleteJob`.
/// Then it reconciles again after `requeueAfter` or when the Job or one of its Pods changes.
public struct JobPlan: Sendable, Equatable {
    public static let trackingFinalizer = JobSpec.trackingFinalizer
    /// At most this many Pods are created or deleted in one sync (`MaxPodCreateDeletePerSync`).
    public static let maxPodCreateDeletePerSync = 500
    /// At most this many Pods wait in `uncountedTerminatedPods` (`MaxUncountedPods`).
    public static let maxUncountedPods = 500

    /// Complete Pod objects for `POST`: the template with the Job's labels (`batch.kubernetes.io/job-name`,
    /// `job-name`, `batch.kubernetes.io/controller-uid`, `controller-uid`), the tracking finalizer,
    /// `generateName` `<job>-` and a controller reference to the Job.
    public var podsToCreate: [JSONValue]
    public var podsToDelete: [JobPodDeletion]
    public var statusBeforeFinalizerRemoval: JSONValue?
    public var finalizersToRemove: [ChildReference]
    public var status: JSONValue
    public var statusChanged: Bool
    /// The Job finished more than `ttlSecondsAfterFinished` ago.
    public var deleteJob: Bool
    public var events: [WorkloadEvent]
    /// The earliest of: the active deadline, the end of the Pod failure back-off, the TTL expiry.
    public var requeueAfter: Duration?

    public init(
        podsToCreate: [JSONValue] = [], podsToDelete: [JobPodDeletion] = [], statusBeforeFinalizerRemoval: JSONValue? = nil,
        finalizersToRemove: [ChildReference] = [], status: JSONValue, statusChanged: Bool = false, deleteJob: Bool = false,
        events: [WorkloadEvent] = [], requeueAfter: Duration? = nil
    ) {
        self.podsToCreate = podsToCreate
        self.podsToDelete = podsToDelete
        self.statusBeforeFinalizerRemoval = statusBeforeFinalizerRemoval
        self.finalizersToRemove = finalizersToRemove
        self.status = status
        self.statusChanged = statusChanged
        self.deleteJob = deleteJob
        self.events = events
        self.requeueAfter = requeueAfter
    }

    /// - Parameters:
    ///   - job: the Job object; unset fields take their `batch/v1` defaults.
    ///   - pods: Pods in its namespace; only those it controls are considered.
    ///   - expectationsSatisfied: false while Pod creations or deletions of an earlier plan have not
    ///     reached the caller's informer yet; no Pods are then created or deleted.
    ///   - finalizerRemovalsInFlight: UIDs of Pods whose finalizer removal was requested but is not
    ///     visible yet; they count as already without the finalizer.
    public static func plan(
        job: JSONValue, pods: [JSONValue], expectationsSatisfied: Bool = true, finalizerRemovalsInFlight: Set<String> = [], now: Date
    ) throws(WorkloadSpecError) -> JobPlan {
        let spec = try JobSpec(job)
        let owned = pods.map(ControlledPod.init).filter { $0.controllerUID == spec.uid }
        var planner = JobPlanner(
            job: spec, pods: owned, expectationsSatisfied: expectationsSatisfied, removalsInFlight: finalizerRemovalsInFlight, now: now)
        return planner.run()
    }
}
