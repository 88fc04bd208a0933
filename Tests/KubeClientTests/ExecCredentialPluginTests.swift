import Foundation
import KubeAPI
import Synchronization
import Testing

@testable import KubeClient

@Suite struct ExecCredentialPluginTests {
    /// Prints an ExecCredential whose token carries the call count, and records each call and
    /// what it was given.
    static let script = """
        #!/bin/sh
        echo call >> "$STATE/calls"
        count=$(wc -l < "$STATE/calls" | tr -d ' ')
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$STATE/exec-info.json"
        env > "$STATE/env.txt"
        [ -n "$DELAY" ] && sleep "$DELAY"
        expiry=""
        [ -n "$EXPIRY" ] && expiry=",\\"expirationTimestamp\\":\\"$EXPIRY\\""
        printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"tok-%s"%s}}\\n' \\
          "${RETURN_VERSION:-client.authentication.k8s.io/v1}" "$count" "$expiry"
        """

    struct Fixture {
        let directory: ScratchDirectory
        let scriptPath: String
        var calls: Int { directory.read("calls")?.split(separator: "\n").count ?? 0 }

        init() throws {
            directory = try ScratchDirectory()
            scriptPath = try directory.write("bin/token-plugin", ExecCredentialPluginTests.script, executable: true)
        }

