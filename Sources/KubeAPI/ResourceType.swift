/// Where a kind of object lives in the REST API: group, version and plural resource name, and
/// whether its objects belong to a namespace. Paths are built from it, never by hand.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// Empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// The plural name in URLs, such as `configmaps`.
    public var resource: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, resource: String, kind: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `group/version`, or `version` for the core group: the value of `apiVersion`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `resource.group`, as kubectl and RBAC name it (`leases.coordination.k8s.io`).
    public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// The collection or object path: `/api/v1/namespaces/NS/configmaps[/NAME[/SUBRESOURCE]]`.
    /// A nil namespace on a namespaced type addresses all namespaces (list and watch only).
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace, !namespace.isEmpty {
            path += "/namespaces/\(Self.escape(namespace))"
        }
        path += "/\(resource)"
        if let name {
            path += "/\(Self.escape(name))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    /// Names are DNS labels or subdomains in practice, but a caller's typo must not turn into a
    /// different path, so anything else is percent-encoded.
    private static func escape(_ segment: String) -> String {
        PercentEncoding.encode(segment, keeping: [UInt8(ascii: ":")])
    }
}

extension ResourceType {
    public static let namespaces = ResourceType(group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false)
    public static let configMaps = ResourceType(group: "", version: "v1", resource: "configmaps", kind: "ConfigMap")
    public static let secrets = ResourceType(group: "", version: "v1", resource: "secrets", kind: "Secret")
    public static let pods = ResourceType(group: "", version: "v1", resource: "pods", kind: "Pod")
    public static let services = ResourceType(group: "", version: "v1", resource: "services", kind: "Service")
    public static let events = ResourceType(group: "", version: "v1", resource: "events", kind: "Event")
    public static let deployments = ResourceType(group: "apps", version: "v1", resource: "deployments", kind: "Deployment")
    public static let leases = ResourceType(group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease")
}
