/// A status with `metav1.Condition`s and the generation it reflects: what every Trainyard
/// resource's status has, so one status update serves every controller.
public protocol ConditionedStatus: Codable, Sendable, Equatable {
    /// The object's own `metadata.generation` that this status reflects.
    var observedGeneration: Int64? { get set }
    var conditions: [Condition]? { get set }
    /// An empty status, for an object that has none yet.
    init()
}

/// A resource whose status carries conditions of a fixed set of types, written through the
/// `/status` subresource.
public protocol StatusResource: KubernetesResource {
    associatedtype Status: ConditionedStatus
    /// The condition types its controller sets, so a misspelt type does not compile.
    associatedtype ConditionType: RawRepresentable<String>, Sendable

    var status: Status? { get set }
}
