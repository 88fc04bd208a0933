import Foundation
import Testing
import TrainyardTesting

@testable import KubeClient

/// Malformed kubeconfigs and the error a user sees for each.
@Suite struct KubeconfigErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var context: String? = nil
        var expected: [String]
        var testDescription: String { name }
    }

    static let ca = base64(KubeconfigTests.authority.certificatePEM)
    static let contexts = """
        contexts:
        - {name: dev, context: {cluster: dev, user: dev}}
        - {name: staging, context: {cluster: dev, user: dev}}
        current-context: dev
        """

    static func with(cluster: String = "{server: \"https://h:1\"}", user: String = "{token: t}") -> String {
        """
        clusters:
        - name: dev
          cluster: \(cluster)
        users:
        - name: dev
          user: \(user)
        \(contexts)
        """
    }

    static let cases: [Case] = [
        Case(
            name: "named context missing", yaml: with(), context: "prod",
            expected: ["kubeconfig /x/config: context \"prod\" not found; contexts are: dev, staging"]),
        Case(
            name: "current-context missing",
            yaml: with().replacingOccurrences(of: "current-context: dev", with: "current-context: gone"),
            expected: ["kubeconfig /x/config: current-context \"gone\" not found; contexts are: dev, staging"]),
        Case(
            name: "no current-context",
            yaml: with().replacingOccurrences(of: "current-context: dev", with: ""),
            expected: ["kubeconfig /x/config: no current-context is set and no context was given; contexts are: dev, staging"]),
        Case(
            name: "context names an undefined cluster",
            yaml: with().replacingOccurrences(of: "{name: dev, context: {cluster: dev", with: "{name: dev, context: {cluster: nope"),
            expected: [
                "kubeconfig /x/config (context dev): context \"dev\" refers to cluster \"nope\", which is not defined; clusters are: dev"
            ]),
        Case(
            name: "context names an undefined user",
            yaml: with().replacingOccurrences(
                of: "cluster: dev, user: dev}}\n- {name: staging", with: "cluster: dev, user: ghost}}\n- {name: staging"),
            expected: ["context \"dev\" refers to user \"ghost\", which is not defined; users are: dev"]),
        Case(
            name: "no server", yaml: with(cluster: "{insecure-skip-tls-verify: true}"),
            expected: [
                "kubeconfig /x/config (context dev): clusters[\"dev\"].cluster.server is not set; expected the API server URL"
            ]),
        Case(
            name: "server not a URL", yaml: with(cluster: "{server: \"https://\"}"),
            expected: ["clusters[\"dev\"].cluster.server \"https://\" is not a valid URL"]),
        Case(
            name: "bad base64 CA", yaml: with(cluster: "{server: \"https://h:1\", certificate-authority-data: \"not*base64!\"}"),
            expected: ["clusters[\"dev\"].cluster.certificate-authority-data is not valid base64"]),
        Case(
            name: "bad base64 client key",
            yaml: with(user: "{client-certificate-data: \(ca), client-key-data: \"%%%\"}"),
            expected: ["users[\"dev\"].user.client-key-data is not valid base64"]),
        Case(
            name: "CA data is base64 but not PEM",
            yaml: with(cluster: "{server: \"https://h:1\", certificate-authority-data: \(base64("hello"))}"),
            expected: ["kubeconfig /x/config (context dev): certificate-authority is not a PEM certificate"]),
        Case(
            name: "CA file missing", yaml: with(cluster: "{server: \"https://h:1\", certificate-authority: pki/missing.crt}"),
            expected: ["clusters[\"dev\"].cluster.certificate-authority: /x/pki/missing.crt does not exist"]),
        Case(
            name: "client key file missing",
            yaml: with(user: "{client-certificate-data: \(ca), client-key: /nonexistent/key.pem}"),
            expected: ["users[\"dev\"].user.client-key: /nonexistent/key.pem does not exist"]),
        Case(
            name: "token file missing", yaml: with(user: "{tokenFile: tok}"),
            expected: ["users[\"dev\"].user.tokenFile: /x/tok does not exist"]),
        Case(
            name: "certificate without key", yaml: with(user: "{client-certificate-data: \(ca)}"),
            expected: ["client-certificate is set but client-key is not"]),
        Case(
            name: "CA twice",
            yaml: with(cluster: "{server: \"https://h:1\", certificate-authority: ca.crt, certificate-authority-data: \(ca)}"),
            expected: ["clusters[\"dev\"].cluster sets both certificate-authority and certificate-authority-data; set only one"]),
        Case(
            name: "proxy-url", yaml: with(cluster: "{server: \"https://h:1\", proxy-url: \"http://proxy:3128\"}"),
            expected: ["clusters[\"dev\"].cluster.proxy-url (http://proxy:3128) is not supported"]),
        Case(
            name: "auth-provider", yaml: with(user: "{auth-provider: {name: gcp, config: {}}}"),
            expected: ["users[\"dev\"].user.auth-provider (gcp) is not supported", "use an exec credential plugin"]),
        Case(
            name: "two authentication methods", yaml: with(user: "{token: t, username: u, password: p}"),
            expected: ["users[\"dev\"].user sets more than one way to authenticate (token, basic auth (username/password))"]),
        Case(
            name: "exec without command", yaml: with(user: "{exec: {apiVersion: client.authentication.k8s.io/v1}}"),
            expected: ["users[\"dev\"].user.exec.command is not set"]),
        Case(
            name: "exec with alpha apiVersion",
            yaml: with(user: "{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}"),
            expected: [
                "users[\"dev\"].user.exec.apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported; expected one of client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1"
            ]),
        Case(
            name: "exec interactiveMode misspelt",
            yaml: with(user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Sometimes}}"),
            expected: ["exec.interactiveMode \"Sometimes\" is not valid; expected Never, IfAvailable or Always"]),
        Case(
            name: "insecure flag not a bool", yaml: with(cluster: "{server: \"https://h:1\", insecure-skip-tls-verify: maybe}"),
            expected: ["clusters[\"dev\"].cluster.insecure-skip-tls-verify: expected true or false, got \"maybe\""]),
        Case(
            name: "clusters not a list", yaml: "clusters: {dev: {server: x}}\n",
            expected: ["kubeconfig /x/config: clusters: expected a list"]),
        Case(
            name: "cluster without name", yaml: "clusters:\n- cluster: {server: x}\n",
            expected: ["kubeconfig /x/config: clusters[0] has no name"]),
        Case(
            name: "not YAML", yaml: "clusters: [\n  - {",
            expected: ["kubeconfig /x/config: not valid YAML"]),
        Case(
            name: "top level is a list", yaml: "- a\n- b\n",
            expected: ["kubeconfig /x/config: expected a mapping with clusters, users and contexts at the top level"]),
        Case(
            name: "empty file has no contexts", yaml: "",
            expected: ["kubeconfig /x/config: no current-context is set and no context was given; contexts are: none are defined"]),
    ]

    @Test(arguments: cases) func malformedKubeconfig(_ testCase: Case) throws {
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.fromKubeconfig(
                yaml: testCase.yaml, baseDirectory: "/x", context: testCase.context, source: "kubeconfig /x/config")
        }
        #expect(error.message.hasPrefix("kubeconfig /x/config"), "\(error.message)")
        for expected in testCase.expected {
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func unreadableKubeconfigNamesThePath() throws {
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.fromKubeconfig(path: "/nonexistent/kube/config")
        }
        #expect(error.message.hasPrefix("kubeconfig /nonexistent/kube/config cannot be read"))
    }

    @Test func errorsFromAFileNameTheFile() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write("config", Self.with())
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.fromKubeconfig(path: path, context: "prod")
        }
        #expect(error.message == "kubeconfig \(path): context \"prod\" not found; contexts are: dev, staging")
    }
}
