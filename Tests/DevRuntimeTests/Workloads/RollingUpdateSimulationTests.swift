import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// Whole rollouts in the in-memory cluster: the Deployment and ReplicaSet plans, a kubelet that
/// starts a few Pods at a time, and the invariants a rolling update promises at every step.
@Suite struct RollingUpdateSimulationTests {
    typealias F = WorkloadFixtures

    struct Scenario: Sendable, CustomStringConvertible {
        var replicas: Int64
        var maxSurge: JSONValue
        var maxUnavailable: JSONValue
        /// Pods the kubelet starts per step.
        var startPerStep: Int
        var description: String { "\(replicas) replicas, surge \(maxSurge), unavailable \(maxUnavailable), \(startPerStep) started/step" }
    }

    static let scenarios: [Scenario] = [
        Scenario(replicas: 10, maxSurge: "25%", maxUnavailable: "25%", startPerStep: 1),
        Scenario(replicas: 10, maxSurge: "25%", maxUnavailable: "25%", startPerStep: 4),
        Scenario(replicas: 3, maxSurge: 0, maxUnavailable: 1, startPerStep: 1),
        Scenario(replicas: 5, maxSurge: 1, maxUnavailable: 0, startPerStep: 1),
        Scenario(replicas: 4, maxSurge: "50%", maxUnavailable: "50%", startPerStep: 2),
        Scenario(replicas: 1, maxSurge: "25%", maxUnavailable: "25%", startPerStep: 1),
    ]

    @Test(arguments: scenarios) func rollingUpdateKeepsItsBoundsAndFinishes(_ scenario: Scenario) throws {
        let strategy = F.rollingUpdate(maxSurge: scenario.maxSurge, maxUnavailable: scenario.maxUnavailable)
        var cluster = try WorkloadCluster.rolledOut(F.deployment(replicas: scenario.replicas, strategy: strategy))
        let spec = try DeploymentSpec(cluster.deployment)
        let replicas = Int(scenario.replicas)
        let oldName = try #require(cluster.replicaSets.first?[path: ["metadata", "name"]]?.stringValue)
        #expect(cluster.deployment[path: ["metadata", "annotations", DeploymentSpec.revisionAnnotation]] == "1")

        cluster.editSpec { $0[path: ["template", "spec", "containers"]] = [["name": "web", "image": "nginx:1.26"]] }
        var messages: [String] = []
        func check(_ when: String) {
            let total = cluster.activePods.count
            #expect(total <= replicas + spec.maxSurge, "\(when): \(total) pods, more than \(replicas) + \(spec.maxSurge)")
            #expect(
                cluster.readyPods >= replicas - spec.maxUnavailable,
                "\(when): \(cluster.readyPods) available, fewer than \(replicas) - \(spec.maxUnavailable)")
            let message = cluster.rolloutStatus.message
            if messages.last != message { messages.append(message) }
        }
        var steps = 0
        while !cluster.rolloutStatus.done && steps < 200 {
            steps += 1
            try cluster.syncDeployment()
            try cluster.syncReplicaSets()
            check("step \(steps) after syncs")
            try cluster.syncDeployment()
            check("step \(steps) after status")
            cluster.advance(1)
            cluster.startPods(count: scenario.startPerStep)
            try cluster.syncReplicaSets()
            check("step \(steps) after kubelet")
        }
        // One more sync records NewReplicaSetAvailable and prunes nothing (history limit 10).
        let final = try cluster.syncDeployment()
        #expect(cluster.rolloutStatus.done, "rollout stuck after \(steps) steps: \(cluster.rolloutStatus.message)")
        #expect(final.actions.isEmpty)

