/// An Event a workload controller would record on the object it reconciles (the `reason` and
/// `message` `kubectl describe` shows), for the caller to post with its event recorder.
public struct WorkloadEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public var type: Kind
    public var reason: String
    public var message: String

    public init(_ type: Kind, reason: String, message: String) {
        self.type = type
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(type.rawValue) \(reason): \(message)" }
}
