import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// The ReplicaSet controller's decisions: which Pods to create or delete, and the status.
@Suite struct ReplicaSetPlanTests {
    typealias F = WorkloadFixtures

    func replicaSet(replicas: Int64, minReadySeconds: Int64 = 0, deleting: Bool = false, generation: Int64 = 4) -> JSONValue {
        var rs = F.replicaSet(name: "web-abc", uid: "rs-uid", replicas: replicas, generation: generation)
        rs["status"] = nil
        rs[path: ["spec", "template", "metadata", "annotations"]] = ["team": "ml"]
        rs[path: ["spec", "selector"]] = ["matchLabels": ["app": "web"]]
        rs[path: ["spec", "template", "metadata", "labels"]] = ["app": "web", "tier": "front"]
        if minReadySeconds > 0 { rs[path: ["spec", "minReadySeconds"]] = .int(minReadySeconds) }
        if deleting { rs[path: ["metadata", "deletionTimestamp"]] = F.time(5) }
        return rs
    }

    func pod(_ name: String, _ configure: (inout JSONValue) -> Void = { _ in }) -> JSONValue {
        var pod = F.pod(name, labels: ["app": "web", "tier": "front"])
        configure(&pod)
        return pod
    }

    @Test func createsMissingPodsFromTheTemplate() throws {
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 3), pods: [pod("a")], now: F.at(10))
        #expect(plan.podsToCreate.count == 2)
        #expect(plan.podsToDelete.isEmpty)
        let created = try #require(plan.podsToCreate.first)
        #expect(created[path: ["metadata", "generateName"]] == "web-abc-")
        #expect(created[path: ["metadata", "namespace"]] == "default")
        #expect(created[path: ["metadata", "labels"]] == ["app": "web", "tier": "front"])
        #expect(created[path: ["metadata", "annotations"]] == ["team": "ml"])
        #expect(created[path: ["spec", "containers"]]?[0]?["image"] == "nginx:1.25")
        #expect(
            created[path: ["metadata", "ownerReferences"]]
                == [
                    [
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": "rs-uid", "controller": true,
                        "blockOwnerDeletion": true,
                    ]
                ])
    }

    @Test func createsAtMostABurstPerSync() throws {
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 800), pods: [], now: F.at(10))
        #expect(plan.podsToCreate.count == ReplicaSetPlan.burstReplicas)
    }

    @Test func terminatingAndFinishedPodsDoNotCount() throws {
        let pods = [
            pod("running"),
            pod("terminating") { $0[path: ["metadata", "deletionTimestamp"]] = F.time(3) },
            pod("succeeded") { $0[path: ["status", "phase"]] = "Succeeded" },
            pod("failed") { $0[path: ["status", "phase"]] = "Failed" },
        ]
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 2), pods: pods, now: F.at(10))
        #expect(plan.podsToCreate.count == 1)
        #expect(plan.status["replicas"] == 1)
    }

    @Test func noPodWritesWhileExpectationsArePendingOrTheReplicaSetIsDeleted() throws {
        let pending = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 3), pods: [], expectationsSatisfied: false, now: F.at(1))
        #expect(pending.podsToCreate.isEmpty)
        let deleting = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 3, deleting: true), pods: [], now: F.at(1))
        #expect(deleting.podsToCreate.isEmpty)
        #expect(deleting.status["replicas"] == 0)
    }

    @Test func deletesTheCheapestPodsFirst() throws {
        let pods = [
            pod("old-ready") { $0[path: ["metadata", "creationTimestamp"]] = F.time(0) },
            pod("unscheduled") { $0[path: ["spec", "nodeName"]] = nil },
            pod("running-not-ready") { $0[path: ["status", "conditions"]] = [["type": "Ready", "status": "False"]] },
            pod("pending") {
                $0[path: ["status", "phase"]] = "Pending"
                $0[path: ["status", "conditions"]] = []
            },
            pod("unknown") {
                $0[path: ["status", "phase"]] = "Unknown"
                $0[path: ["status", "conditions"]] = []
            },
        ]
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 1), pods: pods, now: F.at(10_000))
        #expect(F.names(plan.podsToDelete) == ["unscheduled", "pending", "unknown", "running-not-ready"])
    }

    @Test func rankingAmongReadyPods() {
        let now = F.at(100_000)
        func ready(_ name: String, since: Double, created: Double = 0, restarts: Int64 = 0, cost: String? = nil) -> ControlledPod {
            ControlledPod(
                F.pod(
                    name, readySince: since, created: created, restarts: restarts,
                    annotations: cost.map { [ControlledPod.deletionCostAnnotation: $0] } ?? [:]))
        }
        // Ready for a shorter time goes first; times far apart fall in different log2 buckets.
        #expect(PodDeletionOrder.withRanks(ready("a", since: 99_990), rank: 0, ready("b", since: 10), rank: 0, now: now))
        #expect(!PodDeletionOrder.withRanks(ready("b", since: 10), rank: 0, ready("a", since: 99_990), rank: 0, now: now))
        // A lower deletion cost goes first, before readiness age is considered.
        #expect(PodDeletionOrder.withRanks(ready("a", since: 10, cost: "-5"), rank: 0, ready("b", since: 99_990), rank: 0, now: now))
        // More Pods on the same node goes first.
        #expect(PodDeletionOrder.withRanks(ready("a", since: 10), rank: 3, ready("b", since: 99_990), rank: 1, now: now))
        // Same readiness: more restarts first, then newer first.
        #expect(PodDeletionOrder.withRanks(ready("a", since: 10, restarts: 4), rank: 0, ready("b", since: 10), rank: 0, now: now))
        #expect(
            PodDeletionOrder.withRanks(
                ready("a", since: 10, created: 99_000), rank: 0, ready("b", since: 10, created: 5), rank: 0, now: now))
        // Within one log2 bucket (100 s and 110 s ago) the order falls back to the UID.
        let x = ready("x", since: 100_000 - 100)
        let y = ready("y", since: 100_000 - 110)
        #expect(
            PodDeletionOrder.logarithmicRank(F.at(100_000 - 100), now: now)
                == PodDeletionOrder.logarithmicRank(F.at(100_000 - 110), now: now))
        #expect(PodDeletionOrder.withRanks(x, rank: 0, y, rank: 0, now: now) == ("x-uid" < "y-uid"))
        #expect(PodDeletionOrder.withRanks(y, rank: 0, x, rank: 0, now: now) == ("y-uid" < "x-uid"))
    }

    @Test func prefersDeletingPodsDoubledUpOnANode() throws {
        let pods = [pod("alone") { $0[path: ["spec", "nodeName"]] = "node-2" }, pod("crowded")]
        let sibling = F.pod("sibling", owner: ("ReplicaSet", "web-old", "rs-old"), node: "node-1")
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 1), pods: pods, relatedPods: pods + [sibling], now: F.at(10))
        #expect(F.names(plan.podsToDelete) == ["crowded"])
    }

    @Test func statusCountsReadyAvailableAndFullyLabeledPods() throws {
        let pods = [
            pod("a") { $0[path: ["status", "conditions"]] = [["type": "Ready", "status": "True", "lastTransitionTime": F.time(0)]] },
            pod("b") { $0[path: ["status", "conditions"]] = [["type": "Ready", "status": "True", "lastTransitionTime": F.time(95)]] },
            pod("c") { $0[path: ["metadata", "labels", "tier"]] = nil },
            pod("d") { $0[path: ["status", "conditions"]] = [["type": "Ready", "status": "False"]] },
        ]
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 4, minReadySeconds: 10), pods: pods, now: F.at(100))
        #expect(
            plan.status == ["replicas": 4, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 2, "observedGeneration": 4])
        #expect(plan.statusChanged)
        // b became ready at 95 and is available strictly after 105.
        let delay = try #require(plan.requeueAfter)
        #expect(delay > .seconds(5) && delay <= .seconds(6))
        let later = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 4, minReadySeconds: 10), pods: pods, now: F.at(105.5))
        #expect(later.status["availableReplicas"] == 3)
        #expect(later.requeueAfter == nil)
    }

    @Test func unchangedStatusIsNotRewritten() throws {
        var rs = replicaSet(replicas: 1)
        rs["status"] = ["replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1, "observedGeneration": 4]
        let plan = try ReplicaSetPlan.plan(replicaSet: rs, pods: [pod("a")], now: F.at(10))
        #expect(!plan.statusChanged)
        #expect(plan.podsToCreate.isEmpty && plan.podsToDelete.isEmpty)
    }

    @Test func adoptsMatchingOrphansAndReleasesPodsThatNoLongerMatch() throws {
        let orphan = F.pod("orphan", owner: nil, labels: ["app": "web", "tier": "front"])
        let relabeled = F.pod("relabeled", labels: ["app": "debug"])
        let foreign = F.pod("foreign", owner: ("ReplicaSet", "other", "other-uid"), labels: ["app": "web"])
        let plan = try ReplicaSetPlan.plan(replicaSet: replicaSet(replicas: 2), pods: [orphan, relabeled, foreign], now: F.at(10))
        #expect(F.names(plan.podsToAdopt) == ["orphan"])
        #expect(F.names(plan.podsToRelease) == ["relabeled"])
        // The adopted Pod counts; the released and foreign ones do not.
        #expect(plan.podsToCreate.count == 1)
        #expect(plan.status["replicas"] == 1)
    }

    @Test func replicaFailureIsReportedAndCleared() throws {
        let failed = try ReplicaSetPlan.plan(
            replicaSet: replicaSet(replicas: 2), pods: [], manageReplicasError: "pods \"web-abc-x\" is forbidden: exceeded quota",
            now: F.at(10))
        let condition = try #require(failed.status["conditions"]?[0])
        #expect(condition["type"] == "ReplicaFailure" && condition["reason"] == "FailedCreate")
        #expect(condition["message"] == "pods \"web-abc-x\" is forbidden: exceeded quota")
        var rs = replicaSet(replicas: 2)
        rs["status"] = failed.status
        let recovered = try ReplicaSetPlan.plan(replicaSet: rs, pods: [pod("a"), pod("b")], now: F.at(20))
        #expect(recovered.status["conditions"] == nil)
    }

    @Test func rejectsAReplicaSetWithoutSelector() {
        var rs = replicaSet(replicas: 1)
        rs[path: ["spec", "selector"]] = nil
        #expect(throws: WorkloadSpecError.missing("spec.selector")) { try ReplicaSetPlan.plan(replicaSet: rs, pods: [], now: F.at(0)) }
    }
}
