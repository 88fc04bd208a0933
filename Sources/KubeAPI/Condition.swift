import Foundation

/// One aspect of an object's state in `status.conditions`, in the shape of `metav1.Condition`.
///
/// `lastTransitionTime` is an RFC 3339 string and should move only when `status` changes, so that
/// `kubectl wait` and people reading it see when the state really changed.
public struct Condition: Codable, Sendable, Equatable {
    /// Whether a condition holds.
    public enum Status: String, Codable, Sendable, Equatable, CaseIterable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    /// CamelCase type, unique within the list, such as `Ready` or `Succeeded`.
    public var type: String
    public var status: Status
    /// The resource's `metadata.generation` when the condition was set.
    public var observedGeneration: Int64?
    public var lastTransitionTime: String
    /// CamelCase, machine-readable cause of the last transition.
    public var reason: String
    /// Human-readable details; may be empty but is always present, as in metav1.
    public var message: String

    public init(
        type: String,
        status: Status,
        observedGeneration: Int64? = nil,
        lastTransitionTime: String,
        reason: String,
        message: String = ""
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
