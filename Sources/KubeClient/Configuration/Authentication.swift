/// How requests prove who they are to the API server. TLS client certificates are configured in
/// `TLSSettings` instead, because they act on the connection rather than on each request.
public enum Authentication: Sendable, Equatable {
    case none
    case bearerToken(String)
    /// A token read from a file and re-read when the file changes: service-account tokens
    /// rotate under a running pod.
    case tokenFile(path: String)
    case basic(username: String, password: String)
    case exec(ExecCredentialPlugin)
}
