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
