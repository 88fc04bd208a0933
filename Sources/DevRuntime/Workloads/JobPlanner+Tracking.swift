import Foundation
import KubeAPI

extension JobPlanner {
    /// `trackJobStatusAndRemoveFinalizers`: journal finished Pods in `uncountedTerminatedPods`,
    /// release their finalizers, move them into the counters, and finish the Job once nothing is
    /// left uncounted or terminating.
    mutating func trackStatusAndRemoveFinalizers(verdict: Verdict?) -> JobPlan {
        var verdict = verdict
        var tracked = Set(pods.filter(isTracked).map(\.uid))
        countUncounted(stillTracked: tracked)

        var releasing: [ControlledPod] = []
        var reachedMaxUncounted = false
        for pod in pods where isTracked(pod) {
            let consideredFailed = job.isFailed(pod)
            // `canRemoveFinalizer`
            guard job.deleting || verdict != nil || pod.isSucceeded || consideredFailed else { continue }
            releasing.append(pod)
            if pod.isSucceeded && !journaledFailed.contains(pod.uid) {
                if !journaledSucceeded.contains(pod.uid) { uncountedSucceeded.append(pod.uid) }
            } else if consideredFailed || (verdict.map { $0.type != JobConditions.successCriteriaMet } ?? false) {
                // Once the Job has failed, every Pod not finished counts as failed.
                if !journaledFailed.contains(pod.uid) { uncountedFailed.append(pod.uid) }
            }
            if uncountedSucceeded.count + uncountedFailed.count >= JobPlan.maxUncountedPods {
                reachedMaxUncounted = true
                break
            }
        }

        // The interim condition is written before the finalizers go; the final one after.
        if let current = verdict, current.type == JobConditions.failureTarget {
            conditions.append(JobConditions.make(current.type, status: "True", reason: current.reason, message: current.message, now: now))
            verdict = Verdict(type: JobConditions.failed, reason: current.reason, message: current.message)
        }
        if let current = verdict, current.type == JobConditions.successCriteriaMet {
            if JobConditions.find(JobConditions.successCriteriaMet, in: conditions) == nil {
                conditions.append(
                    JobConditions.make(current.type, status: "True", reason: current.reason, message: current.message, now: now))
            }
            verdict = Verdict(type: JobConditions.complete, reason: current.reason, message: current.message)
        }

        let journal = statusJSON()
        tracked.subtract(releasing.map(\.uid))
        countUncounted(stillTracked: tracked)

        if !reachedMaxUncounted, let verdict, uncountedSucceeded.isEmpty, uncountedFailed.isEmpty, terminating == 0 {
            JobConditions.ensure(verdict.type, status: "True", reason: verdict.reason, message: verdict.message, in: &conditions, now: now)
            if verdict.type == JobConditions.complete {
                completionTime = JobConditions.find(verdict.type, in: conditions)?["lastTransitionTime"]
                if let completions = job.completions, succeeded > completions {
                    events.append(
                        WorkloadEvent(
                            .warning, reason: "TooManySucceededPods",
                            message: "Too many succeeded pods running after completion count reached"))
                }
                events.append(WorkloadEvent(.normal, reason: "Completed", message: "Job completed"))
            } else {
                events.append(WorkloadEvent(.warning, reason: verdict.reason, message: verdict.message))
            }
        }

        let status = statusJSON()
        var plan = JobPlan(
            podsToCreate: podsToCreate, podsToDelete: podsToDelete,
            statusBeforeFinalizerRemoval: releasing.isEmpty || WorkloadJSON.semanticallyEqual(job.status, journal)
                ? JSONValue?.none : journal,
            finalizersToRemove: releasing.map(\.reference), status: status,
            statusChanged: !WorkloadJSON.semanticallyEqual(job.status, status), events: events, requeueAfter: requeueAfter)
        applyTimeToLive(to: &plan)
        return plan
    }

    /// `cleanUncountedPodsWithoutFinalizers`: journaled Pods whose finalizer is gone are counted.
    mutating func countUncounted(stillTracked: Set<String>) {
        let keptSucceeded = uncountedSucceeded.filter(stillTracked.contains)
        succeeded += uncountedSucceeded.count - keptSucceeded.count
        uncountedSucceeded = keptSucceeded
        let keptFailed = uncountedFailed.filter(stillTracked.contains)
        failed += uncountedFailed.count - keptFailed.count
        uncountedFailed = keptFailed
    }

    /// The Job status in the API's shape: zero counters left out except `ready` and `terminating`
    /// (pointers, always reported), `uncountedTerminatedPods` always present.
    func statusJSON() -> JSONValue {
        var status = job.status.objectValue ?? [:]
        WorkloadJSON.setOmittingZero(&status, "active", active)
        WorkloadJSON.setOmittingZero(&status, "succeeded", succeeded)
        WorkloadJSON.setOmittingZero(&status, "failed", failed)
        status["ready"] = .int(Int64(ready))
        status["terminating"] = .int(Int64(terminating))
        status["startTime"] = startTime
        status["completionTime"] = completionTime
        status["conditions"] = conditions.isEmpty ? JSONValue?.none : .array(conditions)
        var uncounted: [String: JSONValue] = [:]
        if !uncountedSucceeded.isEmpty { uncounted["succeeded"] = .array(uncountedSucceeded.map { .string($0) }) }
        if !uncountedFailed.isEmpty { uncounted["failed"] = .array(uncountedFailed.map { .string($0) }) }
        status["uncountedTerminatedPods"] = .object(uncounted)
        return .object(status)
    }

    /// The TTL-after-finished controller: delete a finished Job `ttlSecondsAfterFinished` after its
    /// Complete or Failed condition became True.
    func applyTimeToLive(to plan: inout JobPlan) {
        guard let ttl = job.ttlSecondsAfterFinished, !job.deleting else { return }
        let finishedAt = (plan.status["conditions"]?.arrayValue ?? []).first { condition in
            let type = condition["type"]?.stringValue
            return (type == JobConditions.complete || type == JobConditions.failed) && condition["status"]?.stringValue == "True"
        }.flatMap { WorkloadJSON.date($0["lastTransitionTime"]) }
        guard let finishedAt else { return }
        let expiresAt = finishedAt.addingTimeInterval(TimeInterval(ttl))
        if expiresAt <= now {
            plan.deleteJob = true
        } else {
            let delay = WorkloadTiming.delay(until: expiresAt, from: now, strictlyAfter: false)
            plan.requeueAfter = min(plan.requeueAfter ?? delay, delay)
        }
    }
}
