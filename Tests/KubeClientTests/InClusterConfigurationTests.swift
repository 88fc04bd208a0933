import Foundation
import Testing
import TrainyardTesting

@testable import KubeClient

@Suite struct InClusterConfigurationTests {
    static let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

    func serviceAccount(namespace: String? = "team-a") throws -> ScratchDirectory {
        let directory = try ScratchDirectory()
        try directory.write("token", "sa-token")
        try directory.write("ca.crt", KubeconfigTests.authority.certificatePEM)
        if let namespace { try directory.write("namespace", namespace + "\n") }
        return directory
    }

    @Test func fromEnvironmentAndFiles() async throws {
        let directory = try serviceAccount()
        defer { directory.remove() }
        let configuration = try KubeClientConfiguration.inCluster(
            environment: Self.environment, serviceAccountDirectory: directory.path)
        #expect(configuration.server == "https://10.96.0.1:443")
        #expect(configuration.authentication == .tokenFile(path: directory.path + "/token"))
        #expect(configuration.tls.certificateAuthorityPEM == KubeconfigTests.authority.certificatePEM)
        #expect(configuration.certificateAuthorityOrigin == directory.path + "/ca.crt")
        #expect(configuration.namespace == "team-a")
        #expect(configuration.source == "in-cluster")
        #expect(try await CredentialProvider(configuration.authentication).authorizationHeader() == "Bearer sa-token")
    }

    @Test func ipv6HostIsBracketed() throws {
        let directory = try serviceAccount(namespace: nil)
        defer { directory.remove() }
        let configuration = try KubeClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "6443"],
            serviceAccountDirectory: directory.path)
        #expect(configuration.server == "https://[fd00:10:96::1]:6443")
        #expect(configuration.namespace == nil)
    }

    @Test func missingEnvironmentIsExplained() throws {
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.inCluster(environment: [:], serviceAccountDirectory: "/nonexistent")
        }
        #expect(
            error.message.hasPrefix(
                "in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT not set; Kubernetes sets them in every pod"
            ))
        let portOnly = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1"], serviceAccountDirectory: "/nonexistent")
        }
        #expect(portOnly.message.hasPrefix("in-cluster configuration: KUBERNETES_SERVICE_PORT not set"))
    }

    @Test func missingTokenIsExplained() throws {
        let directory = try serviceAccount()
        defer { directory.remove() }
        try FileManager.default.removeItem(atPath: directory.path + "/token")
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.inCluster(environment: Self.environment, serviceAccountDirectory: directory.path)
        }
        #expect(
            error.message
                == "in-cluster configuration: service-account token \(directory.path)/token does not exist; "
                + "is automountServiceAccountToken disabled for this pod?")
    }

    @Test func missingCAIsExplained() throws {
        let directory = try serviceAccount()
        defer { directory.remove() }
        try FileManager.default.removeItem(atPath: directory.path + "/ca.crt")
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.inCluster(environment: Self.environment, serviceAccountDirectory: directory.path)
        }
        #expect(error.message.hasPrefix("in-cluster configuration: service-account CA \(directory.path)/ca.crt cannot be read"))
    }

    @Test func badPortIsExplained() throws {
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "https"],
                serviceAccountDirectory: "/nonexistent")
        }
        #expect(error.message == "in-cluster configuration: KUBERNETES_SERVICE_PORT is \"https\", expected a port number")
    }
}
