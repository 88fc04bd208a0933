import Foundation
import KubeAPI

/// The mutable state of one Job sync; its methods follow `syncJob`, `manageJob` and
/// `trackJobStatusAndRemoveFinalizers`.
struct JobPlanner {
    /// The condition the sync concluded with, before it is written.
    struct Verdict: Sendable, Equatable {
        var type: String
        var reason: String
        var message: String
    }

    let job: JobSpec
    let pods: [ControlledPod]
    let expectationsSatisfied: Bool
    let removalsInFlight: Set<String>
    let now: Date

    var conditions: [JSONValue]
    var startTime: JSONValue?
    var completionTime: JSONValue?
    var active: Int
    var ready: Int
    var terminating: Int
    var succeeded: Int
    var failed: Int
    /// `status.uncountedTerminatedPods` as read; the ones being built are in `uncountedSucceeded`/`uncountedFailed`.
    let journaledSucceeded: Set<String>
    let journaledFailed: Set<String>
    var uncountedSucceeded: [String]
    var uncountedFailed: [String]

    var podsToCreate: [JSONValue] = []
    var podsToDelete: [JobPodDeletion] = []
    var events: [WorkloadEvent] = []
    var requeueAfter: Duration?

    init(job: JobSpec, pods: [ControlledPod], expectationsSatisfied: Bool, removalsInFlight: Set<String>, now: Date) {
        self.job = job
        self.pods = pods
        self.expectationsSatisfied = expectationsSatisfied
        self.removalsInFlight = removalsInFlight
        self.now = now
        conditions = job.conditions
        startTime = job.status["startTime"]
        completionTime = job.status["completionTime"]
        let activePods = pods.filter(\.isActive)
        active = activePods.count
        ready = activePods.filter(\.isReady).count
        terminating = pods.filter(\.isTerminating).count
        succeeded = job.statusCount("succeeded")
        failed = job.statusCount("failed")
        let uncounted = job.status["uncountedTerminatedPods"]
        uncountedSucceeded = (uncounted?["succeeded"]?.arrayValue ?? []).compactMap(\.stringValue)
        uncountedFailed = (uncounted?["failed"]?.arrayValue ?? []).compactMap(\.stringValue)
        journaledSucceeded = Set(uncountedSucceeded)
        journaledFailed = Set(uncountedFailed)
    }

    var isFinished: Bool {
        JobConditions.isTrue(JobConditions.complete, in: conditions) || JobConditions.isTrue(JobConditions.failed, in: conditions)
    }

    /// Whether the Pod still has the tracking finalizer as far as this sync knows.
    func isTracked(_ pod: ControlledPod) -> Bool {
        pod.finalizers.contains(JobSpec.trackingFinalizer) && !removalsInFlight.contains(pod.uid)
    }

