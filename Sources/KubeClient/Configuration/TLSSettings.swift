import NIOSSL

/// TLS for the API server connection: whom to trust, which client certificate to present, and
/// which name to expect on the server's certificate.
public struct TLSSettings: Sendable, Equatable {
    /// PEM bundle of the CAs that sign the API server's certificate; nil trusts the system roots.
    public var certificateAuthorityPEM: String?
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server certificate against (kubeconfig `tls-server-name`) when it
    /// differs from the host in the server URL. AsyncHTTPClient takes the verified name from the
    /// request URL, so the client honours this through `KubeClientConfiguration.requestBaseURL`
    /// and `dnsOverride`.
    public var serverName: String?

    public init(
        certificateAuthorityPEM: String? = nil, clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil,
        insecureSkipTLSVerify: Bool = false, serverName: String? = nil
    ) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.serverName = serverName
    }

    /// The NIOSSL client configuration for these settings; throws `KubeConfigurationError` naming
    /// the kubeconfig field whose PEM does not parse.
    public func makeTLSConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if insecureSkipTLSVerify {
            configuration.certificateVerification = .none
        } else if let certificateAuthorityPEM {
            let roots = try Self.certificates(certificateAuthorityPEM, field: "certificate-authority")
            configuration.trustRoots = .certificates(roots)
        }
        switch (clientCertificatePEM, clientKeyPEM) {
        case (nil, nil):
            break
        case (.some, nil):
            throw KubeConfigurationError(
                "client-certificate is set but client-key is not; a client certificate needs its private key")
        case (nil, .some):
            throw KubeConfigurationError(
                "client-key is set but client-certificate is not; a client key needs its certificate")
        case (let certificatePEM?, let keyPEM?):
            let chain = try Self.certificates(certificatePEM, field: "client-certificate")
            configuration.certificateChain = chain.map { .certificate($0) }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
            } catch {
                throw KubeConfigurationError(
                    "client-key is not a PEM private key (expected \"-----BEGIN ... PRIVATE KEY-----\"): \(error)")
            }
        }
        return configuration
    }

    private static func certificates(_ pem: String, field: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw KubeConfigurationError(
                "\(field) is not a PEM certificate (expected \"-----BEGIN CERTIFICATE-----\"): \(error)")
        }
        guard !certificates.isEmpty else {
            throw KubeConfigurationError(
                "\(field) holds no certificate (expected \"-----BEGIN CERTIFICATE-----\")")
        }
        return certificates
    }
}