        // Only the new ReplicaSet has Pods; the old one is kept at zero for rollbacks.
        let newName = try #require(cluster.replicaSets.map { $0[path: ["metadata", "name"]]?.stringValue ?? "" }.first { $0 != oldName })
        #expect(cluster.replicaSet(oldName)?[path: ["spec", "replicas"]] == 0)
        #expect(cluster.replicaSet(newName)?[path: ["spec", "replicas"]] == .int(scenario.replicas))
        #expect(
            cluster.activePods.allSatisfy {
                WorkloadJSON.controllerUID(of: $0) == cluster.replicaSet(newName)?[path: ["metadata", "uid"]]?.stringValue
            })
        #expect(cluster.activePods.count == replicas)

        // The status kubectl reads.
        #expect(cluster.int(["status", "observedGeneration"]) == 2)
        for field in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"] {
            #expect(cluster.int(["status", field]) == replicas, "status.\(field)")
        }
        #expect(cluster.deployment[path: ["status", "unavailableReplicas"]] == nil)
        #expect(cluster.condition("Available")?["status"] == "True")
        #expect(cluster.condition("Available")?["reason"] == "MinimumReplicasAvailable")
        #expect(cluster.condition("Progressing")?["status"] == "True")
        #expect(cluster.condition("Progressing")?["reason"] == "NewReplicaSetAvailable")
        #expect(cluster.condition("Progressing")?["message"] == .string("ReplicaSet \"\(newName)\" has successfully progressed."))
        #expect(cluster.deployment[path: ["metadata", "annotations", DeploymentSpec.revisionAnnotation]] == "2")
        #expect(cluster.replicaSet(newName)?[path: ["metadata", "annotations", DeploymentSpec.revisionAnnotation]] == "2")

        // kubectl rollout status went through the same messages as on a real cluster.
        #expect(
            messages.first == "Waiting for deployment spec update to be observed..."
                || messages.first?.contains("new replicas have been updated") == true)
        #expect(messages.contains { $0.contains("new replicas have been updated...") })
        #expect(messages.last == "deployment \"web\" successfully rolled out")
        #expect(!messages.contains { $0.contains("exceeded its progress deadline") })
    }

    @Test func firstRolloutCreatesTheReplicaSetAsKubernetesDoes() throws {
        var cluster = WorkloadCluster(deployment: F.deployment(replicas: 3, annotations: ["team": "ml"]))
        let plan = try cluster.syncDeployment()
        guard case .createReplicaSet(let rs) = try #require(plan.actions.first) else {
            Issue.record("expected a ReplicaSet to be created, got \(plan.actions)")
            return
        }
        let hash = PodTemplateHash.compute(template: F.podTemplate(), collisionCount: nil)
        #expect(rs[path: ["metadata", "name"]] == .string("web-\(hash)"))
        #expect(rs[path: ["metadata", "labels"]] == ["app": "web", "pod-template-hash": .string(hash)])
        #expect(rs[path: ["spec", "selector"]] == ["matchLabels": ["app": "web", "pod-template-hash": .string(hash)]])
        #expect(rs[path: ["spec", "template", "metadata", "labels", "pod-template-hash"]] == .string(hash))
        #expect(rs[path: ["spec", "replicas"]] == 3)
        #expect(rs[path: ["metadata", "creationTimestamp"]] == nil)
        #expect(
            rs[path: ["metadata", "annotations"]]
                == [
                    "deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": "3",
                    "deployment.kubernetes.io/max-replicas": "4", "team": "ml",
                ])
        #expect(
            rs[path: ["metadata", "ownerReferences"]]
                == [
                    [
                        "apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "deploy-uid", "controller": true,
                        "blockOwnerDeletion": true,
                    ]
                ])
        #expect(plan.revision == "1")
        #expect(
            plan.events == [WorkloadEvent(.normal, reason: "ScalingReplicaSet", message: "Scaled up replica set web-\(hash) from 0 to 3")])
        // Status of a sync that created the ReplicaSet: nothing running yet.
        #expect(cluster.int(["status", "observedGeneration"]) == 1)
        #expect(cluster.int(["status", "unavailableReplicas"]) == 3)
        #expect(cluster.condition("Available")?["reason"] == "MinimumReplicasUnavailable")
        #expect(cluster.condition("Progressing")?["reason"] == "NewReplicaSetCreated")
        #expect(cluster.condition("Progressing")?["message"] == .string("Created new replica set \"web-\(hash)\""))
        #expect(
            cluster.deployment[path: ["status", "conditions"]]?.arrayValue?.compactMap { $0["type"]?.stringValue } == [
                "Progressing", "Available",
            ])
        // The progress deadline (600 s by default) is when the next check is due.
        let delay = try #require(plan.requeueAfter)
        #expect(delay > .seconds(600) && delay < .seconds(601))

        // Once the ReplicaSet reports its Pods, progress is recorded: the update time moves, the
        // transition time stays, and the condition moves behind Available as in Kubernetes.
        let created = cluster.condition("Progressing")?["lastTransitionTime"]
        cluster.advance(5)
        try cluster.syncReplicaSets()
        let second = try cluster.syncDeployment()
        #expect(cluster.condition("Progressing")?["reason"] == "ReplicaSetUpdated")
        #expect(cluster.condition("Progressing")?["message"] == .string("ReplicaSet \"web-\(hash)\" is progressing."))
        #expect(cluster.condition("Progressing")?["lastTransitionTime"] == created)
        #expect(cluster.condition("Progressing")?["lastUpdateTime"] == F.time(5))
        #expect(
            cluster.deployment[path: ["status", "conditions"]]?.arrayValue?.compactMap { $0["type"]?.stringValue } == [
                "Available", "Progressing",
            ])
        #expect(cluster.int(["status", "updatedReplicas"]) == 3)
        #expect(
            cluster.rolloutStatus.message == "Waiting for deployment \"web\" rollout to finish: 0 of 3 updated replicas are available...")
        #expect(second.requeueAfter.map { $0 > .seconds(600) && $0 < .seconds(601) } == true)
    }
}
