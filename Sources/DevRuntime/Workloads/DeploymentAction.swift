import KubeAPI

/// A ReplicaSet write the Deployment controller decided on, in the order Kubernetes makes them.
public enum DeploymentAction: Sendable, Equatable, CustomStringConvertible {
    /// `POST` this ReplicaSet (named `<deployment>-<pod-template-hash>`). An `AlreadyExists` answer
    /// means another ReplicaSet has the name: reconcile again with every ReplicaSet in the namespace,
    /// and the plan bumps `status.collisionCount`.
    case createReplicaSet(JSONValue)
    /// `PUT` this ReplicaSet: the object given to the plan with the changes applied (replicas,
    /// revision and replica annotations, owner references), keeping its `resourceVersion` so a
    /// concurrent change makes the write fail and the Deployment reconcile again.
    case updateReplicaSet(JSONValue)
    /// `DELETE` an old ReplicaSet scaled to zero beyond `revisionHistoryLimit`.
    case deleteReplicaSet(ChildReference)

    public var description: String {
        switch self {
        case .createReplicaSet(let rs):
            return "create \(rs[path: ["metadata", "name"]]?.stringValue ?? "?") replicas=\(rs[path: ["spec", "replicas"]]?.intValue ?? 0)"
        case .updateReplicaSet(let rs):
            return "update \(rs[path: ["metadata", "name"]]?.stringValue ?? "?") replicas=\(rs[path: ["spec", "replicas"]]?.intValue ?? 0)"
        case .deleteReplicaSet(let reference):
            return "delete \(reference.name)"
        }
    }
}
