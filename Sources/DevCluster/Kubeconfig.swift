import Foundation

/// Writes the kubeconfig that points kubectl (and the controller) at a dev server.
public enum Kubeconfig {
    public static let contextName = "trainyard-dev"

    public static func render(server: String, token: String, caPEM: String, namespace: String = "default") -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(contextName)
          cluster:
            server: \(server)
            certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())
        users:
        - name: \(contextName)
          user:
            token: \(token)
        contexts:
        - name: \(contextName)
          context:
            cluster: \(contextName)
            user: \(contextName)
            namespace: \(namespace)
        current-context: \(contextName)
        preferences: {}

        """
    }

    /// Writes with mode 0600: the file holds the bearer token.
    public static func write(to path: String, server: String, token: String, caPEM: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(render(server: server, token: token, caPEM: caPEM).utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
