import Foundation
import NIOSSL
import Testing
import TrainyardTesting

@testable import KubeClient

@Suite struct KubeconfigTests {
    static let authority = try! TestCertificateAuthority()
    static let client = try! authority.issueClientCertificate(commonName: "alice", organizations: ["dev"])

    /// A one-context kubeconfig whose cluster and user bodies are given as YAML lines.
    static func kubeconfig(cluster: [String], user: [String], namespace: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dev
          cluster:
        \(cluster.map { "    " + $0 }.joined(separator: "\n"))
        users:
        - name: dev
          user:
        \(user.map { "    " + $0 }.joined(separator: "\n"))
        contexts:
        - name: dev
          context:
            cluster: dev
            user: dev
        \(namespace.map { "    namespace: \($0)" } ?? "")
        current-context: dev

        """
    }

    @Test func tokenAndCertificateAuthorityData() throws {
        let yaml = Self.kubeconfig(
            cluster: ["server: https://127.0.0.1:6443/", "certificate-authority-data: \(base64(Self.authority.certificatePEM))"],
            user: ["token: abc.def"])
        let configuration = try KubeClientConfiguration.fromKubeconfig(
            yaml: yaml, baseDirectory: "/nowhere", source: "kubeconfig /x/config")
        #expect(configuration.server == "https://127.0.0.1:6443")
        #expect(configuration.authentication == .bearerToken("abc.def"))
        #expect(configuration.tls.certificateAuthorityPEM == Self.authority.certificatePEM)
        #expect(configuration.certificateAuthorityOrigin == "certificate-authority-data")
        #expect(configuration.tls.clientCertificatePEM == nil)
        #expect(configuration.tls.insecureSkipTLSVerify == false)
        #expect(configuration.source == "kubeconfig /x/config (context dev)")
        #expect(configuration.namespace == nil)
    }

    @Test func numericTokenStaysText() throws {
        let yaml = Self.kubeconfig(cluster: ["server: https://h:1"], user: ["token: 0123"])
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/", source: "k")
        #expect(configuration.authentication == .bearerToken("0123"))
    }

    @Test func tokenFileAndCertificateAuthorityFileResolveAgainstKubeconfigFolder() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let caPath = try directory.write("pki/ca.crt", Self.authority.certificatePEM)
        let tokenPath = try directory.write("secrets/token", "file-token\n")
        let yaml = Self.kubeconfig(
            cluster: ["server: https://example.test:6443", "certificate-authority: pki/ca.crt"],
            user: ["tokenFile: ./secrets/token", "token: ignored-inline-token"])
        let kubeconfig = try directory.write("config", yaml)

        let configuration = try KubeClientConfiguration.fromKubeconfig(path: kubeconfig)
        #expect(configuration.authentication == .tokenFile(path: tokenPath))
        #expect(configuration.tls.certificateAuthorityPEM == Self.authority.certificatePEM)
        #expect(configuration.certificateAuthorityOrigin == "certificate-authority \(caPath)")
        #expect(configuration.source == "kubeconfig \(kubeconfig) (context dev)")
    }

    @Test func basicAuthentication() throws {
        let yaml = Self.kubeconfig(cluster: ["server: https://h:1"], user: ["username: alice", "password: s3cret"])
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/", source: "k")
        #expect(configuration.authentication == .basic(username: "alice", password: "s3cret"))
    }

    @Test func clientCertificateByFile() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try directory.write("certs/alice.crt", Self.client.certificatePEM)
        try directory.write("certs/alice.key", Self.client.privateKeyPEM)
        let yaml = Self.kubeconfig(
            cluster: ["server: https://h:1"], user: ["client-certificate: certs/alice.crt", "client-key: certs/alice.key"])
        let configuration = try KubeClientConfiguration.fromKubeconfig(path: try directory.write("config", yaml))
        #expect(configuration.tls.clientCertificatePEM == Self.client.certificatePEM)
        #expect(configuration.tls.clientKeyPEM == Self.client.privateKeyPEM)
        #expect(configuration.authentication == .none)
        let tls = try configuration.makeTLSConfiguration()
        #expect(tls.certificateChain.count == 1)
        #expect(tls.privateKey != nil)
    }

    @Test func clientCertificateByData() throws {
        let yaml = Self.kubeconfig(
            cluster: ["server: https://h:1"],
            user: [
                "client-certificate-data: \(base64(Self.client.certificatePEM))",
                "client-key-data: \(base64(Self.client.privateKeyPEM))",
            ])
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/", source: "k")
        #expect(configuration.tls.clientCertificatePEM == Self.client.certificatePEM)
        #expect(configuration.tls.clientKeyPEM == Self.client.privateKeyPEM)
    }

    @Test func insecureSkipTLSVerify() throws {
        let yaml = Self.kubeconfig(cluster: ["server: https://h:1", "insecure-skip-tls-verify: true"], user: [])
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/", source: "k")
        #expect(configuration.tls.insecureSkipTLSVerify)
        #expect(try configuration.makeTLSConfiguration().certificateVerification == .none)

        let strict = try KubeClientConfiguration.fromKubeconfig(
            yaml: Self.kubeconfig(cluster: ["server: https://h:1"], user: []), baseDirectory: "/", source: "k")
        #expect(try strict.makeTLSConfiguration().certificateVerification == .fullVerification)
    }

    @Test func tlsServerNameRoutesThroughDNSOverride() throws {
        let yaml = Self.kubeconfig(
            cluster: ["server: https://10.0.0.1:6443", "tls-server-name: kubernetes.default.svc"], user: [])
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/", source: "k")
        #expect(configuration.tls.serverName == "kubernetes.default.svc")
        #expect(configuration.requestBaseURL == "https://kubernetes.default.svc:6443")
        #expect(configuration.dnsOverride == ["kubernetes.default.svc": "10.0.0.1"])

        let plain = KubeClientConfiguration(server: "https://10.0.0.1:6443")
        #expect(plain.requestBaseURL == "https://10.0.0.1:6443")
        #expect(plain.dnsOverride.isEmpty)
    }

    static let twoContexts = """
        clusters:
        - name: blue
          cluster: {server: "https://blue.test:6443"}
        - name: green
          cluster: {server: "https://green.test:6443"}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: blue
          context: {cluster: blue, user: u}
        - name: green
          context: {cluster: green, user: u, namespace: team-a}
        current-context: blue
        """

    @Test func currentContextUnlessOneIsNamed() throws {
        let current = try KubeClientConfiguration.fromKubeconfig(yaml: Self.twoContexts, baseDirectory: "/", source: "k")
        #expect(current.server == "https://blue.test:6443")
        #expect(current.source == "k (context blue)")
        let named = try KubeClientConfiguration.fromKubeconfig(
            yaml: Self.twoContexts, baseDirectory: "/", context: "green", source: "k")
        #expect(named.server == "https://green.test:6443")
        #expect(named.source == "k (context green)")
    }

    @Test func contextNamespace() throws {
        let blue = try KubeClientConfiguration.fromKubeconfig(yaml: Self.twoContexts, baseDirectory: "/", source: "k")
        #expect(blue.namespace == nil)
        let green = try KubeClientConfiguration.fromKubeconfig(
            yaml: Self.twoContexts, baseDirectory: "/", context: "green", source: "k")
        #expect(green.namespace == "team-a")
    }

    @Test func kubeconfigEnvironmentMergesFilesFirstWins() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let first = try directory.write(
            "a/config",
            """
            clusters:
            - name: shared
              cluster: {server: "https://from-a.test"}
            users:
            - name: a-user
              user: {token: a-token}
            contexts:
            - name: a
              context: {cluster: shared, user: a-user}
            current-context: a
            """)
        try directory.write("b/ca.crt", Self.authority.certificatePEM)
        let second = try directory.write(
            "b/config",
            """
            clusters:
            - name: shared
              cluster: {server: "https://from-b.test"}
            - name: b-only
              cluster: {server: "https://b-only.test", certificate-authority: ca.crt}
            users:
            - name: a-user
              user: {token: overridden}
            contexts:
            - name: b
              context: {cluster: b-only, user: a-user, namespace: bee}
            - name: b-shared
              context: {cluster: shared}
            current-context: b
            """)
        let environment = ["KUBECONFIG": "\(first):\(directory.path)/missing:\(second)", "HOME": directory.path]

        let merged = try KubeClientConfiguration.load(environment: environment)
        #expect(merged.server == "https://from-a.test")
        #expect(merged.authentication == .bearerToken("a-token"))
        #expect(merged.source == "kubeconfig \(first):\(second) (context a)")

        let fromSecond = try KubeClientConfiguration.load(context: "b", environment: environment)
        #expect(fromSecond.server == "https://b-only.test")
        #expect(fromSecond.authentication == .bearerToken("a-token"))
        #expect(fromSecond.namespace == "bee")
        // b's relative CA path resolves against b's folder, not a's.
        #expect(fromSecond.tls.certificateAuthorityPEM == Self.authority.certificatePEM)

        let sharedFromSecond = try KubeClientConfiguration.load(context: "b-shared", environment: environment)
        #expect(sharedFromSecond.server == "https://from-a.test")
        #expect(sharedFromSecond.authentication == .none)
    }

    @Test func loadPrefersExplicitPathThenHomeConfig() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try directory.write(
            ".kube/config", Self.kubeconfig(cluster: ["server: https://home.test"], user: ["token: t"]))
        let explicit = try directory.write(
            "explicit", Self.kubeconfig(cluster: ["server: https://explicit.test"], user: ["token: t"]))
        let environment = ["HOME": directory.path]
        #expect(try KubeClientConfiguration.load(environment: environment).server == "https://home.test")
        #expect(
            try KubeClientConfiguration.load(kubeconfigPath: explicit, environment: environment).server
                == "https://explicit.test")
    }

    @Test func loadWithNothingToLoadSaysWhereItLooked() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let error = try #require(throws: KubeConfigurationError.self) {
            try KubeClientConfiguration.load(environment: ["HOME": directory.path])
        }
        #expect(error.message.contains("no Kubernetes configuration found: looked at \(directory.path)/.kube/config"))
        #expect(error.message.contains("KUBERNETES_SERVICE_HOST is not set"))
    }

    @Test func execPluginFromKubeconfig() throws {
        let yaml = """
            clusters:
            - name: c
              cluster:
                server: https://10.1.2.3:443
                certificate-authority-data: \(base64(Self.authority.certificatePEM))
            users:
            - name: relative
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: ./bin/get-token
                  args: [--cluster, "42"]
                  env:
                  - {name: MODE, value: fast}
                  installHint: install get-token from the team wiki
                  provideClusterInfo: true
                  interactiveMode: Never
            - name: bare
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1, command: gke-gcloud-auth-plugin}
            contexts:
            - {name: relative, context: {cluster: c, user: relative}}
            - {name: bare, context: {cluster: c, user: bare}}
            current-context: relative
            """
        let relative = try KubeClientConfiguration.fromKubeconfig(yaml: yaml, baseDirectory: "/home/u/.kube", source: "k")
        let expected = ExecCredentialPlugin(
            command: "/home/u/.kube/bin/get-token", arguments: ["--cluster", "42"],
            environment: [.init(name: "MODE", value: "fast")], apiVersion: "client.authentication.k8s.io/v1beta1",
            installHint: "install get-token from the team wiki", provideClusterInfo: true, interactiveMode: .never,
            cluster: .init(server: "https://10.1.2.3:443", certificateAuthorityPEM: Self.authority.certificatePEM))
        #expect(relative.authentication == .exec(expected))

        let bare = try KubeClientConfiguration.fromKubeconfig(
            yaml: yaml, baseDirectory: "/home/u/.kube", context: "bare", source: "k")
        #expect(bare.authentication == .exec(ExecCredentialPlugin(command: "gke-gcloud-auth-plugin")))
    }
}