        func plugin(_ extra: [String: String] = [:], apiVersion: String = "client.authentication.k8s.io/v1")
            -> ExecCredentialPlugin
        {
            var environment = [ExecCredentialPlugin.EnvironmentVariable(name: "STATE", value: directory.path)]
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) { environment.append(.init(name: name, value: value)) }
            return ExecCredentialPlugin(command: scriptPath, environment: environment, apiVersion: apiVersion)
        }
    }

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let current: Mutex<Date>
        init(_ date: Date) { current = Mutex(date) }
        var now: Date {
            get { current.withLock { $0 } }
            set { current.withLock { $0 = newValue } }
        }
    }

    @Test func tokenIsCachedUntilInvalidated() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let provider = CredentialProvider(.exec(fixture.plugin()))
        #expect(try await provider.authorizationHeader() == "Bearer tok-1")
        #expect(try await provider.authorizationHeader() == "Bearer tok-1")
        #expect(fixture.calls == 1)

        await provider.invalidate()
        #expect(try await provider.authorizationHeader() == "Bearer tok-2")
        #expect(fixture.calls == 2)
    }

    @Test func tokenIsRenewedShortlyBeforeExpiry() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let expiry = try #require(ISO8601DateFormatter().date(from: "2030-01-01T00:00:00Z"))
        let clock = Clock(expiry.addingTimeInterval(-3600))
        let provider = CredentialProvider(
            .exec(fixture.plugin(["EXPIRY": "2030-01-01T00:00:00Z"])), environment: ProcessInfo.processInfo.environment,
            now: { clock.now })
        #expect(try await provider.authorizationHeader() == "Bearer tok-1")
        clock.now = expiry.addingTimeInterval(-CredentialProvider.refreshMargin - 1)
        #expect(try await provider.authorizationHeader() == "Bearer tok-1")
        #expect(fixture.calls == 1)

        clock.now = expiry.addingTimeInterval(-CredentialProvider.refreshMargin + 1)
        #expect(try await provider.authorizationHeader() == "Bearer tok-2")
        #expect(fixture.calls == 2)
    }

    @Test func concurrentRequestsShareOneRun() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let provider = CredentialProvider(.exec(fixture.plugin(["DELAY": "0.5"])))
        async let first = provider.authorizationHeader()
        async let second = provider.authorizationHeader()
        let headers = try await [first, second]
        #expect(headers == ["Bearer tok-1", "Bearer tok-1"])
        #expect(fixture.calls == 1)
    }

    @Test func pluginGetsExecInfoAndMergedEnvironment() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        var plugin = fixture.plugin(["FROM_PLUGIN": "plugin-value"])
        plugin.provideClusterInfo = true
        plugin.cluster = .init(server: "https://10.0.0.1:6443", tlsServerName: "api.test", certificateAuthorityPEM: "PEM")
        let provider = CredentialProvider(.exec(plugin), environment: ["PATH": "/usr/bin:/bin", "FROM_CLIENT": "client-value"])
        _ = try await provider.authorizationHeader()

        let environment = try #require(fixture.directory.read("env.txt")).split(separator: "\n")
        #expect(environment.contains("FROM_CLIENT=client-value"))
        #expect(environment.contains("FROM_PLUGIN=plugin-value"))
        let info = try JSONValue.parse(try #require(fixture.directory.read("exec-info.json")))
        #expect(info["apiVersion"] == "client.authentication.k8s.io/v1")
        #expect(info["kind"] == "ExecCredential")
        #expect(info[path: ["spec", "interactive"]] == false)
        #expect(info[path: ["spec", "cluster", "server"]] == "https://10.0.0.1:6443")
        #expect(info[path: ["spec", "cluster", "tls-server-name"]] == "api.test")
        #expect(info[path: ["spec", "cluster", "certificate-authority-data"]] == .string(base64("PEM")))

        // Without provideClusterInfo the plugin learns nothing about the cluster.
        let plain = CredentialProvider(.exec(fixture.plugin()))
        _ = try await plain.authorizationHeader()
        let plainInfo = try JSONValue.parse(try #require(fixture.directory.read("exec-info.json")))
        #expect(plainInfo[path: ["spec", "cluster"]] == nil)
        #expect(plainInfo[path: ["spec", "interactive"]] == false)
    }

    @Test func bareCommandIsFoundOnPath() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        var plugin = fixture.plugin()
        plugin.command = "token-plugin"
        let provider = CredentialProvider(.exec(plugin), environment: ["PATH": "/usr/bin:/bin:\(fixture.directory.path)/bin"])
        #expect(try await provider.authorizationHeader() == "Bearer tok-1")
    }

    @Test func missingCommandShowsInstallHint() async throws {
        var plugin = ExecCredentialPlugin(command: "no-such-auth-plugin")
        plugin.installHint = "Install it with: gcloud components install no-such-auth-plugin"
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.exec(plugin), environment: ["PATH": "/usr/bin:/bin"]).authorizationHeader()
        }
        let message = try #require(error?.message)
        #expect(message.contains("exec plugin \"no-such-auth-plugin\": executable not found on PATH (/usr/bin:/bin)"))
        #expect(message.contains("install hint: Install it with: gcloud components install no-such-auth-plugin"))
    }

    @Test func failingPluginReportsExitCodeStderrAndHint() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "fail",
            """
            #!/bin/sh
            for i in 1 2 3 4 5 6 7; do echo "problem line $i" >&2; done
            exit 3
            """, executable: true)
        let plugin = ExecCredentialPlugin(command: path, installHint: "see https://example.test/install")
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.exec(plugin)).authorizationHeader()
        }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("exec plugin \"\(path)\" failed with exit code 3; stderr:"), "\(message)")
        #expect(message.contains("problem line 7"))
        #expect(message.contains("problem line 3"))
        #expect(!message.contains("problem line 2"), "only the last lines of stderr")
        #expect(message.hasSuffix("install hint: see https://example.test/install"))
    }

    @Test func wrongAPIVersionIsRejected() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let plugin = fixture.plugin(["RETURN_VERSION": "client.authentication.k8s.io/v1beta1"])
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.exec(plugin)).authorizationHeader()
        }
        #expect(
            error?.message
                == "exec plugin \"\(fixture.scriptPath)\" returned apiVersion \"client.authentication.k8s.io/v1beta1\", "
                + "but the kubeconfig's exec.apiVersion is \"client.authentication.k8s.io/v1\"; they must match")
    }

    @Test func v1beta1PluginIsAccepted() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let plugin = fixture.plugin(
            ["RETURN_VERSION": "client.authentication.k8s.io/v1beta1"], apiVersion: "client.authentication.k8s.io/v1beta1")
        #expect(try await CredentialProvider(.exec(plugin)).authorizationHeader() == "Bearer tok-1")
    }

    @Test(arguments: [
        (
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"X","clientKeyData":"Y"}}"#,
            "returned status.clientCertificateData: client certificates from exec plugins are not supported, only tokens"
        ),
        (
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#,
            "returned an ExecCredential without status.token"
        ),
        (
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"tomorrow"}}"#,
            "returned status.expirationTimestamp \"tomorrow\", expected an RFC 3339 time"
        ),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Token"}"#, "printed kind \"Token\", expected \"ExecCredential\""),
        ("Please log in first", "printed something that is not an ExecCredential JSON object"),
    ])
    func badPluginOutput(output: String, expected: String) async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write("plugin", "#!/bin/sh\ncat <<'EOF'\n\(output)\nEOF\n", executable: true)
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.exec(ExecCredentialPlugin(command: path))).authorizationHeader()
        }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test func fractionalExpiryIsParsed() throws {
        let output = Data(
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00.250Z"}}"#
                .utf8)
        let credential = try ExecPluginRunner.parse(stdout: output, plugin: ExecCredentialPlugin(command: "x"))
        #expect(credential.token == "t")
        #expect(credential.expiration == Date(timeIntervalSince1970: 1_893_456_000.25))
    }

    @Test func hungPluginIsStoppedAtTheTimeout() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        // The plugin notes SIGTERM in a file: the watchdog's SIGTERM must reach it (not be blocked
        // or ignored through an inherited signal mask), rather than the SIGKILL fallback.
        let marker = directory.path + "/terminated"
        let script = """
            #!/bin/sh
            trap 'echo TERM > "\(marker)"; kill $sleeper; exit 143' TERM
            echo waiting for browser >&2
            sleep 30 >/dev/null 2>&1 &
            sleeper=$!
            wait
            """
        let path = try directory.write("hang", script + "\n", executable: true)
        let plugin = ExecCredentialPlugin(command: path, timeout: .milliseconds(500))
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.exec(plugin)).authorizationHeader()
        }
        #expect(FileManager.default.fileExists(atPath: marker), "the plugin never saw SIGTERM")
        #expect(error?.message.contains("did not finish within 0.5 s and was stopped") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("waiting for browser") == true)
    }

    @Test func interactiveAlwaysIsRefused() async throws {
        let plugin = ExecCredentialPlugin(command: "/bin/true", interactiveMode: .always)
        let error = await #expect(throws: KubeConfigurationError.self) {
            try await CredentialProvider(.exec(plugin)).authorizationHeader()
        }
        #expect(error?.message.contains("has interactiveMode Always, but Trainyard runs without a terminal") == true)
    }
}
