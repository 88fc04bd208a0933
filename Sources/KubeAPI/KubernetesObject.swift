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
    /// The owner reference with `controller: true`, if the object has one.
    public var controllerReference: OwnerReference? {
        metadata.ownerReferences?.first { $0.controller == true }
    }

    /// Whether `owner` is this object's controller: its controller reference carries the owner's
    /// UID (controller-runtime's `IsControlledBy`). A name alone is not enough: it may belong to a
    /// deleted predecessor whose children the garbage collector has not reached yet.
    public func isControlled(by owner: some KubernetesObject) -> Bool {
        guard let uid = owner.metadata.uid, !uid.isEmpty else { return false }
        return controllerReference?.uid == uid
    }

    /// The key of the object's controller (its owner reference with `controller: true`, in the
    /// object's namespace), if it has one of `kind` (any kind when nil). For routing events to a
    /// reconcile only: whose child it is is decided by UID (`isControlled(by:)`).
    public func controllerKey(kind: String? = nil) -> ObjectKey? {
        guard let owner = controllerReference, kind == nil || owner.kind == kind else {
            return nil
        }
        return ObjectKey(namespace: metadata.namespace, name: owner.name)
    }
}
