/// Lets a pod be scheduled on nodes with a matching taint, as in a Pod's `spec.tolerations`.
public struct Toleration: Codable, Sendable, Equatable {
    /// Taint key; empty matches every key (with operator `Exists`).
    public var key: String?
    /// `Equal` (the default) or `Exists`.
    public var `operator`: String?
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches every effect.
    public var effect: String?
    /// For `NoExecute`: how long the pod stays bound after the taint appears.
    public var tolerationSeconds: Int64?

    public init(
        key: String? = nil,
        `operator`: String? = nil,
        value: String? = nil,
        effect: String? = nil,
        tolerationSeconds: Int64? = nil
    ) {
        self.key = key
        self.`operator` = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }
}
