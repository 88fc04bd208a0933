import KubeAPI

/// A Trainyard custom resource type: where it lives in the API (group, version, plural) and the
/// parts every one has, so clients, informers and reconcilers can be written once for all three.
public protocol CustomResource: KubernetesResource, Equatable {
    associatedtype Spec: Codable, Sendable, Equatable
    associatedtype Status: Codable, Sendable, Equatable

    static var group: String { get }
    static var version: String { get }
    static var kind: String { get }
    /// The resource name in URLs: `/apis/trainyard.dev/v1alpha1/namespaces/NS/<plural>`.
    static var plural: String { get }
    static var shortName: String { get }

    var apiVersion: String { get set }
    var kind: String { get set }
    var metadata: ObjectMeta { get set }
    var spec: Spec { get set }
    var status: Status? { get set }
}

extension CustomResource {
    /// `group/version`, the value of `apiVersion`.
    public static var groupVersion: String { "\(group)/\(version)" }

    /// Where the API serves it, so clients and informers take the type alone.
    public static var resourceType: ResourceType {
        ResourceType(group: group, version: version, resource: plural, kind: kind)
    }
}
