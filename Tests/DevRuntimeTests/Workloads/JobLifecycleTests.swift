import ControllerRuntime
import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// Whole Job runs in the in-memory cluster: completions, back-off, deadlines, suspension.
@Suite struct JobLifecycleTests {
    typealias F = WorkloadFixtures

    @Test func completionsAndParallelismRunToCompletion() throws {
        var cluster = JobCluster(job: JobFixtures.job(spec: ["completions": 5, "parallelism": 2]))
        for _ in 0..<20 {
            try cluster.sync()
            let active = cluster.pods.filter { ControlledPod($0).isActive }.count
            #expect(active <= 2, "parallelism exceeded: \(active)")
            cluster.now = cluster.now.addingTimeInterval(5)
            cluster.run { _ in "Succeeded" }
            try cluster.sync()
            if cluster.conditionTypes().contains("Complete") { break }
        }
        #expect(cluster.conditionTypes() == ["SuccessCriteriaMet", "Complete"])
        #expect(cluster.status("succeeded") == 5)
        #expect(cluster.status("failed") == nil)
        #expect(cluster.created == 5)
        #expect(cluster.pods.allSatisfy { $0[path: ["metadata", "finalizers"]] == nil })
        // A finished Job is left alone.
        let after = try cluster.sync()
        #expect(!after.statusChanged && after.podsToCreate.isEmpty)
    }

    @Test func failuresBackOffThenExceedTheBackoffLimit() throws {
        var cluster = JobCluster(job: JobFixtures.job(spec: ["backoffLimit": 2]))
        try cluster.sync()
        var waits: [Duration] = []
        for failure in 1...3 {
            cluster.now = cluster.now.addingTimeInterval(1)
            cluster.run { _ in "Failed" }
            let plan = try cluster.sync()
            #expect(cluster.status("failed") == .int(Int64(failure)))
            if failure == 3 { break }
            #expect(plan.podsToCreate.isEmpty, "replacement created during the back-off")
            let wait = try #require(plan.requeueAfter)
            waits.append(wait)
            // Just before the back-off ends nothing is created; at its end the replacement is.
            cluster.now = cluster.now.addingTimeInterval(Double(wait.components.seconds) - 1)
            #expect(try cluster.sync().podsToCreate.isEmpty)
            cluster.now = cluster.now.addingTimeInterval(1)
            #expect(try cluster.sync().podsToCreate.count == 1)
        }
        #expect(waits == [.seconds(10), .seconds(20)])
        #expect(cluster.conditionTypes() == ["FailureTarget", "Failed"])
        let failed = try #require(cluster.job[path: ["status", "conditions"]]?[1])
        #expect(failed["reason"] == "BackoffLimitExceeded" && failed["message"] == "Job has reached the specified backoff limit")
        #expect(cluster.status("completionTime") == nil)
        #expect(cluster.events.contains { $0.type == .warning && $0.reason == "BackoffLimitExceeded" })
        #expect(cluster.created == 3)
    }

    @Test func activeDeadlineFailsTheJob() throws {
        var cluster = JobCluster(job: JobFixtures.job(spec: ["activeDeadlineSeconds": 100]))
        let first = try cluster.sync()
        #expect(first.requeueAfter == .seconds(100))
        cluster.now = F.at(40)
        #expect(try cluster.sync().requeueAfter == .seconds(60))
        cluster.now = F.at(100)
        let plan = try cluster.sync()
        #expect(plan.podsToDelete.map(\.pod.name) == ["train-1"])
        #expect(plan.podsToDelete.first?.removeTrackingFinalizerFirst == false)
        try cluster.sync()
        #expect(cluster.conditionTypes() == ["FailureTarget", "Failed"])
        #expect(cluster.job[path: ["status", "conditions"]]?[1]?["reason"] == "DeadlineExceeded")
        #expect(cluster.status("failed") == 1)
        #expect(cluster.pods.isEmpty)
    }

    @Test func suspendDeletesPodsWithoutCountingThemAndResumeRestarts() throws {
        var cluster = JobCluster(job: JobFixtures.job(spec: ["activeDeadlineSeconds": 300]))
        try cluster.sync()
        cluster.now = F.at(50)
        cluster.job[path: ["spec", "suspend"]] = true
        let suspend = try cluster.sync()
        #expect(suspend.podsToDelete.first?.removeTrackingFinalizerFirst == true)
        #expect(cluster.status("active") == nil && cluster.status("failed") == nil)
        let suspended = try #require(cluster.job[path: ["status", "conditions"]]?[0])
        #expect(suspended["type"] == "Suspended" && suspended["status"] == "True" && suspended["reason"] == "JobSuspended")
        // No deadline runs while suspended.
        cluster.now = F.at(5000)
        let idle = try cluster.sync()
        #expect(idle.podsToCreate.isEmpty && idle.requeueAfter == nil)
        #expect(cluster.conditionTypes() == ["Suspended"])

        cluster.job[path: ["spec", "suspend"]] = false
        let resume = try cluster.sync()
        #expect(resume.podsToCreate.count == 1)
        let resumed = try #require(cluster.job[path: ["status", "conditions"]]?[0])
        #expect(resumed["status"] == "False" && resumed["reason"] == "JobResumed")
        #expect(cluster.status("startTime") == F.time(5000))
        #expect(resume.requeueAfter == .seconds(300))
        #expect(resume.events.contains(WorkloadEvent(.normal, reason: "Resumed", message: "Job resumed")))
    }

    @Test func zeroTimeToLiveDeletesInTheSyncThatCompletes() throws {
        var cluster = JobCluster(job: JobFixtures.job(spec: ["ttlSecondsAfterFinished": 0]))
        try cluster.sync()
        cluster.run { _ in "Succeeded" }
        try cluster.sync()
        #expect(cluster.conditionTypes() == ["SuccessCriteriaMet", "Complete"])
        #expect(cluster.deleted)
    }

    @Test func podDeletedByAUserCountsAsFailedAndIsReplaced() throws {
        var cluster = JobCluster(job: JobFixtures.job())
        try cluster.sync()
        cluster.pods[0][path: ["metadata", "deletionTimestamp"]] = .string(Timestamp.time(cluster.now))
        cluster.pods[0][path: ["metadata", "deletionGracePeriodSeconds"]] = 0
        try cluster.sync()
        #expect(cluster.status("failed") == 1)
        cluster.now = cluster.now.addingTimeInterval(11)
        #expect(try cluster.sync().podsToCreate.count == 1)
    }

    @Test func workQueueStopsStartingPodsAfterTheFirstSuccess() throws {
        var cluster = JobCluster(job: JobFixtures.job(spec: ["parallelism": 3]))
        #expect(try cluster.sync().podsToCreate.count == 3)
        cluster.run { $0 == 1 ? "Succeeded" : "Pending" }
        cluster.pods = cluster.pods.map { pod in
            var pod = pod
            if pod[path: ["status", "phase"]] == "Pending" { pod["status"] = ["phase": "Running"] }
            return pod
        }
        let afterFirst = try cluster.sync()
        #expect(afterFirst.podsToCreate.isEmpty)
        #expect(!cluster.conditionTypes().contains("Complete"), "others still running")
        cluster.pods = cluster.pods.map { pod in
            var pod = pod
            if pod[path: ["status", "phase"]] == "Running" { pod["status"] = ["phase": "Succeeded"] }
            return pod
        }
        try cluster.sync()
        #expect(cluster.conditionTypes() == ["SuccessCriteriaMet", "Complete"])
        #expect(cluster.status("succeeded") == 3)
    }
}
