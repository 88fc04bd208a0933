/// Any Kubernetes object a client can read and write: something with `metadata`.
public protocol KubernetesObject: Codable, Sendable {
    var metadata: ObjectMeta { get set }
}

/// A Kubernetes object type with a fixed place in the API, so typed calls need no resource argument.
public protocol KubernetesResource: KubernetesObject {
    static var resourceType: ResourceType { get }
}

extension KubernetesObject {
    /// `namespace/name`, or `name` for cluster-scoped objects: how logs and work queues name it.
    public var objectKey: ObjectKey { ObjectKey(namespace: metadata.namespace, name: metadata.name ?? "") }
}

extension KubernetesObject {
    /// The key of the object's controller (its owner reference with `controller: true`, in the
    /// object's namespace), if it has one of `kind` (any kind when nil).
    public func controllerKey(kind: String? = nil) -> ObjectKey? {
        guard let owner = metadata.ownerReferences?.first(where: { $0.controller == true }), kind == nil || owner.kind == kind else {
            return nil
        }
        return ObjectKey(namespace: metadata.namespace, name: owner.name)
    }
}
