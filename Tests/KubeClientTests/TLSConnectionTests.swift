import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing
import TrainyardTesting

@testable import KubeClient

/// Real TLS handshakes against a local server that requires a client certificate.
@Suite struct TLSConnectionTests {
    struct Reply {
        var status: UInt
        var body: String
    }

    /// One request with a fresh client, shut down afterwards whatever happens. Connection
    /// retries are off so that a failed handshake fails the request at once.
    static func get(_ configuration: KubeClientConfiguration, path: String = "/version") async throws -> Reply {
        var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: try configuration.makeTLSConfiguration())
        clientConfiguration.dnsOverride = configuration.dnsOverride
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        do {
            var request = HTTPClientRequest(url: configuration.requestBaseURL + path)
            if let header = try await CredentialProvider(configuration.authentication).authorizationHeader() {
                request.headers.add(name: "Authorization", value: header)
            }
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            return Reply(status: response.status.code, body: String(buffer: body))
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    /// A kubeconfig for `server` trusting `authority`, with `client` as the user's certificate.
    static func configuration(
        server: String, authority: TestCertificateAuthority, client: TestCertificateAuthority.Issued?,
        extraCluster: String = ""
    ) throws -> KubeClientConfiguration {
        var user = "{token: secret-token"
        if let client {
            user += ", client-certificate-data: \(base64(client.certificatePEM)), client-key-data: \(base64(client.privateKeyPEM))"
        }
        user += "}"
        let yaml = """
            clusters:
            - name: dev
              cluster: {server: "\(server)", certificate-authority-data: \(base64(authority.certificatePEM))\(extraCluster)}
            users:
            - {name: dev, user: \(user)}
            contexts:
            - {name: dev, context: {cluster: dev, user: dev}}
            current-context: dev
            """
        return try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/x", source: "kubeconfig /x/config")
    }

    @Test func customCAAndClientCertificateSucceed() async throws {
        let authority = try TestCertificateAuthority()
        let server = try await TLSTestServer.start(authority: authority)
        defer { Task { try? await server.shutdown() } }
        let client = try authority.issueClientCertificate(commonName: "alice")
        let configuration = try Self.configuration(server: server.url, authority: authority, client: client)

        let reply = try await Self.get(configuration)
        #expect(reply.status == 200)
        #expect(reply.body.contains(#""gitVersion":"v1.31.0-trainyard-test""#))
        let seen = try #require(server.receivedRequests.last)
        #expect(seen.clientCommonName == "alice")
        #expect(seen.headers["authorization"] == "Bearer secret-token")
        try await server.shutdown()
    }

    @Test func missingClientCertificateIsRejected() async throws {
        let authority = try TestCertificateAuthority()
        let server = try await TLSTestServer.start(authority: authority)
        defer { Task { try? await server.shutdown() } }
        let configuration = try Self.configuration(server: server.url, authority: authority, client: nil)

        let error = await #expect(throws: (any Error).self) { try await Self.get(configuration) }
        #expect(server.receivedRequests.isEmpty)
        let description = describeTLSFailure(try #require(error), configuration: configuration)
        #expect(
            description
                == "TLS handshake with \(server.url) failed: the server requires a client certificate, and "
                + "kubeconfig /x/config (context dev) configures none; set client-certificate and client-key "
                + "(or their -data forms) for the user",
            "\(String(reflecting: error))")
        try await server.shutdown()
    }

    @Test func clientCertificateFromAnotherCAIsRejected() async throws {
        let authority = try TestCertificateAuthority()
        let stranger = try TestCertificateAuthority(commonName: "stranger-ca")
        let server = try await TLSTestServer.start(authority: authority)
        defer { Task { try? await server.shutdown() } }
        let client = try stranger.issueClientCertificate(commonName: "mallory")
        let configuration = try Self.configuration(server: server.url, authority: authority, client: client)

        let error = await #expect(throws: (any Error).self) { try await Self.get(configuration) }
        #expect(server.receivedRequests.isEmpty)
        let thrown = try #require(error)
        let description = try #require(describeTLSFailure(thrown, configuration: configuration))
        #expect(
            description.hasPrefix(
                "TLS handshake with \(server.url) failed: the server rejected the client certificate "
                    + "(client-certificate of kubeconfig /x/config (context dev))"),
            "\(description) / \(String(reflecting: error))")
        try await server.shutdown()
    }

