/// A core/v1 ConfigMap: configuration as string data.
public struct ConfigMap: KubernetesResource, Equatable {
    public static let resourceType = ResourceType.configMaps
    public var apiVersion: String = "v1"
    public var kind: String = "ConfigMap"
    public var metadata: ObjectMeta
    public var data: [String: String]?

    public init(metadata: ObjectMeta, data: [String: String]? = nil) {
        self.metadata = metadata
        self.data = data
    }
}
