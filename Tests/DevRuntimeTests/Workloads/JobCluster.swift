import ControllerRuntime
import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// A Job and its Pods, synced the way the dev runtime will: Pod writes, the journal status,
/// finalizer removal, the final status; deleted Pods without finalizers vanish at once.
struct JobCluster {
    typealias F = WorkloadFixtures

    var job: JSONValue
    var pods: [JSONValue] = []
    var now = F.at(0)
    var created = 0
    var events: [WorkloadEvent] = []
    var deleted = false

    @discardableResult
    mutating func sync() throws -> JobPlan {
        let plan = try JobPlan.plan(job: job, pods: pods, now: now)
        for deletion in plan.podsToDelete {
            let index = try #require(pods.firstIndex { $0[path: ["metadata", "uid"]]?.stringValue == deletion.pod.uid })
            if deletion.removeTrackingFinalizerFirst { pods[index][path: ["metadata", "finalizers"]] = nil }
            pods[index][path: ["metadata", "deletionTimestamp"]] = .string(Timestamp.time(now))
        }
        for var pod in plan.podsToCreate {
            created += 1
            let name = "train-\(created)"
            pod[path: ["metadata", "name"]] = .string(name)
            pod[path: ["metadata", "uid"]] = .string("\(name)-uid")
            pod[path: ["metadata", "creationTimestamp"]] = .string(Timestamp.time(now))
            pod["status"] = ["phase": "Pending"]
            pods.append(pod)
        }
        if let journal = plan.statusBeforeFinalizerRemoval { job["status"] = journal }
        let releasing = Set(plan.finalizersToRemove.map(\.uid))
        for index in pods.indices where releasing.contains(pods[index][path: ["metadata", "uid"]]?.stringValue ?? "") {
            pods[index][path: ["metadata", "finalizers"]] = nil
        }
        if plan.statusChanged { job["status"] = plan.status }
        // Pods being deleted without a finalizer are gone (no kubelet grace period here).
        pods.removeAll { $0[path: ["metadata", "deletionTimestamp"]] != nil && $0[path: ["metadata", "finalizers"]] == nil }
        events += plan.events
        deleted = deleted || plan.deleteJob
        return plan
    }

    /// The kubelet runs every Pending Pod and ends it after `seconds` of the test clock.
    mutating func run(_ phase: (Int) -> String) {
        for index in pods.indices where pods[index][path: ["status", "phase"]] == "Pending" {
            let ordinal = Int(pods[index][path: ["metadata", "name"]]?.stringValue?.split(separator: "-").last ?? "0") ?? 0
            let result = phase(ordinal)
            pods[index]["status"] = [
                "phase": .string(result),
                "conditions": [["type": "Ready", "status": "False", "lastTransitionTime": .string(Timestamp.time(now))]],
                "containerStatuses": [
                    [
                        "name": "train", "restartCount": 0,
                        "state": [
                            "terminated": ["exitCode": .int(result == "Succeeded" ? 0 : 1), "finishedAt": .string(Timestamp.time(now))]
                        ],
                    ]
                ],
            ]
        }
    }

    func status(_ key: String) -> JSONValue? { job[path: ["status", key]] }

    func conditionTypes() -> [String] {
        (job[path: ["status", "conditions"]]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
    }
}
