import Foundation

/// Turning a parsed (possibly merged) kubeconfig and a context name into a configuration.
extension KubeClientConfiguration {
    static func resolve(_ file: KubeconfigFile, context requested: String?, source: String) throws
        -> KubeClientConfiguration
    {
        func fail(_ message: String) -> KubeConfigurationError {
            KubeConfigurationError("\(source): \(message)")
        }
        func listing(_ names: [String]) -> String {
            names.isEmpty ? "none are defined" : names.joined(separator: ", ")
        }
        let contextNames = file.contexts.map(\.name)
        guard let contextName = requested ?? file.currentContext else {
            throw fail("no current-context is set and no context was given; contexts are: \(listing(contextNames))")
        }
        guard let context = file.contexts.first(where: { $0.name == contextName }) else {
            let which = requested == nil ? "current-context \"\(contextName)\"" : "context \"\(contextName)\""
            throw fail("\(which) not found; contexts are: \(listing(contextNames))")
        }
        let described = "\(source) (context \(contextName))"
        func failInContext(_ message: String) -> KubeConfigurationError {
            KubeConfigurationError("\(described): \(message)")
        }
        guard let clusterName = context.cluster else {
            throw failInContext("contexts[\"\(contextName)\"].context.cluster is not set; expected the name of a cluster")
        }
        guard let cluster = file.clusters.first(where: { $0.name == clusterName }) else {
            throw failInContext(
                "context \"\(contextName)\" refers to cluster \"\(clusterName)\", which is not defined; clusters are: "
                    + listing(file.clusters.map(\.name)))
        }
        var user: KubeconfigFile.User?
        if let userName = context.user {
            guard let found = file.users.first(where: { $0.name == userName }) else {
                throw failInContext(
                    "context \"\(contextName)\" refers to user \"\(userName)\", which is not defined; users are: "
                        + listing(file.users.map(\.name)))
            }
            user = found
        }

        var configuration: KubeClientConfiguration
        do {
            configuration = try build(cluster: cluster, user: user)
        } catch let error as KubeConfigurationError {
            throw error.prefixed(described)
        }
        configuration.namespace = context.namespace
        configuration.source = described
        // Bad PEM should fail now, naming the kubeconfig, not on the first request.
        _ = try configuration.makeTLSConfiguration()
        return configuration
    }

