import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// Deployments over time in the in-memory cluster: scaling, pausing, a missed progress deadline,
/// the Recreate strategy.
@Suite struct DeploymentLifecycleTests {
    typealias F = WorkloadFixtures

    @Test func scalingWithoutARolloutResizesTheNewReplicaSetOnly() throws {
        var cluster = try WorkloadCluster.rolledOut(F.deployment(replicas: 3))
        for target: Int64 in [0, 5, 2] {
            cluster.editSpec { $0["replicas"] = .int(target) }
            for _ in 0..<10 {
                try cluster.syncDeployment()
                try cluster.syncReplicaSets()
                // New Pods exist but are not ready yet. Scaling a finished rollout is not a
                // rollout: Progressing keeps its verdict.
                try cluster.syncDeployment()
                #expect(cluster.condition("Progressing")?["reason"] == "NewReplicaSetAvailable")
                cluster.advance(1)
                cluster.startPods()
                try cluster.syncReplicaSets()
            }
            try cluster.syncDeployment()
            #expect(cluster.replicaSets.count == 1)
            #expect(cluster.replicaSets.first?[path: ["spec", "replicas"]] == .int(target))
            #expect(
                cluster.replicaSets.first?[path: ["metadata", "annotations", DeploymentSpec.desiredReplicasAnnotation]]
                    == .string(String(target)))
            #expect(cluster.activePods.count == Int(target))
            #expect(cluster.rolloutStatus.done, "\(cluster.rolloutStatus.message)")
            #expect(cluster.condition("Available")?["status"] == "True")
            #expect(cluster.events.last?.message.contains("to \(target)") == true)
        }
    }

    @Test func pausedDeploymentDoesNotRollOutUntilResumed() throws {
        var cluster = try WorkloadCluster.rolledOut(F.deployment(replicas: 3))
        cluster.editSpec {
            $0["paused"] = true
            $0[path: ["template", "spec", "containers"]] = [["name": "web", "image": "nginx:1.26"]]
        }
        for _ in 0..<3 {
            try cluster.syncDeployment()
            try cluster.syncReplicaSets()
            cluster.advance(700)
        }
        #expect(cluster.replicaSets.count == 1)
        #expect(cluster.condition("Progressing")?["status"] == "Unknown")
        #expect(cluster.condition("Progressing")?["reason"] == "DeploymentPaused")
        #expect(cluster.int(["status", "observedGeneration"]) == 2)
        #expect(
            cluster.rolloutStatus.message
                == "Waiting for deployment \"web\" rollout to finish: 0 out of 3 new replicas have been updated...")

        // Scaling still works while paused.
        cluster.editSpec { $0["replicas"] = 4 }
        try cluster.syncDeployment()
        #expect(cluster.replicaSets.first?[path: ["spec", "replicas"]] == 4)

        // Resuming restarts the deadline clock instead of failing after the long pause.
        cluster.editSpec { $0["paused"] = false }
        try cluster.syncDeployment()
        #expect(cluster.replicaSets.count == 2)
        #expect(cluster.condition("Progressing")?["reason"] != "ProgressDeadlineExceeded")
        for _ in 0..<30 where !cluster.rolloutStatus.done {
            try cluster.syncDeployment()
            try cluster.syncReplicaSets()
            cluster.advance(1)
            cluster.startPods()
            try cluster.syncReplicaSets()
        }
        try cluster.syncDeployment()
        #expect(cluster.rolloutStatus.done, "\(cluster.rolloutStatus.message)")
        #expect(cluster.condition("Progressing")?["reason"] == "NewReplicaSetAvailable")
    }

    @Test func stuckRolloutExceedsItsProgressDeadline() throws {
        var cluster = try WorkloadCluster.rolledOut(F.deployment(replicas: 2, spec: ["progressDeadlineSeconds": 60]))
        cluster.editSpec { $0[path: ["template", "spec", "containers"]] = [["name": "web", "image": "nginx:broken"]] }
        var lastDelay: Duration?
        for _ in 0..<10 {
            let plan = try cluster.syncDeployment()
            lastDelay = plan.requeueAfter ?? lastDelay
            try cluster.syncReplicaSets()
            cluster.advance(15)  // the new Pods never start
        }
        #expect(cluster.condition("Progressing")?["status"] == "False")
        #expect(cluster.condition("Progressing")?["reason"] == "ProgressDeadlineExceeded")
        #expect(cluster.rolloutStatus.failed)
        #expect(cluster.rolloutStatus.message == "deployment \"web\" exceeded its progress deadline")
        #expect(lastDelay != nil)
        // The old Pods keep serving: availability never dropped below the minimum.
        #expect(cluster.condition("Available")?["status"] == "True")
        // Once timed out, no further progress checks are scheduled.
        #expect(try cluster.syncDeployment().requeueAfter == nil)
    }

    @Test func recreateStopsOldPodsBeforeStartingNewOnes() throws {
        var cluster = try WorkloadCluster.rolledOut(F.deployment(replicas: 3, strategy: ["type": "Recreate"]))
        cluster.editSpec { $0[path: ["template", "spec", "containers"]] = [["name": "web", "image": "nginx:1.26"]] }
        let first = try cluster.syncDeployment()
        #expect(first.actions.count == 1)
        #expect(first.actions.first?.description.hasSuffix("replicas=0") == true)
        // An old Pod still terminating holds the new ReplicaSet back.
        try cluster.syncReplicaSets()
        cluster.pods.append(
            F.pod(
                "old-straggler",
                owner: ("ReplicaSet", "x", try #require(cluster.replicaSets.first?[path: ["metadata", "uid"]]?.stringValue)), deleting: 1))
        #expect(try cluster.syncDeployment().actions.isEmpty)
        cluster.pods.removeAll { $0[path: ["metadata", "name"]] == "old-straggler" }
        let create = try cluster.syncDeployment()
        guard case .createReplicaSet(let rs) = try #require(create.actions.first) else {
            Issue.record("expected the new ReplicaSet, got \(create.actions)")
            return
        }
        #expect(rs[path: ["spec", "replicas"]] == 3)
        for _ in 0..<10 where !cluster.rolloutStatus.done {
            try cluster.syncReplicaSets()
            cluster.advance(1)
            cluster.startPods()
            try cluster.syncReplicaSets()
            try cluster.syncDeployment()
        }
        #expect(cluster.rolloutStatus.done, "\(cluster.rolloutStatus.message)")
        #expect(cluster.activePods.count == 3)
    }
}