    /// `syncJob`.
    mutating func run() -> JobPlan {
        // A finished Job is left alone, apart from its time to live and (as a backstop, like
        // `cleanupPodFinalizers`) tracking finalizers left on its Pods.
        if isFinished {
            var plan = JobPlan(finalizersToRemove: pods.filter(isTracked).map(\.reference), status: job.status)
            applyTimeToLive(to: &plan)
            return plan
        }

        let activePods = pods.filter(\.isActive)
        let newSucceeded = pods.filter { isTracked($0) && !journaledSucceeded.contains($0.uid) && $0.isSucceeded }
        let newFailed = pods.filter { isTracked($0) && !journaledFailed.contains($0.uid) && job.isFailed($0) }
        let succeededSoFar = succeeded + newSucceeded.count + journaledSucceeded.count
        let failedSoFar = failed + newFailed.count + journaledFailed.count

        if startTime == nil && !job.suspended {
            startTime = WorkloadJSON.time(now)
        }

        var verdict = existingVerdict()
        if verdict == nil {
            if failedSoFar > job.backoffLimit || pastBackoffLimitOnFailure() {
                verdict = Verdict(
                    type: JobConditions.failureTarget, reason: "BackoffLimitExceeded",
                    message: "Job has reached the specified backoff limit")
            } else if pastActiveDeadline() {
                verdict = Verdict(
                    type: JobConditions.failureTarget, reason: "DeadlineExceeded", message: "Job was active longer than specified deadline")
            } else if let deadline = job.activeDeadlineSeconds, !job.suspended, let start = WorkloadJSON.date(startTime) {
                requeue(WorkloadTiming.delay(until: start.addingTimeInterval(TimeInterval(deadline)), from: now, strictlyAfter: false))
            }
        }

        if verdict != nil {
            // Kubernetes deletes the remaining Pods keeping their finalizers; they count as failed
            // (unless the Job succeeded) and the Job is finished once they are gone.
            for pod in activePods {
                podsToDelete.append(JobPodDeletion(pod: pod.reference, removeTrackingFinalizerFirst: false))
            }
            if !expectationsSatisfied { verdict = nil }
            active -= activePods.count
            terminating += activePods.count
            ready -= activePods.filter(\.isReady).count
        } else {
            var manageJobCalled = false
            if expectationsSatisfied && !job.deleting {
                manageJob(activePods: activePods, succeeded: succeededSoFar)
                manageJobCalled = true
            }
            let complete =
                job.completions.map { succeededSoFar >= $0 && active == 0 } ?? (succeededSoFar > 0 && active == 0)
            if complete {
                verdict = Verdict(
                    type: JobConditions.successCriteriaMet, reason: "CompletionsReached",
                    message: "Reached expected number of succeeded pods")
            } else if manageJobCalled {
                updateSuspendedCondition()
            }
        }
        return trackStatusAndRemoveFinalizers(verdict: verdict)
    }

    /// An interim condition a previous sync wrote: SuccessCriteriaMet, or FailureTarget (which
    /// becomes Failed once the Pods are gone).
    func existingVerdict() -> Verdict? {
        for type in [JobConditions.successCriteriaMet, JobConditions.failureTarget] where JobConditions.isTrue(type, in: conditions) {
            let condition = JobConditions.find(type, in: conditions)
            return Verdict(
                type: type == JobConditions.failureTarget ? JobConditions.failed : type,
                reason: condition?["reason"]?.stringValue ?? "", message: condition?["message"]?.stringValue ?? "")
        }
        return nil
    }

    /// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure` the kubelet restarts containers
    /// in place, so the restarts of running and pending Pods count against the back-off limit.
    func pastBackoffLimitOnFailure() -> Bool {
        guard job.restartPolicy == "OnFailure" else { return false }
        let restarts = pods.filter { $0.phase == "Running" || $0.phase == "Pending" }.reduce(0) { $0 + $1.totalRestarts }
        return job.backoffLimit == 0 ? restarts > 0 : restarts >= job.backoffLimit
    }

    /// `pastActiveDeadline`: never while suspended.
    func pastActiveDeadline() -> Bool {
        guard let deadline = job.activeDeadlineSeconds, !job.suspended, let start = WorkloadJSON.date(startTime) else { return false }
        return now.timeIntervalSince(start) >= TimeInterval(deadline)
    }

    mutating func requeue(_ delay: Duration) {
        requeueAfter = min(requeueAfter ?? delay, delay)
    }

    /// The `Suspended` condition. A suspended Job has no `startTime` and a resumed one starts
    /// afresh, so the active deadline counts only time spent running (recent Kubernetes clears
    /// `startTime` on suspend; older releases kept it until the resume).
    mutating func updateSuspendedCondition() {
        if job.suspended {
            startTime = nil
            if JobConditions.ensure(
                JobConditions.suspended, status: "True", reason: "JobSuspended", message: "Job suspended", in: &conditions, now: now)
            {
                events.append(WorkloadEvent(.normal, reason: "Suspended", message: "Job suspended"))
            }
        } else if JobConditions.ensure(
            JobConditions.suspended, status: "False", reason: "JobResumed", message: "Job resumed", in: &conditions, now: now)
        {
            events.append(WorkloadEvent(.normal, reason: "Resumed", message: "Job resumed"))
            startTime = WorkloadJSON.time(now)
        }
    }
}
