import Crypto
import Foundation
import SwiftASN1
import X509

/// The dev server's TLS material: a private CA and a serving certificate for 127.0.0.1 and
/// localhost. kubectl sends bearer tokens only over TLS, so the dev server speaks HTTPS and its
/// kubeconfig carries the CA.
public struct DevCertificates: Sendable {
    public var caPEM: String
    public var certificatePEM: String
    public var privateKeyPEM: String

    /// Loads the material from `directory`, or makes it (and saves it there) when absent.
    public static func loadOrCreate(directory: String?, hosts: [String]) throws -> DevCertificates {
        if let directory {
            let dir = URL(fileURLWithPath: directory)
            let files = ["ca.crt", "server.crt", "server.key"].map { dir.appendingPathComponent($0) }
            if let ca = try? String(contentsOf: files[0], encoding: .utf8),
                let cert = try? String(contentsOf: files[1], encoding: .utf8),
                let key = try? String(contentsOf: files[2], encoding: .utf8)
            {
                return DevCertificates(caPEM: ca, certificatePEM: cert, privateKeyPEM: key)
            }
            let made = try make(hosts: hosts)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(made.caPEM.utf8).write(to: files[0], options: .atomic)
            try Data(made.certificatePEM.utf8).write(to: files[1], options: .atomic)
            try Data(made.privateKeyPEM.utf8).write(to: files[2], options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: files[2].path)
            return made
        }
        return try make(hosts: hosts)
    }

    static func make(hosts: [String]) throws -> DevCertificates {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("trainyard-dev-ca") }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 10 * 365 * 86400,
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let key = P256.Signing.PrivateKey()
        var names: [GeneralName] = [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))]
        for host in hosts where host != "localhost" && host != "127.0.0.1" {
            if let ip = IPv4(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(ip))))
            } else {
                names.append(.dnsName(host))
            }
        }
        let sans = names
        let cert = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 10 * 365 * 86400,
            issuer: caName, subject: try DistinguishedName { CommonName("trainyard-dev") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(sans)
            },
            issuerPrivateKey: .init(caKey))
        return DevCertificates(
            caPEM: try ca.serializeAsPEM().pemString, certificatePEM: try cert.serializeAsPEM().pemString,
            privateKeyPEM: key.pemRepresentation)
    }

    private static func IPv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }
}
