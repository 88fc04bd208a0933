import Foundation
import KubeAPI

/// One sync of a Deployment, decided without I/O, as Kubernetes' deployment controller
/// (`pkg/controller/deployment`) makes it: adopt and release ReplicaSets, create the new
/// ReplicaSet, scale new and old ones within `maxSurge` / `maxUnavailable` (or Recreate), scale
/// proportionally when `spec.replicas` changes mid-rollout, prune old revisions, and compute the
/// status and the `Available` / `Progressing` conditions `kubectl rollout status` reads.
///
/// The caller carries out `actions` in order, stopping at the first failure (then reconciles
/// again), writes `revision` to `metadata.annotations["deployment.kubernetes.io/revision"]` and
/// `status` when `statusChanged` (Kubernetes writes both in one status update), posts `events`,
/// and reconciles again after `requeueAfter` or when the Deployment or one of its ReplicaSets changes.
public struct DeploymentPlan: Sendable, Equatable {
    public var actions: [DeploymentAction]
    /// The Deployment's new revision annotation, when it changes.
    public var revision: String?
    /// The whole `status` to write.
    public var status: JSONValue
    public var statusChanged: Bool
    public var events: [WorkloadEvent]
    /// When the progress deadline could pass, or right away after a name collision.
    public var requeueAfter: Duration?

    public init(
        actions: [DeploymentAction], revision: String?, status: JSONValue, statusChanged: Bool, events: [WorkloadEvent],
        requeueAfter: Duration?
    ) {
        self.actions = actions
        self.revision = revision
        self.status = status
        self.statusChanged = statusChanged
        self.events = events
        self.requeueAfter = requeueAfter
    }

    /// - Parameters:
    ///   - deployment: the Deployment object; unset fields take their `apps/v1` defaults.
    ///   - replicaSets: every ReplicaSet in its namespace; the plan keeps the ones it controls,
    ///     adopts matching orphans and needs the others to detect name collisions.
    ///   - pods: the Pods of those ReplicaSets; only the Recreate strategy looks at them, to wait
    ///     until no old Pod runs.
    public static func plan(deployment: JSONValue, replicaSets: [JSONValue], pods: [JSONValue] = [], now: Date) throws(WorkloadSpecError)
        -> DeploymentPlan
    {
        var planner = DeploymentPlanner(
            deployment: try DeploymentSpec(deployment), replicaSets: replicaSets.map(ReplicaSetState.init),
            pods: pods.map(ControlledPod.init), now: now)
        return planner.run()
    }
}
