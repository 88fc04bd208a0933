/// Compute resources of a pod's container, as in the core API: what the scheduler reserves
/// (requests) and the most the container may use (limits), by resource name.
public struct ResourceRequirements: Codable, Sendable, Equatable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?

    public init(
        limits: [String: Quantity]? = nil,
        requests: [String: Quantity]? = nil
    ) {
        self.limits = limits
        self.requests = requests
    }
}
