import Foundation
import NIOSSL

/// Where and how to reach an API server: the result of reading a kubeconfig or the pod's
/// service-account files, and everything the client needs to open connections and sign requests.
public struct KubeClientConfiguration: Sendable {
    /// Base URL without a trailing slash, e.g. `https://127.0.0.1:6443`.
    public var server: String
    public var tls: TLSSettings
    public var authentication: Authentication
    /// The context's namespace, or the in-cluster namespace file's content.
    public var namespace: String?
    /// Client-side rate limit, requests per second.
    public var qps: Double = 50
    public var burst: Int = 100
    public var requestTimeout: Duration = .seconds(30)
    public var userAgent: String = "trainyard"
    /// Where this configuration came from, for error messages: `kubeconfig /path (context dev)`,
    /// `in-cluster`.
    public var source: String
    /// Which setting supplied `tls.certificateAuthorityPEM`, e.g. `certificate-authority-data`
    /// or `certificate-authority /etc/k8s/ca.crt`, so TLS failures can point at it.
    public var certificateAuthorityOrigin: String?

    public init(
        server: String, tls: TLSSettings = .init(), authentication: Authentication = .none, namespace: String? = nil,
        source: String = "explicit"
    ) {
        self.server = Self.trimmingTrailingSlashes(server)
        self.tls = tls
        self.authentication = authentication
        self.namespace = namespace
        self.source = source
    }

    /// The base URL requests should be sent to. It differs from `server` only when
    /// `tls.serverName` is set: AsyncHTTPClient verifies the certificate against the URL's host,
    /// so the URL carries the TLS server name and `dnsOverride` maps it back to the real host.
    public var requestBaseURL: String {
        guard let serverName = serverNameOverride?.serverName, var components = URLComponents(string: server) else {
            return server
        }
        components.host = serverName
        return components.string.map(Self.trimmingTrailingSlashes) ?? server
    }

    /// For `HTTPClient.Configuration.dnsOverride`; see `requestBaseURL`.
    public var dnsOverride: [String: String] {
        guard let override = serverNameOverride else { return [:] }
        return [override.serverName: override.host]
    }

    /// `tls.makeTLSConfiguration()`, with errors saying which configuration they came from.
    public func makeTLSConfiguration() throws -> TLSConfiguration {
        do {
            return try tls.makeTLSConfiguration()
        } catch let error as KubeConfigurationError {
            throw error.prefixed(source)
        }
    }

    private var serverNameOverride: (host: String, serverName: String)? {
        guard let serverName = tls.serverName, !serverName.isEmpty, !tls.insecureSkipTLSVerify,
            let host = URLComponents(string: server)?.host, !host.isEmpty,
            host.caseInsensitiveCompare(serverName) != .orderedSame
        else { return nil }
        return (host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), serverName)
    }

    static func trimmingTrailingSlashes(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
