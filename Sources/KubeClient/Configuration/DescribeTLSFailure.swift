import Foundation
import NIOSSL

/// Turns a TLS handshake failure into a sentence a user can act on, naming the server, the
/// likely cause and the configuration setting to check, e.g. `TLS handshake with
/// https://127.0.0.1:6443 failed: the server's certificate is not signed by the configured
/// certificate authority (certificate-authority-data of kubeconfig /x (context dev)); check the CA
/// or the server address`. Accepts NIOSSL's errors directly or wrapped (AsyncHTTPClient reports a
/// failed connection attempt as the underlying error). Returns nil for errors that are not TLS
/// failures.
public func describeTLSFailure(_ error: any Error, configuration: KubeClientConfiguration) -> String? {
    guard let failure = TLSFailure.find(in: error, depth: 0) else { return nil }
    return "TLS handshake with \(configuration.server) failed: \(failure.reason(configuration))"
}

/// The text of a NIOSSL error, with the BoringSSL reason codes that tell the causes apart.
private struct TLSFailure {
    var text: String
    var isHostnameMismatch = false
    var isEOF = false

    static func find(in error: any Error, depth: Int) -> TLSFailure? {
        switch error {
        case let error as NIOSSLExtraError:
            return TLSFailure(
                text: String(describing: error),
                isHostnameMismatch: error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch)
        case let error as NIOSSLError:
            if case .uncleanShutdown = error { return TLSFailure(text: String(describing: error), isEOF: true) }
            return TLSFailure(text: String(describing: error), isEOF: String(describing: error).contains("EOF"))
        case let error as BoringSSLError:
            return TLSFailure(text: String(describing: error))
        default:
            guard depth < 4 else { return nil }
            for child in Mirror(reflecting: error).children {
                if let inner = child.value as? any Error, let found = find(in: inner, depth: depth + 1) {
                    return found
                }
            }
            return nil
        }
    }

    func reason(_ configuration: KubeClientConfiguration) -> String {
        let codes = text.uppercased()
        let source = configuration.source
        let tls = configuration.tls
        let hasClientCertificate = tls.clientCertificatePEM != nil
        func has(_ code: String) -> Bool { codes.contains(code) }

        if isHostnameMismatch {
            let host = URLComponents(string: configuration.server)?.host ?? configuration.server
            let name = tls.serverName.map { "tls-server-name \"\($0)\"" } ?? "host \"\(host)\""
            return "the server's certificate is not valid for \(name) (\(source)); "
                + "check the server address, or set tls-server-name to a name the certificate carries"
        }
        if has("CERTIFICATE_VERIFY_FAILED") {
            if tls.certificateAuthorityPEM != nil {
                let origin = configuration.certificateAuthorityOrigin ?? "certificate-authority"
                return "the server's certificate is not signed by the configured certificate authority "
                    + "(\(origin) of \(source)); check the CA or the server address"
            }
            return "the server's certificate is not signed by a certificate authority the system trusts, and \(source) "
                + "configures none; set certificate-authority(-data) to the cluster's CA or check the server address"
        }
        if has("CERTIFICATE_REQUIRED") || (!hasClientCertificate && has("HANDSHAKE_FAILURE")) {
            return hasClientCertificate
                ? "the server did not accept the client certificate (client-certificate of \(source)); "
                    + "check that it is signed by a CA the server trusts"
                : "the server requires a client certificate, and \(source) configures none; "
                    + "set client-certificate and client-key (or their -data forms) for the user"
        }
        if has("UNKNOWN_CA") || has("BAD_CERTIFICATE") || has("CERTIFICATE_UNKNOWN") || has("DECRYPT_ERROR")
            || has("HANDSHAKE_FAILURE")
        {
            return "the server rejected the client certificate (client-certificate of \(source)); "
                + "check that it is signed by a CA the server trusts"
        }
        if has("CERTIFICATE_EXPIRED") {
            return "the server says the client certificate (client-certificate of \(source)) has expired; renew it"
        }
        if has("WRONG_VERSION_NUMBER") || has("HTTP_REQUEST") || has("PACKET_LENGTH_TOO_LONG") {
            return "the server did not answer with TLS; if it serves plain HTTP use an http:// server URL, "
                + "otherwise check the port (\(source))"
        }
        if has("NO_SHARED_CIPHER") || has("UNSUPPORTED_PROTOCOL") || has("PROTOCOL_VERSION") {
            return "the client and the server have no TLS version or cipher in common (\(source))"
        }
        if isEOF {
            return "the server closed the connection during the handshake"
                + (hasClientCertificate ? "" : "; it may require a client certificate, which \(source) does not configure")
        }
        return "\(text) (\(source))"
    }
}
