import Foundation

/// Produces the `Authorization` header for each request. Exec-plugin tokens are cached until
/// shortly before their `expirationTimestamp`; token files are re-read when their modification
/// time or size changes, because service-account tokens rotate under a running pod. The client
/// calls `invalidate()` after a 401 so that the next request gets a fresh credential.
public actor CredentialProvider {
    /// Exec tokens are renewed this long before they expire, so that a request started just
    /// before expiry does not arrive with a dead token.
    static let refreshMargin: TimeInterval = 30

    private struct FileToken {
        var token: String
        var modified: Date?
        var size: Int?
    }

    private let authentication: Authentication
    private let environment: [String: String]
    private let now: @Sendable () -> Date
    private var execCredential: ExecPluginRunner.Credential?
    private var execInFlight: Task<ExecPluginRunner.Credential, any Error>?
    private var fileToken: FileToken?

    public init(_ authentication: Authentication, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(authentication, environment: environment, now: { Date() })
    }

    /// `now` lets tests move time past a token's expiry.
    init(_ authentication: Authentication, environment: [String: String], now: @escaping @Sendable () -> Date) {
        self.authentication = authentication
        self.environment = environment
        self.now = now
    }

    /// `Bearer <token>`, `Basic <base64(user:password)>`, or nil when requests carry no credential.
    public func authorizationHeader() async throws -> String? {
        switch authentication {
        case .none:
            return nil
        case .bearerToken(let token):
            return "Bearer \(token)"
        case .basic(let username, let password):
            return "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        case .tokenFile(let path):
            return "Bearer \(try tokenFromFile(path))"
        case .exec(let plugin):
            return "Bearer \(try await tokenFromPlugin(plugin))"
        }
    }

    /// Forgets the cached credential: the server has rejected it.
    public func invalidate() {
        execCredential = nil
        fileToken = nil
    }

    private func tokenFromFile(_ path: String) throws -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modified = attributes?[.modificationDate] as? Date
        let size = (attributes?[.size] as? NSNumber)?.intValue
        if let cached = fileToken, attributes != nil, cached.modified == modified, cached.size == size {
            return cached.token
        }
        let token: String
        do {
            token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            // Kubelet swaps projected tokens with a symlink rename; a read that races it should
            // not fail the request while the previous token is still good.
            if let cached = fileToken { return cached.token }
            throw KubeConfigurationError("token file \(path) cannot be read: \(error.localizedDescription)")
        }
        guard !token.isEmpty else {
            if let cached = fileToken { return cached.token }
            throw KubeConfigurationError("token file \(path) is empty; expected a bearer token")
        }
        fileToken = FileToken(token: token, modified: modified, size: size)
        return token
    }

    private func tokenFromPlugin(_ plugin: ExecCredentialPlugin) async throws -> String {
        if let credential = execCredential, isFresh(credential) {
            return credential.token
        }
        // Concurrent requests share one plugin run instead of each starting the plugin.
        let task: Task<ExecPluginRunner.Credential, any Error>
        if let running = execInFlight {
            task = running
        } else {
            let environment = self.environment
            task = Task { try await ExecPluginRunner.credential(from: plugin, environment: environment) }
            execInFlight = task
        }
        do {
            let credential = try await task.value
            if execInFlight == task {
                execInFlight = nil
                execCredential = credential
            }
            return credential.token
        } catch {
            if execInFlight == task { execInFlight = nil }
            throw error
        }
    }

    private func isFresh(_ credential: ExecPluginRunner.Credential) -> Bool {
        guard let expiration = credential.expiration else { return true }
        return now() < expiration.addingTimeInterval(-Self.refreshMargin)
    }
}
