import DevCluster
import Foundation
import KubeAPI
import KubeClient
import Testing
import TrainyardTesting

/// The credential sources seen working end to end: a real request to `trainyard dev`, which
/// answers 401 to a wrong or missing bearer token.
@Suite("Authentication against trainyard dev", .serialized)
struct AuthenticationIntegrationTests {
    @Test("an exec plugin's token is sent; the plugin runs once for many requests")
    func execPlugin() async throws {
        let cluster = try await DevClusterHarness.start()
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let plugin = try scratch.write(
            "auth-plugin",
            """
            #!/bin/sh
            echo run >> "\(scratch.path)/runs"
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$DEV_TOKEN"
            """, executable: true)
        var configuration = try cluster.clientConfiguration()
        configuration.authentication = .exec(
            ExecCredentialPlugin(command: plugin, environment: [.init(name: "DEV_TOKEN", value: cluster.server.token)]))
        let client = try KubeClient(configuration: configuration)
        for index in 0..<3 {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "exec-\(index)", namespace: "default")))
        }
        #expect(scratch.read("runs")?.split(separator: "\n").count == 1)
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("a rotated token file is picked up after a 401, without restarting the client")
    func tokenFileRotation() async throws {
        let cluster = try await DevClusterHarness.start()
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let tokenFile = try scratch.write("token", "stale-token-from-an-old-rotation")
        var configuration = try cluster.clientConfiguration()
        configuration.authentication = .tokenFile(path: tokenFile)
        let client = try KubeClient(configuration: configuration, retryPolicy: .none)
        await #expect {
            _ = try await client.list(ConfigMap.self, namespace: "default")
        } throws: { ($0 as? KubeError)?.code == .unauthorized }
        try scratch.write("token", cluster.server.token)
        let list = try await client.list(ConfigMap.self, namespace: "default")
        #expect(!list.resourceVersion.isEmpty)
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("a wrong static token fails with the server's Unauthorized status")
    func wrongToken() async throws {
        let cluster = try await DevClusterHarness.start()
        var configuration = try cluster.clientConfiguration()
        configuration.authentication = .bearerToken("nope")
        let client = try KubeClient(configuration: configuration)
        await #expect {
            _ = try await client.get(ConfigMap.self, namespace: "default", name: "x")
        } throws: { error in
            let error = error as? KubeError
            return error?.code == .unauthorized && error?.statusCode == 401
        }
        try await client.shutdown()
        await cluster.stop()
    }
}
