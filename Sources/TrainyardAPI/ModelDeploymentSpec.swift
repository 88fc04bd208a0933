/// Which model a ModelDeployment serves and how its server pods run.
public struct ModelDeploymentSpec: Codable, Sendable, Equatable {
    public var model: ModelReference
    /// Server default 1.
    public var replicas: Int?
    public var image: String?
    public var resources: ResourceRequirements?
    /// Server default 8080.
    public var port: Int?
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    public var serviceAccountName: String?

    public init(
        model: ModelReference,
        replicas: Int? = nil,
        image: String? = nil,
        resources: ResourceRequirements? = nil,
        port: Int? = nil,
        nodeSelector: [String: String]? = nil,
        tolerations: [Toleration]? = nil,
        serviceAccountName: String? = nil
    ) {
        self.model = model
        self.replicas = replicas
        self.image = image
        self.resources = resources
        self.port = port
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.serviceAccountName = serviceAccountName
    }
}
