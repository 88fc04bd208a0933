import Foundation
import Yams

/// One kubeconfig file as written, before contexts are resolved. Entries remember the folder of
/// the file that defined them, because relative paths resolve against that folder even after
/// several KUBECONFIG files are merged.
struct KubeconfigFile: Sendable {
    struct Cluster: Sendable {
        var name: String
        var baseDirectory: String
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify = false
        var tlsServerName: String?
        var proxyURL: String?
    }

    struct User: Sendable {
        var name: String
        var baseDirectory: String
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var username: String?
        var password: String?
        var exec: Exec?
        var authProviderName: String?
    }

    struct Exec: Sendable {
        var command: String
        var arguments: [String]
        var environment: [ExecCredentialPlugin.EnvironmentVariable]
        var apiVersion: String
        var installHint: String?
        var provideClusterInfo: Bool
        var interactiveMode: ExecCredentialPlugin.InteractiveMode
    }

    struct Context: Sendable {
        var name: String
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    var clusters: [Cluster] = []
    var users: [User] = []
    var contexts: [Context] = []
    var currentContext: String?

    /// Errors carry a field path such as `users["dev"].user.exec.command` and are prefixed by
    /// the caller with the file they came from.
    static func parse(yaml: String, baseDirectory: String) throws -> KubeconfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw KubeConfigurationError("not valid YAML: \(error)")
        }
        var file = KubeconfigFile()
        guard let root else { return file }  // an empty file is an empty config, as for kubectl
        guard root.mapping != nil else {
            throw KubeConfigurationError("expected a mapping with clusters, users and contexts at the top level")
        }
        file.currentContext = try string(root, "current-context", at: "current-context")
        for (index, entry) in try entries(root, "clusters").enumerated() {
            let (name, body) = try named(entry, list: "clusters", index: index, bodyKey: "cluster")
            let path = "clusters[\"\(name)\"].cluster"
            var cluster = Cluster(name: name, baseDirectory: baseDirectory)
            cluster.server = try string(body, "server", at: path)
            cluster.certificateAuthority = try string(body, "certificate-authority", at: path)
            cluster.certificateAuthorityData = try string(body, "certificate-authority-data", at: path)
            cluster.insecureSkipTLSVerify = try bool(body, "insecure-skip-tls-verify", at: path) ?? false
            cluster.tlsServerName = try string(body, "tls-server-name", at: path)
            cluster.proxyURL = try string(body, "proxy-url", at: path)
            file.clusters.append(cluster)
        }
        for (index, entry) in try entries(root, "users").enumerated() {
            let (name, body) = try named(entry, list: "users", index: index, bodyKey: "user")
            let path = "users[\"\(name)\"].user"
            var user = User(name: name, baseDirectory: baseDirectory)
            user.token = try string(body, "token", at: path)
            user.tokenFile = try string(body, "tokenFile", at: path)
            user.clientCertificate = try string(body, "client-certificate", at: path)
            user.clientCertificateData = try string(body, "client-certificate-data", at: path)
            user.clientKey = try string(body, "client-key", at: path)
            user.clientKeyData = try string(body, "client-key-data", at: path)
            user.username = try string(body, "username", at: path)
            user.password = try string(body, "password", at: path)
            if let provider = body?["auth-provider"], provider.null == nil {
                user.authProviderName = provider["name"]?.string ?? "unnamed"
            }
            if let exec = body?["exec"], exec.null == nil {
                user.exec = try parseExec(exec, at: path + ".exec")
            }
            file.users.append(user)
        }
        for (index, entry) in try entries(root, "contexts").enumerated() {
            let (name, body) = try named(entry, list: "contexts", index: index, bodyKey: "context")
            let path = "contexts[\"\(name)\"].context"
            file.contexts.append(
                Context(
                    name: name, cluster: try string(body, "cluster", at: path), user: try string(body, "user", at: path),
                    namespace: try string(body, "namespace", at: path)))
        }
        return file
    }

    private static func parseExec(_ node: Node, at path: String) throws -> Exec {
        guard node.mapping != nil else { throw KubeConfigurationError("\(path): expected a mapping") }
        guard let command = try string(node, "command", at: path) else {
            throw KubeConfigurationError("\(path).command is not set; expected the plugin executable")
        }
        guard let apiVersion = try string(node, "apiVersion", at: path) else {
            throw KubeConfigurationError(
                "\(path).apiVersion is not set; expected one of "
                    + ExecCredentialPlugin.supportedAPIVersions.joined(separator: ", "))
        }
        guard ExecCredentialPlugin.supportedAPIVersions.contains(apiVersion) else {
            throw KubeConfigurationError(
                "\(path).apiVersion \"\(apiVersion)\" is not supported; expected one of "
                    + ExecCredentialPlugin.supportedAPIVersions.joined(separator: ", "))
        }
        var arguments: [String] = []
        for (index, argument) in try sequence(node["args"], at: "\(path).args").enumerated() {
            guard let value = argument.scalar?.string else {
                throw KubeConfigurationError("\(path).args[\(index)]: expected a string")
            }
            arguments.append(value)
        }
        var environment: [ExecCredentialPlugin.EnvironmentVariable] = []
        for (index, variable) in try sequence(node["env"], at: "\(path).env").enumerated() {
            let at = "\(path).env[\(index)]"
            guard let name = try string(variable, "name", at: at) else {
                throw KubeConfigurationError("\(at).name is not set; expected {name: VAR, value: ...}")
            }
            environment.append(.init(name: name, value: try string(variable, "value", at: at) ?? ""))
        }
        let mode: ExecCredentialPlugin.InteractiveMode
        if let text = try string(node, "interactiveMode", at: path) {
            guard let parsed = ExecCredentialPlugin.InteractiveMode(rawValue: text) else {
                throw KubeConfigurationError(
                    "\(path).interactiveMode \"\(text)\" is not valid; expected Never, IfAvailable or Always")
            }
            mode = parsed
        } else {
            mode = .ifAvailable
        }
        return Exec(
            command: command, arguments: arguments, environment: environment, apiVersion: apiVersion,
            installHint: try string(node, "installHint", at: path),
            provideClusterInfo: try bool(node, "provideClusterInfo", at: path) ?? false, interactiveMode: mode)
    }

    // MARK: Node helpers

    private static func entries(_ root: Node, _ key: String) throws -> [Node] {
        try sequence(root[key], at: key)
    }

    private static func sequence(_ node: Node?, at path: String) throws -> [Node] {
        guard let node, node.null == nil else { return [] }
        guard let sequence = node.sequence else {
            throw KubeConfigurationError("\(path): expected a list")
        }
        return Array(sequence)
    }

    private static func named(_ entry: Node, list: String, index: Int, bodyKey: String) throws -> (String, Node?) {
        guard entry.mapping != nil else {
            throw KubeConfigurationError("\(list)[\(index)]: expected a mapping with name and \(bodyKey)")
        }
        guard let name = try string(entry, "name", at: "\(list)[\(index)]") else {
            throw KubeConfigurationError("\(list)[\(index)] has no name")
        }
        let body = entry[bodyKey]
        if let body, body.null == nil, body.mapping == nil {
            throw KubeConfigurationError("\(list)[\"\(name)\"].\(bodyKey): expected a mapping")
        }
        return (name, body)
    }

    /// Scalars are taken as text whatever YAML would type them as: a numeric token is a token.
    private static func string(_ node: Node?, _ key: String, at path: String) throws -> String? {
        guard let value = node?[key] else { return nil }
        guard let scalar = value.scalar else {
            throw KubeConfigurationError("\(path).\(key): expected a string")
        }
        if scalar.style == .plain, value.null != nil { return nil }
        return scalar.string.isEmpty ? nil : scalar.string
    }

    private static func bool(_ node: Node?, _ key: String, at path: String) throws -> Bool? {
        guard let value = node?[key], value.null == nil else { return nil }
        guard let parsed = value.bool else {
            throw KubeConfigurationError(
                "\(path).\(key): expected true or false, got \"\(value.scalar?.string ?? "a non-scalar")\"")
        }
        return parsed
    }
}
