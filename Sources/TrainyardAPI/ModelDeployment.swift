import KubeAPI

/// Serves a registered MLflow model over HTTP and rolls to the new version when its alias moves:
/// `kubectl get md`.
public struct ModelDeployment: CustomResource {
    public static let group = "trainyard.dev"
    public static let version = "v1alpha1"
    public static let kind = "ModelDeployment"
    public static let plural = "modeldeployments"
    public static let shortName = "md"

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ModelDeploymentSpec
    public var status: ModelDeploymentStatus?

    public init(
        apiVersion: String = ModelDeployment.groupVersion,
        kind: String = ModelDeployment.kind,
        metadata: ObjectMeta = ObjectMeta(),
        spec: ModelDeploymentSpec,
        status: ModelDeploymentStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The condition types the controller sets in `status.conditions`.
    public enum ConditionType: String, Sendable, CaseIterable {
        /// Every replica serves the resolved model version.
        case ready = "Ready"
        /// A rollout to a new version or replica count is under way.
        case progressing = "Progressing"
        /// The alias or version was found in the registry.
        case modelResolved = "ModelResolved"
    }
}
