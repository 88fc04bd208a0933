/// A problem with how the client was configured (kubeconfig, in-cluster files, TLS material,
/// credential plugins). The message names the file or field at fault and what was expected, so it
/// can be shown to a user as it is.
public struct KubeConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }

    public init(_ message: String) {
        self.message = message
    }

    /// The same error with `context` put in front, e.g. the kubeconfig it came from.
    func prefixed(_ context: String) -> KubeConfigurationError {
        KubeConfigurationError("\(context): \(message)")
    }
}
