import Foundation

extension KubeClientConfiguration {
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a pod's service account, as client-go's `rest.InClusterConfig`
    /// builds it: the API server from KUBERNETES_SERVICE_HOST/PORT, the CA and a token that
    /// the kubelet rotates (re-read when it changes) from `serviceAccountDirectory`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws -> KubeClientConfiguration {
        let host = environment["KUBERNETES_SERVICE_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        let port = environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let host, let port else {
            let missing = [host == nil ? "KUBERNETES_SERVICE_HOST" : nil, port == nil ? "KUBERNETES_SERVICE_PORT" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            throw KubeConfigurationError(
                "in-cluster configuration: \(missing) not set; Kubernetes sets them in every pod. "
                    + "Outside a cluster, point KUBECONFIG at a kubeconfig file")
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw KubeConfigurationError(
                "in-cluster configuration: KUBERNETES_SERVICE_PORT is \"\(port)\", expected a port number")
        }
        // An IPv6 address needs brackets in a URL, as net.JoinHostPort adds them.
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host

        let directory = KubeClientConfiguration.trimmingTrailingSlashes(serviceAccountDirectory)
        let tokenPath = directory + "/token"
        let caPath = directory + "/ca.crt"
        let namespacePath = directory + "/namespace"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigurationError(
                "in-cluster configuration: service-account token \(tokenPath) "
                    + (FileManager.default.fileExists(atPath: tokenPath) ? "cannot be read" : "does not exist")
                    + "; is automountServiceAccountToken disabled for this pod?")
        }
        let caPEM: String
        do {
            caPEM = try String(contentsOfFile: caPath, encoding: .utf8)
        } catch {
            throw KubeConfigurationError(
                "in-cluster configuration: service-account CA \(caPath) cannot be read: \(error.localizedDescription)")
        }
        let namespace = (try? String(contentsOfFile: namespacePath, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)

        var configuration = KubeClientConfiguration(
            server: "https://\(hostPart):\(port)", tls: TLSSettings(certificateAuthorityPEM: caPEM),
            authentication: .tokenFile(path: tokenPath), namespace: namespace?.isEmpty == false ? namespace : nil,
            source: "in-cluster")
        configuration.certificateAuthorityOrigin = caPath
        _ = try configuration.makeTLSConfiguration()
        return configuration
    }
}
