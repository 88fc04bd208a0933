import TrainyardAPI

/// A failure the user can fix: printed as `trainyard: <message>` with exit status 1, without a
/// trace. `reason` classifies it in the termination message, for the controller's conditions.
public struct WorkloadFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
    public let reason: WorkloadFailureReason?
    /// The termination message is written already, with more than the error (the results that were not recorded).
    public let wroteTerminationMessage: Bool

    public init(_ message: String, reason: WorkloadFailureReason? = nil, wroteTerminationMessage: Bool = false) {
        description = message
        self.reason = reason
        self.wroteTerminationMessage = wroteTerminationMessage
    }
}
