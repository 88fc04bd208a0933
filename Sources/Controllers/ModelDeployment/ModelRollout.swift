import KubeAPI

/// Where a ModelDeployment's Deployment is in rolling out the pinned version, read from its status:
/// pure, so the Ready and Progressing decisions are tested without a cluster.
struct ModelRollout: Equatable {
    var desired: Int
    /// Pods of every version (`status.replicas`).
    var replicas = 0
    /// Pods of the current template, the pinned version.
    var updated = 0
    var ready = 0
    var available = 0
    /// The Deployment controller has seen the latest spec.
    var observed = false
    /// The Deployment's Progressing condition is False (`ProgressDeadlineExceeded`): its message.
    var stalled: String?

    init(deployment: JSONValue?, desired: Int) {
        self.desired = desired
        guard let deployment else { return }
        let status = deployment["status"]
        func count(_ key: String) -> Int { Int(status?[key]?.intValue ?? 0) }
        replicas = count("replicas")
        updated = count("updatedReplicas")
        ready = count("readyReplicas")
        available = count("availableReplicas")
        let generation = deployment[path: ["metadata", "generation"]]?.intValue ?? 0
        observed = (status?["observedGeneration"]?.intValue ?? -1) >= generation
        for condition in status?["conditions"]?.arrayValue ?? []
        where condition["type"]?.stringValue == "Progressing" && condition["status"]?.stringValue == "False" {
            stalled = condition["message"]?.stringValue ?? condition["reason"]?.stringValue ?? "the rollout made no progress"
        }
    }

    /// Every desired replica runs the pinned version and is available, and no old pod is left.
    var isComplete: Bool { observed && updated == desired && replicas == desired && available == desired }

    /// Every pod runs the pinned version and some serve: all desired ones when it was not ready
    /// before (a new deployment or a roll), at least one when it was (a scale change).
    func isServing(wasReady: Bool) -> Bool {
        guard observed, stalled == nil, desired > 0, replicas == updated else { return false }
        return available == desired || (wasReady && available >= 1)
    }

    /// For conditions: how far the rollout is.
    var progress: String {
        "\(updated) of \(desired) \(desired == 1 ? "replica" : "replicas") updated, \(available) available"
            + (replicas > updated ? ", \(replicas - updated) old still running" : "")
    }
}
