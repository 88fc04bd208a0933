import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority for TLS tests: issues server certificates (for 127.0.0.1
/// and localhost by default) and client certificates, all P-256, all in PEM, valid for a day.
public struct TestCertificateAuthority: Sendable {
    /// A certificate and its private key, in PEM.
    public struct Issued: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String
    }

    public let commonName: String
    public let certificatePEM: String
    private let name: DistinguishedName
    private let key: P256.Signing.PrivateKey

    public init(commonName: String = "trainyard-test-ca") throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        self.commonName = commonName
        self.certificatePEM = try certificate.serializeAsPEM().pemString
        self.name = name
        self.key = key
    }

    /// A serving certificate; `ipAddresses` are dotted IPv4 or IPv6 literals.
    public func issueServerCertificate(
        commonName: String = "trainyard-test-server", dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"]
    ) throws -> Issued {
        var names = dnsNames.map { GeneralName.dnsName($0) }
        for address in ipAddresses {
            guard let bytes = Self.addressBytes(address) else {
                throw TestCertificateError(message: "\"\(address)\" is not an IPv4 or IPv6 address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let subjectAlternativeNames = names
        return try issue(commonName: commonName, organizations: []) {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(subjectAlternativeNames)
        }
    }

    /// A client certificate; Kubernetes reads the user from the common name and groups from the
    /// organizations.
    public func issueClientCertificate(commonName: String, organizations: [String] = []) throws -> Issued {
        try issue(commonName: commonName, organizations: organizations) {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.clientAuth])
        }
    }

    private func issue(
        commonName: String, organizations: [String],
        @ExtensionsBuilder extensions: () throws -> Result<Certificate.Extensions, any Error>
    ) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            for organization in organizations { OrganizationName(organization) }
            CommonName(commonName)
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: name, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: try Certificate.Extensions(builder: extensions),
            issuerPrivateKey: .init(self.key))
        return Issued(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// A request for a certificate the test authority cannot make.
public struct TestCertificateError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