    @Test func wrongCertificateAuthorityFailsWithAClearMessage() async throws {
        let authority = try TestCertificateAuthority()
        let wrong = try TestCertificateAuthority(commonName: "some-other-ca")
        let server = try await TLSTestServer.start(authority: authority)
        defer { Task { try? await server.shutdown() } }
        let client = try authority.issueClientCertificate(commonName: "alice")
        let configuration = try Self.configuration(server: server.url, authority: wrong, client: client)

        let error = await #expect(throws: (any Error).self) { try await Self.get(configuration) }
        let description = describeTLSFailure(try #require(error), configuration: configuration)
        #expect(
            description
                == "TLS handshake with \(server.url) failed: the server's certificate is not signed by the configured "
                + "certificate authority (certificate-authority-data of kubeconfig /x/config (context dev)); "
                + "check the CA or the server address",
            "\(String(reflecting: error))")
        try await server.shutdown()
    }

    @Test func insecureSkipTLSVerifyIgnoresTheWrongCA() async throws {
        let authority = try TestCertificateAuthority()
        let wrong = try TestCertificateAuthority(commonName: "some-other-ca")
        let server = try await TLSTestServer.start(authority: authority)
        defer { Task { try? await server.shutdown() } }
        let client = try authority.issueClientCertificate(commonName: "alice")
        var configuration = try Self.configuration(server: server.url, authority: wrong, client: client)
        configuration.tls.insecureSkipTLSVerify = true

        let reply = try await Self.get(configuration)
        #expect(reply.status == 200)
        try await server.shutdown()
    }

    @Test func tlsServerNameVerifiesAgainstTheGivenName() async throws {
        let authority = try TestCertificateAuthority()
        let server = try await TLSTestServer.start(authority: authority, dnsNames: ["api.internal.test"], ipAddresses: [])
        defer { Task { try? await server.shutdown() } }
        let client = try authority.issueClientCertificate(commonName: "alice")

        let mismatched = try Self.configuration(server: server.url, authority: authority, client: client)
        let error = await #expect(throws: (any Error).self) { try await Self.get(mismatched) }
        let description = describeTLSFailure(try #require(error), configuration: mismatched)
        #expect(
            description
                == "TLS handshake with \(server.url) failed: the server's certificate is not valid for host \"127.0.0.1\" "
                + "(kubeconfig /x/config (context dev)); check the server address, or set tls-server-name to a name "
                + "the certificate carries",
            "\(String(reflecting: error))")

        let named = try Self.configuration(
            server: server.url, authority: authority, client: client, extraCluster: ", tls-server-name: api.internal.test")
        let reply = try await Self.get(named)
        #expect(reply.status == 200)
        try await server.shutdown()
    }

    @Test func nonTLSErrorsAreNotDescribed() {
        struct Unrelated: Error {}
        let configuration = KubeClientConfiguration(server: "https://127.0.0.1:1")
        #expect(describeTLSFailure(Unrelated(), configuration: configuration) == nil)
        #expect(describeTLSFailure(HTTPClientError.connectTimeout, configuration: configuration) == nil)
    }

    @Test func badPEMNamesTheField() throws {
        let settings = TLSSettings(clientCertificatePEM: "garbage", clientKeyPEM: "garbage")
        let error = try #require(throws: KubeConfigurationError.self) { try settings.makeTLSConfiguration() }
        #expect(error.message.hasPrefix("client-certificate is not a PEM certificate"))
        let authority = try TestCertificateAuthority()
        let keyless = TLSSettings(clientCertificatePEM: authority.certificatePEM, clientKeyPEM: "garbage")
        let keyError = try #require(throws: KubeConfigurationError.self) { try keyless.makeTLSConfiguration() }
        #expect(keyError.message.hasPrefix("client-key is not a PEM private key"))
    }
}
