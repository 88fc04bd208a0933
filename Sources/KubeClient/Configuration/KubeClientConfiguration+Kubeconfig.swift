import Foundation

extension KubeClientConfiguration {
    /// The configuration kubectl would use: `kubeconfigPath` if given; else the files in
    /// KUBECONFIG (colon-separated, merged as client-go merges them: the first file to define a
    /// name wins, and current-context comes from the first file that sets it); else
    /// `~/.kube/config`. When none of those files exists and KUBERNETES_SERVICE_HOST is set, the
    /// pod's service account (`inCluster`).
    public static func load(
        kubeconfigPath: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KubeClientConfiguration {
        if let kubeconfigPath {
            return try fromKubeconfig(path: kubeconfigPath, context: context, environment: environment)
        }
        var searched: [String]
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            searched = []
            for path in list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
            where !searched.contains(path) {
                searched.append(path)
            }
            searched = searched.map { expandingHome($0, environment: environment) }
        } else if let home = environment["HOME"], !home.isEmpty {
            searched = ["\(home)/.kube/config"]
        } else {
            searched = []
        }
        let existing = searched.filter { FileManager.default.fileExists(atPath: $0) }
        if !existing.isEmpty {
            return try fromKubeconfigFiles(existing, context: context)
        }
        if let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty {
            if let context {
                throw KubeConfigurationError(
                    "context \"\(context)\" was requested, but there is no kubeconfig (looked at "
                        + "\(searched.isEmpty ? "nothing: neither KUBECONFIG nor HOME is set" : searched.joined(separator: ", "))) "
                        + "and in-cluster configuration has no contexts")
            }
            return try inCluster(environment: environment)
        }
        let looked = searched.isEmpty ? "neither KUBECONFIG nor HOME is set" : "looked at \(searched.joined(separator: ", "))"
        throw KubeConfigurationError(
            "no Kubernetes configuration found: \(looked), and KUBERNETES_SERVICE_HOST is not set (not in a pod). "
                + "Set KUBECONFIG to a kubeconfig file or pass its path")
    }

    /// The configuration from one kubeconfig file; `context` overrides its current-context.
    public static func fromKubeconfig(
        path: String, context: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KubeClientConfiguration {
        try fromKubeconfigFiles([expandingHome(path, environment: environment)], context: context)
    }

    /// Parses kubeconfig YAML text. Relative file paths in it resolve against `baseDirectory`
    /// (the kubeconfig's folder, as for kubectl). `source` names the text in error messages,
    /// e.g. `kubeconfig /home/u/.kube/config`.
    public static func fromKubeconfig(
        yaml: String, baseDirectory: String, context: String? = nil, source: String
    ) throws -> KubeClientConfiguration {
        let file: KubeconfigFile
        do {
            file = try KubeconfigFile.parse(yaml: yaml, baseDirectory: baseDirectory)
        } catch let error as KubeConfigurationError {
            throw error.prefixed(source)
        }
        return try resolve(file, context: context, source: source)
    }

    static func fromKubeconfigFiles(_ paths: [String], context: String?) throws -> KubeClientConfiguration {
        var merged = KubeconfigFile()
        var absolutePaths: [String] = []
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            absolutePaths.append(url.path)
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw KubeConfigurationError("kubeconfig \(url.path) cannot be read: \(error.localizedDescription)")
            }
            let file: KubeconfigFile
            do {
                file = try KubeconfigFile.parse(yaml: text, baseDirectory: url.deletingLastPathComponent().path)
            } catch let error as KubeConfigurationError {
                throw error.prefixed("kubeconfig \(url.path)")
            }
            merge(file, into: &merged)
        }
        return try resolve(merged, context: context, source: "kubeconfig \(absolutePaths.joined(separator: ":"))")
    }

    /// client-go's merge: the first file to define a name keeps it.
    static func merge(_ file: KubeconfigFile, into merged: inout KubeconfigFile) {
        if merged.currentContext == nil { merged.currentContext = file.currentContext }
        for cluster in file.clusters where !merged.clusters.contains(where: { $0.name == cluster.name }) {
            merged.clusters.append(cluster)
        }
        for user in file.users where !merged.users.contains(where: { $0.name == user.name }) {
            merged.users.append(user)
        }
        for entry in file.contexts where !merged.contexts.contains(where: { $0.name == entry.name }) {
            merged.contexts.append(entry)
        }
    }

    private static func expandingHome(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
