import ControllerRuntime
import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// Single Job syncs from hand-built states: Pods created, the finished-Pod journal, conditions, TTL.
@Suite struct JobPlanTests {
    typealias F = WorkloadFixtures

    @Test func firstSyncCreatesALabeledTrackedPod() throws {
        let plan = try JobPlan.plan(job: JobFixtures.job(), pods: [], now: F.at(0))
        #expect(plan.podsToCreate.count == 1)
        let pod = try #require(plan.podsToCreate.first)
        #expect(pod[path: ["metadata", "generateName"]] == "train-")
        #expect(
            pod[path: ["metadata", "labels"]]
                == [
                    "app": "train", "batch.kubernetes.io/job-name": "train", "job-name": "train",
                    "batch.kubernetes.io/controller-uid": "job-uid",
                    "controller-uid": "job-uid",
                ])
        #expect(pod[path: ["metadata", "finalizers"]] == [.string(JobFixtures.tracking)])
        #expect(pod[path: ["metadata", "ownerReferences"]]?[0]?["kind"] == "Job")
        #expect(pod[path: ["metadata", "ownerReferences"]]?[0]?["controller"] == true)
        #expect(pod[path: ["spec", "restartPolicy"]] == "Never")
        #expect(plan.status == ["active": 1, "ready": 0, "terminating": 0, "startTime": F.time(0), "uncountedTerminatedPods": [:]])
        #expect(plan.statusBeforeFinalizerRemoval == nil && plan.finalizersToRemove.isEmpty)
    }

    @Test func succeededPodCompletesTheJobThroughTheJournal() throws {
        let running = ["active": 1, "ready": 1, "terminating": 0, "startTime": F.time(0), "uncountedTerminatedPods": [:]] as JSONValue
        let plan = try JobPlan.plan(
            job: JobFixtures.job(status: running), pods: [JobFixtures.pod("train-1", phase: "Succeeded", finishedAt: 30)], now: F.at(31))
        let journal = try #require(plan.statusBeforeFinalizerRemoval)
        #expect(journal["uncountedTerminatedPods"] == ["succeeded": ["train-1-uid"]])
        #expect(journal["succeeded"] == nil)
        #expect(journal["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["SuccessCriteriaMet"])
        #expect(plan.finalizersToRemove == [ChildReference(name: "train-1", uid: "train-1-uid")])
        #expect(plan.status["succeeded"] == 1)
        #expect(plan.status["active"] == nil)
        #expect(plan.status["uncountedTerminatedPods"] == [:])
        #expect(plan.status["completionTime"] == F.time(31))
        let conditions = try #require(plan.status["conditions"]?.arrayValue)
        #expect(conditions.compactMap { $0["type"]?.stringValue } == ["SuccessCriteriaMet", "Complete"])
        #expect(conditions[1]["status"] == "True" && conditions[1]["reason"] == "CompletionsReached")
        #expect(conditions[1]["message"] == "Reached expected number of succeeded pods")
        #expect(plan.events.contains(WorkloadEvent(.normal, reason: "Completed", message: "Job completed")))
    }

    @Test func journalIsNeverCountedTwice() throws {
        // A crash after the journal write: one Pod still has its finalizer, one lost it already.
        let journal: JSONValue = [
            "startTime": F.time(0), "ready": 0, "terminating": 0, "succeeded": 1,
            "uncountedTerminatedPods": ["succeeded": ["a-uid", "b-uid"]],
        ]
        let job = JobFixtures.job(spec: ["completions": 3, "parallelism": 1], status: journal)
        let pods = [
            JobFixtures.pod("a", phase: "Succeeded", finishedAt: 5, tracked: true),
            JobFixtures.pod("b", phase: "Succeeded", finishedAt: 6, tracked: false),
        ]
        let plan = try JobPlan.plan(job: job, pods: pods, now: F.at(10))
        #expect(plan.finalizersToRemove.map(\.name) == ["a"])
        #expect(plan.status["succeeded"] == 3)
        #expect(plan.status["uncountedTerminatedPods"] == [:])
        #expect(plan.podsToCreate.isEmpty, "3 of 3 completions reached")
        // A finalizer removal still in flight counts as done.
        let inFlight = try JobPlan.plan(job: job, pods: pods, finalizerRemovalsInFlight: ["a-uid"], now: F.at(10))
        #expect(inFlight.finalizersToRemove.isEmpty)
        #expect(inFlight.status["succeeded"] == 3)
    }

    @Test func restartsOnFailureCountAgainstTheLimitAndTheRunningPodCountsAsFailed() throws {
        let status: JSONValue = ["active": 1, "ready": 0, "terminating": 0, "startTime": F.time(0), "uncountedTerminatedPods": [:]]
        let job = JobFixtures.job(spec: ["backoffLimit": 3], restartPolicy: "OnFailure", status: status)
        let pod = JobFixtures.pod("train-1", restarts: 3)
        let plan = try JobPlan.plan(job: job, pods: [pod], now: F.at(60))
        #expect(
            plan.podsToDelete == [
                JobPodDeletion(pod: ChildReference(name: "train-1", uid: "train-1-uid"), removeTrackingFinalizerFirst: false)
            ])
        #expect(plan.statusBeforeFinalizerRemoval?["uncountedTerminatedPods"] == ["failed": ["train-1-uid"]])
        // Failed is only reported once the deleted Pod is gone.
        #expect(plan.status["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["FailureTarget"])
        #expect(plan.status["terminating"] == 1 && plan.status["failed"] == 1 && plan.status["active"] == nil)

        var next = job
        next["status"] = plan.status
        let done = try JobPlan.plan(job: next, pods: [], now: F.at(61))
        #expect(done.status["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["FailureTarget", "Failed"])
        #expect(done.status["terminating"] == 0)
    }

    @Test func jobCreatedSuspendedDoesNotStart() throws {
        let plan = try JobPlan.plan(job: JobFixtures.job(spec: ["suspend": true]), pods: [], now: F.at(0))
        #expect(plan.podsToCreate.isEmpty)
        #expect(plan.status["startTime"] == nil)
        #expect(plan.status["conditions"]?[0]?["type"] == "Suspended")
    }

    @Test func finishedJobIsDeletedAfterItsTimeToLive() throws {
        let finished: JSONValue = [
            "succeeded": 1, "ready": 0, "terminating": 0, "startTime": F.time(0), "completionTime": F.time(30),
            "uncountedTerminatedPods": [:],
            "conditions": [
                ["type": "SuccessCriteriaMet", "status": "True", "lastTransitionTime": F.time(30)],
                ["type": "Complete", "status": "True", "lastTransitionTime": F.time(30)],
            ],
        ]
        let job = JobFixtures.job(spec: ["ttlSecondsAfterFinished": 100], status: finished)
        let waiting = try JobPlan.plan(job: job, pods: [], now: F.at(60))
        #expect(!waiting.deleteJob && waiting.requeueAfter == .seconds(70))
        #expect(!waiting.statusChanged)
        #expect(try JobPlan.plan(job: job, pods: [], now: F.at(130)).deleteJob)
        // A Pod that still carries the tracking finalizer is released, nothing else changes.
        let leftover = try JobPlan.plan(job: job, pods: [JobFixtures.pod("train-9", phase: "Succeeded", finishedAt: 20)], now: F.at(60))
        #expect(leftover.finalizersToRemove.map(\.name) == ["train-9"])
        #expect(!leftover.statusChanged && leftover.statusBeforeFinalizerRemoval == nil)
        // Without a TTL a finished Job stays.
        #expect(try !JobPlan.plan(job: JobFixtures.job(status: finished), pods: [], now: F.at(1e6)).deleteJob)
    }

    @Test func unsupportedJobsAreRefusedWithTheReason() {
        do {
            _ = try JobPlan.plan(job: JobFixtures.job(restartPolicy: "Always"), pods: [], now: F.at(0))
            Issue.record("restartPolicy Always was accepted")
        } catch {
            #expect(
                error.description
                    == "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"")
        }
        #expect(throws: WorkloadSpecError.self) {
            try JobPlan.plan(job: JobFixtures.job(spec: ["completionMode": "Indexed"]), pods: [], now: F.at(0))
        }
    }
}
