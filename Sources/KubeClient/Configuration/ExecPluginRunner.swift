import Dispatch
import Foundation
import KubeAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs an exec credential plugin and reads the token it prints. The child process is started
/// and waited for on a dedicated thread, never on the cooperative pool, so a slow or hung plugin
/// cannot starve the rest of the program; a watchdog kills it after the plugin's timeout.
enum ExecPluginRunner {
    /// A token from a plugin, and when it stops being valid (nil: until the server rejects it).
    struct Credential: Sendable, Equatable {
        var token: String
        var expiration: Date?
    }

    static func credential(
        from plugin: ExecCredentialPlugin, environment: [String: String]
    ) async throws -> Credential {
        let name = plugin.command
        if plugin.interactiveMode == .always {
            throw KubeConfigurationError(
                "exec plugin \"\(name)\" has interactiveMode Always, but Trainyard runs without a terminal; "
                    + "use a plugin configuration that works non-interactively (interactiveMode IfAvailable or Never)"
                    + hintSuffix(plugin))
        }
        let executable = try resolveExecutable(plugin, environment: environment)
        var childEnvironment = environment
        for variable in plugin.environment { childEnvironment[variable.name] = variable.value }
        childEnvironment["KUBERNETES_EXEC_INFO"] = execInfo(plugin).serialized()

        let outcome = try await runProcess(
            executable: executable, arguments: plugin.arguments, environment: childEnvironment, timeout: plugin.timeout)
        if outcome.timedOut {
            throw KubeConfigurationError(
                "exec plugin \"\(name)\" did not finish within \(describe(plugin.timeout)) and was stopped"
                    + stderrSuffix(outcome.stderr) + hintSuffix(plugin))
        }
        guard outcome.status == 0 else {
            throw KubeConfigurationError(
                "exec plugin \"\(name)\" failed with exit code \(outcome.status)" + stderrSuffix(outcome.stderr)
                    + hintSuffix(plugin))
        }
        return try parse(stdout: outcome.stdout, plugin: plugin)
    }

    /// The `ExecCredential` passed in KUBERNETES_EXEC_INFO, as client-go builds it.
    static func execInfo(_ plugin: ExecCredentialPlugin) -> JSONValue {
        var spec: [String: JSONValue] = ["interactive": false]
        if plugin.provideClusterInfo, let cluster = plugin.cluster {
            var info: [String: JSONValue] = ["server": .string(cluster.server)]
            if let name = cluster.tlsServerName { info["tls-server-name"] = .string(name) }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
            if let ca = cluster.certificateAuthorityPEM {
                info["certificate-authority-data"] = .string(Data(ca.utf8).base64EncodedString())
            }
            spec["cluster"] = .object(info)
        }
        return .object(["apiVersion": .string(plugin.apiVersion), "kind": "ExecCredential", "spec": .object(spec)])
    }

    static func parse(stdout: Data, plugin: ExecCredentialPlugin) throws -> Credential {
        let name = plugin.command
        let text = String(decoding: stdout, as: UTF8.self)
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            throw KubeConfigurationError(
                "exec plugin \"\(name)\" printed something that is not an ExecCredential JSON object (\(error)); "
                    + "it printed: \(excerpt(text))")
        }
        guard json["kind"]?.stringValue == "ExecCredential" else {
            throw KubeConfigurationError(
                "exec plugin \"\(name)\" printed kind \(quoted(json["kind"]?.stringValue)), expected \"ExecCredential\"")
        }
        let returnedVersion = json["apiVersion"]?.stringValue
        guard returnedVersion == plugin.apiVersion else {
            throw KubeConfigurationError(
                "exec plugin \"\(name)\" returned apiVersion \(quoted(returnedVersion)), but the kubeconfig's exec.apiVersion is "
                    + "\"\(plugin.apiVersion)\"; they must match")
        }
        guard let status = json["status"]?.objectValue else {
            throw KubeConfigurationError("exec plugin \"\(name)\" returned an ExecCredential without status")
        }
        for field in ["clientCertificateData", "clientKeyData"] {
            if let value = status[field]?.stringValue, !value.isEmpty {
                throw KubeConfigurationError(
                    "exec plugin \"\(name)\" returned status.\(field): client certificates from exec plugins are not supported, "
                        + "only tokens (status.token)")
            }
        }
        guard let token = status["token"]?.stringValue, !token.isEmpty else {
            throw KubeConfigurationError("exec plugin \"\(name)\" returned an ExecCredential without status.token")
        }
        var expiration: Date?
        if let stamp = status["expirationTimestamp"], !stamp.isNull {
            guard let string = stamp.stringValue, let date = parseRFC3339(string) else {
                throw KubeConfigurationError(
                    "exec plugin \"\(name)\" returned status.expirationTimestamp \(stamp.serialized()), "
                        + "expected an RFC 3339 time such as \"2030-01-02T15:04:05Z\"")
            }
            expiration = date
        }
        return Credential(token: token, expiration: expiration)
    }

    static func parseRFC3339(_ string: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: string) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: string)
    }

    /// A bare name is looked up on PATH, as `exec.LookPath` does for client-go.
    static func resolveExecutable(_ plugin: ExecCredentialPlugin, environment: [String: String]) throws -> String {
        let command = plugin.command
        let fileManager = FileManager.default
        if command.contains("/") {
            let path = command.hasPrefix("/") ? command : fileManager.currentDirectoryPath + "/" + command
            guard fileManager.isExecutableFile(atPath: path) else {
                let problem = fileManager.fileExists(atPath: path) ? "is not executable" : "does not exist"
                throw KubeConfigurationError("exec plugin \"\(command)\": \(path) \(problem)" + hintSuffix(plugin))
            }
            return path
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/\(command)"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw KubeConfigurationError(
            "exec plugin \"\(command)\": executable not found on PATH (\(searchPath))" + hintSuffix(plugin))
    }

    private static func hintSuffix(_ plugin: ExecCredentialPlugin) -> String {
        guard let hint = plugin.installHint?.trimmingCharacters(in: .whitespacesAndNewlines), !hint.isEmpty else {
            return ""
        }
        return "\ninstall hint: \(hint)"
    }

    /// The last lines of stderr usually carry the plugin's own explanation.
    private static func stderrSuffix(_ stderr: Data) -> String {
        let lines = String(decoding: stderr, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return "; it wrote nothing to stderr" }
        return "; stderr:\n" + lines.suffix(5).map { "  " + $0 }.joined(separator: "\n")
    }

    private static func excerpt(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "nothing" }
        return trimmed.count > 200 ? "\"\(trimmed.prefix(200))...\"" : "\"\(trimmed)\""
    }

    private static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "nothing"
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = seconds(duration)
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: Running the process

    struct ProcessOutcome: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var timedOut: Bool
    }

    static func runProcess(
        executable: String, arguments: [String], environment: [String: String], timeout: Duration
    ) async throws -> ProcessOutcome {
        let control = ExecPluginProcess()
        let outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessOutcome, any Error>) in
                let thread = Thread {
                    continuation.resume(
                        with: Result {
                            try control.run(
                                executable: executable, arguments: arguments, environment: environment,
                                timeout: seconds(timeout))
                        })
                }
                thread.name = "trainyard-exec-plugin"
                thread.start()
            }
        } onCancel: {
            control.stop(reason: .cancelled)
        }
        try Task.checkCancellation()
        return outcome
    }
}
