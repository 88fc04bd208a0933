import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// Single Deployment syncs from hand-built states, checked against what Kubernetes does.
@Suite struct DeploymentPlanTests {
    typealias F = WorkloadFixtures

    /// The rollout from the Kubernetes documentation on proportional scaling: 10 replicas,
    /// maxSurge 3, maxUnavailable 2, the new ReplicaSet stuck at 5 Pods, the old one at 8.
    func midRollout(replicas: Int64) -> (deployment: JSONValue, replicaSets: [JSONValue]) {
        let deployment = F.deployment(
            replicas: replicas, generation: 3, image: "nginx:1.26", strategy: F.rollingUpdate(maxSurge: 3, maxUnavailable: 2),
            annotations: [DeploymentSpec.revisionAnnotation: "2"],
            status: ["observedGeneration": 2, "replicas": 13, "updatedReplicas": 5, "availableReplicas": 8, "unavailableReplicas": 5])
        let old = F.replicaSet(
            name: "web-old", uid: "rs-old", created: 0, replicas: 8, revision: "1", desired: 10, maxReplicas: 13, available: 8, hash: "old")
        let new = F.replicaSet(
            name: "web-new", uid: "rs-new", created: 100, replicas: 5, image: "nginx:1.26", revision: "2", desired: 10, maxReplicas: 13,
            available: 0, hash: "new")
        return (deployment, [old, new])
    }

    func replicas(after plan: DeploymentPlan) -> [String: Int64] {
        var sizes: [String: Int64] = [:]
        for case .updateReplicaSet(let rs) in plan.actions {
            sizes[rs[path: ["metadata", "name"]]?.stringValue ?? ""] = rs[path: ["spec", "replicas"]]?.intValue
        }
        return sizes
    }