    static func build(cluster: KubeconfigFile.Cluster, user: KubeconfigFile.User?) throws
        -> KubeClientConfiguration
    {
        let clusterPath = "clusters[\"\(cluster.name)\"].cluster"
        guard let rawServer = cluster.server else {
            throw KubeConfigurationError(
                "\(clusterPath).server is not set; expected the API server URL, e.g. https://127.0.0.1:6443")
        }
        if let proxy = cluster.proxyURL {
            throw KubeConfigurationError(
                "\(clusterPath).proxy-url (\(proxy)) is not supported; remove it and reach the API server directly")
        }
        let server = rawServer.contains("://") ? rawServer : "https://\(rawServer)"
        guard let components = URLComponents(string: server), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", components.host?.isEmpty == false
        else {
            throw KubeConfigurationError(
                "\(clusterPath).server \"\(rawServer)\" is not a valid URL; expected e.g. https://127.0.0.1:6443")
        }

        var tls = TLSSettings(insecureSkipTLSVerify: cluster.insecureSkipTLSVerify, serverName: cluster.tlsServerName)
        var caOrigin: String?
        switch (cluster.certificateAuthorityData, cluster.certificateAuthority) {
        case (.some, .some):
            throw KubeConfigurationError(
                "\(clusterPath) sets both certificate-authority and certificate-authority-data; set only one")
        case (let data?, nil):
            tls.certificateAuthorityPEM = try decodeBase64(data, field: "\(clusterPath).certificate-authority-data")
            caOrigin = "certificate-authority-data"
        case (nil, let path?):
            let absolute = resolvePath(path, against: cluster.baseDirectory)
            tls.certificateAuthorityPEM = try readFile(absolute, field: "\(clusterPath).certificate-authority")
            caOrigin = "certificate-authority \(absolute)"
        case (nil, nil):
            break
        }

        var authentication = Authentication.none
        if let user {
            let userPath = "users[\"\(user.name)\"].user"
            if let provider = user.authProviderName {
                throw KubeConfigurationError(
                    "\(userPath).auth-provider (\(provider)) is not supported: auth providers were removed from client-go; "
                        + "use an exec credential plugin instead (users[].user.exec, e.g. gke-gcloud-auth-plugin, "
                        + "kubelogin or aws eks get-token)")
            }
            tls.clientCertificatePEM = try inlineOrFile(
                data: user.clientCertificateData, file: user.clientCertificate, field: "client-certificate",
                userPath: userPath, baseDirectory: user.baseDirectory)
            tls.clientKeyPEM = try inlineOrFile(
                data: user.clientKeyData, file: user.clientKey, field: "client-key", userPath: userPath,
                baseDirectory: user.baseDirectory)

            var methods: [String] = []
            if user.token != nil || user.tokenFile != nil { methods.append("token") }
            if user.username != nil || user.password != nil { methods.append("basic auth (username/password)") }
            if user.exec != nil { methods.append("exec") }
            if methods.count > 1 {
                throw KubeConfigurationError(
                    "\(userPath) sets more than one way to authenticate (\(methods.joined(separator: ", "))); keep only one")
            }
            if let tokenFile = user.tokenFile {
                // The file wins over an inline token, as in client-go: it is the one that rotates.
                let absolute = resolvePath(tokenFile, against: user.baseDirectory)
                guard FileManager.default.isReadableFile(atPath: absolute) else {
                    throw KubeConfigurationError(
                        "\(userPath).tokenFile: \(absolute) "
                            + (FileManager.default.fileExists(atPath: absolute) ? "cannot be read" : "does not exist"))
                }
                authentication = .tokenFile(path: absolute)
            } else if let token = user.token {
                authentication = .bearerToken(token)
            } else if user.username != nil || user.password != nil {
                guard let username = user.username else {
                    throw KubeConfigurationError("\(userPath) sets password but not username")
                }
                authentication = .basic(username: username, password: user.password ?? "")
            } else if let exec = user.exec {
                // client-go resolves a relative command with a slash against the kubeconfig's
                // folder; a bare name is looked up on PATH when the plugin runs.
                let command =
                    exec.command.contains("/") ? resolvePath(exec.command, against: user.baseDirectory) : exec.command
                authentication = .exec(
                    ExecCredentialPlugin(
                        command: command, arguments: exec.arguments, environment: exec.environment,
                        apiVersion: exec.apiVersion, installHint: exec.installHint,
                        provideClusterInfo: exec.provideClusterInfo, interactiveMode: exec.interactiveMode,
                        cluster: exec.provideClusterInfo
                            ? .init(
                                server: trimmingTrailingSlashes(server), tlsServerName: tls.serverName,
                                insecureSkipTLSVerify: tls.insecureSkipTLSVerify,
                                certificateAuthorityPEM: tls.certificateAuthorityPEM)
                            : nil))
            }
        }
        var configuration = KubeClientConfiguration(server: server, tls: tls, authentication: authentication)
        configuration.certificateAuthorityOrigin = caOrigin
        return configuration
    }

    static func inlineOrFile(
        data: String?, file: String?, field: String, userPath: String, baseDirectory: String
    ) throws -> String? {
        switch (data, file) {
        case (.some, .some):
            throw KubeConfigurationError("\(userPath) sets both \(field) and \(field)-data; set only one")
        case (let data?, nil):
            return try decodeBase64(data, field: "\(userPath).\(field)-data")
        case (nil, let path?):
            return try readFile(resolvePath(path, against: baseDirectory), field: "\(userPath).\(field)")
        case (nil, nil):
            return nil
        }
    }

    static func decodeBase64(_ text: String, field: String) throws -> String {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw KubeConfigurationError(
                "\(field) is not valid base64; expected the base64 encoding of a PEM file (e.g. `base64 -w0 ca.crt`)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func readFile(_ path: String, field: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw KubeConfigurationError("\(field): \(path) \(reason)")
        }
    }

    static func resolvePath(_ path: String, against baseDirectory: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }
}
