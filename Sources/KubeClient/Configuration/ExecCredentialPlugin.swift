/// A `client.authentication.k8s.io` exec credential plugin (kubeconfig `users[].user.exec`): a
/// command that prints an `ExecCredential` holding a bearer token, as used by `gke-gcloud-auth-plugin`,
/// `aws eks get-token` and `kubelogin`. Versions v1 and v1beta1 are accepted.
public struct ExecCredentialPlugin: Sendable, Equatable {
    public static let supportedAPIVersions = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    /// An environment variable the plugin gets on top of the client's own environment.
    public struct EnvironmentVariable: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Whether the plugin may talk to a user on a terminal. Trainyard never gives it one, so
    /// `always` cannot work and is reported as an error when the plugin would run.
    public enum InteractiveMode: String, Sendable, Equatable {
        case never = "Never"
        case ifAvailable = "IfAvailable"
        case always = "Always"
    }

    /// The cluster the plugin is asked for a credential for, passed in `spec.cluster` of
    /// `KUBERNETES_EXEC_INFO` when `provideClusterInfo` is set.
    public struct ClusterInfo: Sendable, Equatable {
        public var server: String
        public var tlsServerName: String?
        public var insecureSkipTLSVerify: Bool
        public var certificateAuthorityPEM: String?
        public init(
            server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
            certificateAuthorityPEM: String? = nil
        ) {
            self.server = server
            self.tlsServerName = tlsServerName
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.certificateAuthorityPEM = certificateAuthorityPEM
        }
    }

    /// An absolute path, or a bare name looked up on PATH. The kubeconfig loader has already
    /// resolved relative paths that contain a slash against the kubeconfig's folder.
    public var command: String
    public var arguments: [String]
    public var environment: [EnvironmentVariable]
    public var apiVersion: String
    public var installHint: String?
    public var provideClusterInfo: Bool
    public var interactiveMode: InteractiveMode
    public var cluster: ClusterInfo?
    /// How long the plugin may run before it is killed and the request fails.
    public var timeout: Duration

    public init(
        command: String, arguments: [String] = [], environment: [EnvironmentVariable] = [],
        apiVersion: String = "client.authentication.k8s.io/v1", installHint: String? = nil,
        provideClusterInfo: Bool = false, interactiveMode: InteractiveMode = .ifAvailable,
        cluster: ClusterInfo? = nil, timeout: Duration = .seconds(60)
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.cluster = cluster
        self.timeout = timeout
    }
}