    @Test func scalingUpMidRolloutIsProportional() throws {
        let state = midRollout(replicas: 15)
        let plan = try DeploymentPlan.plan(deployment: state.deployment, replicaSets: state.replicaSets, now: F.at(200))
        #expect(replicas(after: plan) == ["web-old": 11, "web-new": 7])
        #expect(
            plan.events.map(\.message) == [
                "Scaled up replica set web-old from 8 to 11", "Scaled up replica set web-new from 5 to 7",
            ])
        for case .updateReplicaSet(let rs) in plan.actions {
            #expect(rs[path: ["metadata", "annotations", DeploymentSpec.desiredReplicasAnnotation]] == "15")
            #expect(rs[path: ["metadata", "annotations", DeploymentSpec.maxReplicasAnnotation]] == "18")
            #expect(rs[path: ["metadata", "resourceVersion"]] == "7", "updates keep the resourceVersion they were read at")
        }
    }

    @Test func scalingDownMidRolloutIsProportional() throws {
        let state = midRollout(replicas: 5)
        let plan = try DeploymentPlan.plan(deployment: state.deployment, replicaSets: state.replicaSets, now: F.at(200))
        #expect(replicas(after: plan) == ["web-old": 5, "web-new": 3])
    }

    @Test func rolloutStepRespectsTheBudgets() throws {
        // Same state without a scaling event: nothing may move while new Pods are unavailable
        // (13 - 8 - 5 = 0 may be scaled down) and the surge is used up.
        var state = midRollout(replicas: 10)
        state.deployment[path: ["metadata", "generation"]] = 2
        let plan = try DeploymentPlan.plan(deployment: state.deployment, replicaSets: state.replicaSets, now: F.at(200))
        #expect(plan.actions.isEmpty)
        #expect(plan.status["unavailableReplicas"] == 5)
        #expect(plan.status["conditions"]?.arrayValue?.first { $0["type"] == "Available" }?["status"] == "True")
    }

    @Test func crashLoopingNewPodsKeepOldPodsFromBeingScaledDown() throws {
        // Case 1 of the Kubernetes comment: the new Pods never become available and an old Pod
        // turns unhealthy; 13 - 8 - 5 = 0, so not even the unhealthy old Pod may go.
        var state = midRollout(replicas: 10)
        state.deployment[path: ["metadata", "generation"]] = 2
        state.replicaSets[0][path: ["status", "availableReplicas"]] = 7
        let plan = try DeploymentPlan.plan(deployment: state.deployment, replicaSets: state.replicaSets, now: F.at(200))
        #expect(plan.actions.isEmpty)
        #expect(plan.status["availableReplicas"] == 7)
        #expect(plan.status["conditions"]?.arrayValue?.first { $0["type"] == "Available" }?["status"] == "False")
    }

    @Test func oldUnhealthyReplicasAreCleanedUpFirst() throws {
        // Old ReplicaSet: 8 replicas of which only 6 are available; 2 unhealthy go first, within
        // the room the budget leaves (13 - 8 - 0 = 5), then available old Pods down to minAvailable.
        var state = midRollout(replicas: 10)
        state.deployment[path: ["metadata", "generation"]] = 2
        state.replicaSets[0][path: ["status", "availableReplicas"]] = 6
        state.replicaSets[1][path: ["status", "availableReplicas"]] = 5
        let plan = try DeploymentPlan.plan(deployment: state.deployment, replicaSets: state.replicaSets, now: F.at(200))
        // Cleanup: 8 -> 6. Then available 6 + 5 = 11 > minAvailable 8: 3 more go, 6 -> 3.
        #expect(replicas(after: plan) == ["web-old": 3])
        #expect(
            plan.events.map(\.message) == [
                "Scaled down replica set web-old from 8 to 6", "Scaled down replica set web-old from 6 to 3",
            ])
        #expect(plan.actions.count == 1, "two scale-downs of one ReplicaSet make one write")
    }

    @Test func oldRevisionsBeyondTheHistoryLimitAreDeleted() throws {
        let deployment = F.deployment(
            replicas: 3, spec: ["revisionHistoryLimit": 2], annotations: [DeploymentSpec.revisionAnnotation: "5"],
            status: [
                "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3,
                "conditions": [
                    ["type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"],
                    ["type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"],
                ],
            ])
        var sets = (1...4).map { revision in
            F.replicaSet(
                name: "web-r\(revision)", uid: "rs-\(revision)", created: Double(revision), replicas: 0, image: "nginx:0.\(revision)",
                revision: String(revision), hash: "r\(revision)")
        }
        // Revision 2 still reports a Pod: it is skipped, not replaced by revision 3.
        sets[1][path: ["status", "replicas"]] = 1
        sets.append(
            F.replicaSet(name: "web-r5", uid: "rs-5", created: 5, replicas: 3, revision: "5", desired: 3, maxReplicas: 4, hash: "r5"))
        let plan = try DeploymentPlan.plan(deployment: deployment, replicaSets: sets.shuffled(), now: F.at(10))
        #expect(plan.actions == [.deleteReplicaSet(ChildReference(name: "web-r1", uid: "rs-1"))])
        #expect(plan.status["conditions"]?.arrayValue?.first { $0["type"] == "Progressing" }?["reason"] == "NewReplicaSetAvailable")
    }

    @Test func nameCollisionBumpsCollisionCountAndRetriesUnderANewName() throws {
        let hash = PodTemplateHash.compute(template: F.podTemplate(), collisionCount: nil)
        var squatter = F.replicaSet(name: "web-\(hash)", uid: "other", owner: "someone-else", replicas: 1, image: "busybox")
        squatter[path: ["metadata", "labels"]] = ["app": "other"]
        var deployment = F.deployment(replicas: 2)
        let first = try DeploymentPlan.plan(deployment: deployment, replicaSets: [squatter], now: F.at(1))
        #expect(first.actions.isEmpty)
        #expect(first.status["collisionCount"] == 1)
        #expect(first.requeueAfter == .zero)

        deployment["status"] = first.status
        let second = try DeploymentPlan.plan(deployment: deployment, replicaSets: [squatter], now: F.at(2))
        let renamed = "web-" + PodTemplateHash.compute(template: F.podTemplate(), collisionCount: 1)
        #expect(second.actions.first?.description == "create \(renamed) replicas=2")
        #expect(second.status["collisionCount"] == 1)
    }

    @Test func orphanReplicaSetWithTheTemplateIsAdoptedAsTheNewOne() throws {
        let orphan = F.replicaSet(name: "web-abc", uid: "rs-orphan", owner: nil, replicas: 3, revision: "1", desired: 3, maxReplicas: 4)
        var released = F.replicaSet(name: "web-gone", uid: "rs-gone", replicas: 0, image: "nginx:0.1", revision: "1", hash: "gone")
        released[path: ["metadata", "labels"]] = ["app": "legacy"]
        let plan = try DeploymentPlan.plan(
            deployment: F.deployment(replicas: 3, annotations: [DeploymentSpec.revisionAnnotation: "1"]), replicaSets: [orphan, released],
            now: F.at(5))
        #expect(plan.actions.count == 2)
        guard case .updateReplicaSet(let adopted) = plan.actions[0], case .updateReplicaSet(let gone) = plan.actions[1] else {
            Issue.record("expected two updates, got \(plan.actions)")
            return
        }
        #expect(adopted[path: ["metadata", "ownerReferences"]]?[0]?["uid"] == "deploy-uid")
        #expect(gone[path: ["metadata", "ownerReferences"]] == nil)
        // The adopted ReplicaSet is the new one: no second ReplicaSet is created.
        #expect(plan.status["updatedReplicas"] == 3)
    }

    @Test func newReplicaSetFollowsTheDeploymentsAnnotationsAndMinReadySeconds() throws {
        let rs = F.replicaSet(name: "web-abc", uid: "rs-1", replicas: 3, revision: "1", desired: 3, maxReplicas: 4)
        let deployment = F.deployment(
            replicas: 3, spec: ["minReadySeconds": 5],
            annotations: ["team": "ml", "kubectl.kubernetes.io/last-applied-configuration": "{}", DeploymentSpec.revisionAnnotation: "1"])
        let plan = try DeploymentPlan.plan(deployment: deployment, replicaSets: [rs], now: F.at(5))
        guard case .updateReplicaSet(let updated) = try #require(plan.actions.first) else {
            Issue.record("expected an update, got \(plan.actions)")
            return
        }
        #expect(updated[path: ["metadata", "annotations", "team"]] == "ml")
        #expect(updated[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] == nil)
        #expect(updated[path: ["spec", "minReadySeconds"]] == 5)
    }

    @Test func rollbackToAnOldTemplateReusesItsReplicaSetWithANewRevision() throws {
        // Revision 1 had nginx:1.25; revision 2 (nginx:1.26) is current; the template goes back.
        let one = F.replicaSet(
            name: "web-one", uid: "rs-1", created: 0, replicas: 0, revision: "1", desired: 3, maxReplicas: 4, hash: "one")
        let two = F.replicaSet(
            name: "web-two", uid: "rs-2", created: 10, replicas: 3, image: "nginx:1.26", revision: "2", desired: 3, maxReplicas: 4,
            hash: "two")
        let plan = try DeploymentPlan.plan(
            deployment: F.deployment(replicas: 3, generation: 3, annotations: [DeploymentSpec.revisionAnnotation: "2"]),
            replicaSets: [one, two],
            now: F.at(20))
        guard case .updateReplicaSet(let revived) = try #require(plan.actions.first) else {
            Issue.record("expected an update, got \(plan.actions)")
            return
        }
        #expect(revived[path: ["metadata", "name"]] == "web-one")
        #expect(revived[path: ["metadata", "annotations", DeploymentSpec.revisionAnnotation]] == "3")
        #expect(revived[path: ["metadata", "annotations", DeploymentSpec.revisionHistoryAnnotation]] == "1")
    }

    @Test func replicaFailureOfTheNewReplicaSetShowsOnTheDeployment() throws {
        var rs = F.replicaSet(name: "web-abc", uid: "rs-1", replicas: 3, revision: "1", desired: 3, maxReplicas: 4, available: 1)
        rs[path: ["status", "conditions"]] = [
            [
                "type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": "exceeded quota",
                "lastTransitionTime": F.time(3),
            ]
        ]
        let plan = try DeploymentPlan.plan(
            deployment: F.deployment(replicas: 3, annotations: [DeploymentSpec.revisionAnnotation: "1"]), replicaSets: [rs], now: F.at(5))
        let failure = try #require(plan.status["conditions"]?.arrayValue?.first { $0["type"] == "ReplicaFailure" })
        #expect(failure["reason"] == "FailedCreate" && failure["message"] == "exceeded quota")
        #expect(failure["lastUpdateTime"] == F.time(3))
    }

    @Test func conditionUpdatesFollowSetDeploymentCondition() {
        func condition(_ type: String, _ status: String, _ reason: String, at seconds: Double) -> DeploymentCondition {
            DeploymentCondition(type: type, status: status, reason: reason, message: "", now: F.at(seconds))
        }
        var conditions = [
            condition("Available", "False", "MinimumReplicasUnavailable", at: 0), condition("Progressing", "True", "A", at: 0),
        ]
        // Same status and reason: nothing changes, not even lastUpdateTime.
        DeploymentCondition.set(condition("Progressing", "True", "A", at: 50), in: &conditions)
        #expect(conditions[1].lastUpdateTime == F.time(0).stringValue)
        // Same status, new reason: updated, transition time kept, moved to the end.
        DeploymentCondition.set(condition("Available", "False", "Other", at: 60), in: &conditions)
        #expect(conditions.map(\.type) == ["Progressing", "Available"])
        #expect(conditions[1].lastUpdateTime == F.time(60).stringValue && conditions[1].lastTransitionTime == F.time(0).stringValue)
        // New status: both times move.
        DeploymentCondition.set(condition("Progressing", "False", "ProgressDeadlineExceeded", at: 70), in: &conditions)
        #expect(conditions.map(\.type) == ["Available", "Progressing"])
        #expect(conditions[1].lastTransitionTime == F.time(70).stringValue)
    }

    @Test func emptySelectorIsRefused() throws {
        var deployment = F.deployment(generation: 2)
        deployment[path: ["spec", "selector"]] = [:]
        let plan = try DeploymentPlan.plan(
            deployment: deployment, replicaSets: [F.replicaSet(name: "web-abc", uid: "rs-1", owner: nil, replicas: 1)], now: F.at(1))
        #expect(plan.actions.isEmpty)
        #expect(plan.events.first?.reason == "SelectingAll")
        #expect(plan.status["observedGeneration"] == 2)
    }

    @Test func deploymentBeingDeletedOnlyReportsStatus() throws {
        var deployment = F.deployment(replicas: 3)
        deployment[path: ["metadata", "deletionTimestamp"]] = F.time(1)
        let plan = try DeploymentPlan.plan(deployment: deployment, replicaSets: [], now: F.at(2))
        #expect(plan.actions.isEmpty)
        #expect(plan.status["observedGeneration"] == 1)
    }

    @Test func invalidDeploymentsAreReportedWithTheField() {
        var noSelector = F.deployment()
        noSelector[path: ["spec", "selector"]] = nil
        #expect(throws: WorkloadSpecError.missing("spec.selector")) {
            try DeploymentPlan.plan(deployment: noSelector, replicaSets: [], now: F.at(0))
        }
        var negative = F.deployment()
        negative[path: ["spec", "replicas"]] = -1
        #expect(throws: WorkloadSpecError.self) { try DeploymentPlan.plan(deployment: negative, replicaSets: [], now: F.at(0)) }
    }
}
