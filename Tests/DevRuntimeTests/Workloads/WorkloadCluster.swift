import ControllerRuntime
import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// An in-memory cluster that runs the Deployment and ReplicaSet plans the way the dev runtime
/// will: apply each plan's writes, let a fake kubelet start Pods, and repeat.
struct WorkloadCluster {
    var now: Date
    var deployment: JSONValue
    var replicaSets: [JSONValue] = []
    var pods: [JSONValue] = []
    var events: [WorkloadEvent] = []
    var lastDeploymentPlan: DeploymentPlan?
    private var counter = 0

    init(deployment: JSONValue, now: Date = WorkloadFixtures.at(0)) {
        self.deployment = deployment
        self.now = now
    }

    private mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    // MARK: Controllers

    /// One Deployment sync; returns the plan after applying it.
    @discardableResult
    mutating func syncDeployment() throws -> DeploymentPlan {
        let plan = try DeploymentPlan.plan(deployment: deployment, replicaSets: replicaSets, pods: pods, now: now)
        for action in plan.actions {
            switch action {
            case .createReplicaSet(var rs):
                let name = try #require(rs[path: ["metadata", "name"]]?.stringValue)
                #expect(!replicaSets.contains { $0[path: ["metadata", "name"]]?.stringValue == name }, "\(name) created twice")
                rs[path: ["metadata", "uid"]] = .string(nextID("rs-uid-"))
                rs[path: ["metadata", "creationTimestamp"]] = .string(Timestamp.time(now))
                rs[path: ["metadata", "generation"]] = 1
                replicaSets.append(rs)
            case .updateReplicaSet(var rs):
                let index = try #require(replicaSets.firstIndex { $0[path: ["metadata", "uid"]] == rs[path: ["metadata", "uid"]] })
                if !WorkloadJSON.semanticallyEqual(rs["spec"], replicaSets[index]["spec"]) {
                    rs[path: ["metadata", "generation"]] = .int((rs[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
                }
                rs["status"] = replicaSets[index]["status"]
                replicaSets[index] = rs
            case .deleteReplicaSet(let reference):
                replicaSets.removeAll { $0[path: ["metadata", "uid"]]?.stringValue == reference.uid }
                pods.removeAll { WorkloadJSON.controllerUID(of: $0) == reference.uid }
            }
        }
        if let revision = plan.revision {
            deployment[path: ["metadata", "annotations", DeploymentSpec.revisionAnnotation]] = .string(revision)
        }
        if plan.statusChanged { deployment["status"] = plan.status }
        events += plan.events
        lastDeploymentPlan = plan
        return plan
    }

    /// Runs every ReplicaSet's plan until none has Pods to create or delete or a status to write.
    mutating func syncReplicaSets() throws {
        for _ in 0..<10 {
            var changed = false
            for index in replicaSets.indices {
                let rs = replicaSets[index]
                let plan = try ReplicaSetPlan.plan(replicaSet: rs, pods: pods, now: now)
                for var pod in plan.podsToCreate {
                    let name = (pod[path: ["metadata", "generateName"]]?.stringValue ?? "") + nextID("p")
                    pod[path: ["metadata", "name"]] = .string(name)
                    pod[path: ["metadata", "uid"]] = .string("\(name)-uid")
                    pod[path: ["metadata", "creationTimestamp"]] = .string(Timestamp.time(now))
                    pod[path: ["spec", "nodeName"]] = "dev-node"
                    pod["status"] = ["phase": "Pending"]
                    pods.append(pod)
                }
                let deleted = Set(plan.podsToDelete.map(\.uid))
                pods.removeAll { deleted.contains($0[path: ["metadata", "uid"]]?.stringValue ?? "") }
                if plan.statusChanged { replicaSets[index]["status"] = plan.status }
                changed = changed || plan.statusChanged || !plan.podsToCreate.isEmpty || !deleted.isEmpty
            }
            if !changed { return }
        }
        Issue.record("ReplicaSets did not settle")
    }

    /// The kubelet: up to `count` Pending Pods start and become ready now.
    mutating func startPods(count: Int = .max) {
        var started = 0
        for index in pods.indices where started < count && pods[index][path: ["status", "phase"]] == "Pending" {
            pods[index]["status"] = [
                "phase": "Running",
                "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": .string(Timestamp.time(now))]],
                "containerStatuses": [["name": "web", "restartCount": 0, "ready": true]],
            ]
            started += 1
        }
    }

    mutating func advance(_ seconds: Double) { now = now.addingTimeInterval(seconds) }

    /// Users edit the spec; the API server bumps the generation.
    mutating func editSpec(_ change: (inout JSONValue) -> Void) {
        var spec = deployment["spec"] ?? [:]
        change(&spec)
        deployment["spec"] = spec
        deployment[path: ["metadata", "generation"]] = .int((deployment[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
    }

    /// Brings a new Deployment to a complete first rollout.
    static func rolledOut(_ deployment: JSONValue) throws -> WorkloadCluster {
        var cluster = WorkloadCluster(deployment: deployment)
        for _ in 0..<50 {
            try cluster.syncDeployment()
            try cluster.syncReplicaSets()
            cluster.advance(1)
            cluster.startPods()
            try cluster.syncReplicaSets()
            if cluster.rolloutStatus.done { break }
        }
        #expect(cluster.rolloutStatus.done, "first rollout did not finish: \(cluster.rolloutStatus.message)")
        return cluster
    }

    // MARK: Observations

    func replicaSet(_ name: String) -> JSONValue? {
        replicaSets.first { $0[path: ["metadata", "name"]]?.stringValue == name }
    }

    /// Pods of this Deployment's ReplicaSets that are not finished or terminating.
    var activePods: [JSONValue] {
        let uids = Set(replicaSets.compactMap { $0[path: ["metadata", "uid"]]?.stringValue })
        return pods.filter { pod in
            guard let owner = WorkloadJSON.controllerUID(of: pod), uids.contains(owner) else { return false }
            return ControlledPod(pod).isActive
        }
    }

    var readyPods: Int { activePods.filter { ControlledPod($0).isReady }.count }

    func int(_ path: [String]) -> Int { Int(deployment[path: path]?.intValue ?? 0) }

    func condition(_ type: String) -> JSONValue? {
        deployment[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// What `kubectl rollout status deployment/<name>` prints now (its DeploymentStatusViewer).
    var rolloutStatus: (message: String, done: Bool, failed: Bool) {
        let name = deployment[path: ["metadata", "name"]]?.stringValue ?? ""
        guard int(["metadata", "generation"]) <= int(["status", "observedGeneration"]) else {
            return ("Waiting for deployment spec update to be observed...", false, false)
        }
        if condition("Progressing")?["reason"] == "ProgressDeadlineExceeded" {
            return ("deployment \"\(name)\" exceeded its progress deadline", false, true)
        }
        let updated = int(["status", "updatedReplicas"])
        let replicas = int(["status", "replicas"])
        let available = int(["status", "availableReplicas"])
        if let desired = deployment[path: ["spec", "replicas"]]?.intValue, updated < desired {
            return (
                "Waiting for deployment \"\(name)\" rollout to finish: \(updated) out of \(desired) new replicas have been updated...",
                false, false
            )
        }
        if replicas > updated {
            return (
                "Waiting for deployment \"\(name)\" rollout to finish: \(replicas - updated) old replicas are pending termination...",
                false, false
            )
        }
        if available < updated {
            return (
                "Waiting for deployment \"\(name)\" rollout to finish: \(available) of \(updated) updated replicas are available...", false,
                false
            )
        }
        return ("deployment \"\(name)\" successfully rolled out", true, false)
    }
}
