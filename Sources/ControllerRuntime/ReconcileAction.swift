/// What a reconcile asks for once it has done its work.
public enum ReconcileAction: Sendable, Equatable {
    /// Nothing more to do until the object or something it watches changes.
    case awaitChange
    /// Reconcile again after this long even if nothing changes (polling an external system).
    case requeue(after: Duration)
}

/// An error that retrying cannot fix (an invalid spec, a missing permission the user must grant):
/// the key is not retried until the object changes. Report it in a status condition.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var underlying: (any Error)?

    public init(_ message: String, underlying: (any Error)? = nil) {
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}

/// A failure that may pass (an external system down or refusing for now): the key is retried
/// after its exponential back-off, but no later than `latest` when given (a bounded wait that
/// must end on time, such as a deletion that cannot wait forever).
public struct TransientError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var latest: Duration?
    public var underlying: (any Error)?

    public init(_ message: String, latest: Duration? = nil, underlying: (any Error)? = nil) {
        self.message = message
        self.latest = latest
        self.underlying = underlying
    }

    public var description: String { message }
}
