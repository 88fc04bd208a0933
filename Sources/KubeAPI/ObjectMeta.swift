import Foundation

/// The `metadata` of every Kubernetes object: identity, labels and annotations, ownership and lifecycle.
///
/// Fields the server sets (`uid`, `resourceVersion`, `generation`, timestamps) are optional so a
/// manifest without them decodes; timestamps stay RFC 3339 strings so they round-trip byte for byte.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var namespace: String?
    public var generateName: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var finalizers: [String]?
    public var ownerReferences: [OwnerReference]?
    /// Kept opaque: only the API server interprets it, and a client that drops it on update is fine,
    /// but one that reads and writes an object should not lose it.
    public var managedFields: [JSONValue]?

    public init(
        name: String? = nil,
        namespace: String? = nil,
        generateName: String? = nil,
        uid: String? = nil,
        resourceVersion: String? = nil,
        generation: Int64? = nil,
        creationTimestamp: String? = nil,
        deletionTimestamp: String? = nil,
        deletionGracePeriodSeconds: Int64? = nil,
        labels: [String: String]? = nil,
        annotations: [String: String]? = nil,
        finalizers: [String]? = nil,
        ownerReferences: [OwnerReference]? = nil,
        managedFields: [JSONValue]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.generateName = generateName
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.deletionGracePeriodSeconds = deletionGracePeriodSeconds
        self.labels = labels
        self.annotations = annotations
        self.finalizers = finalizers
        self.ownerReferences = ownerReferences
        self.managedFields = managedFields
    }
}
