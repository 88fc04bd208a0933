import Foundation
import KubeAPI
import KubeClient
import Testing
import TrainyardTesting

/// `trainyard controller`, the process operators run: flags, logs, leader election, SIGTERM.
@Suite("trainyard controller command")
struct ControllerCommandTests {
    @Test("runs the TrainingJob and ModelDeployment controllers, holds the lease, and exits 0 on SIGTERM, releasing it")
    func sigtermStopsCleanly() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let cluster = try await DevClusterHarness.start()
        try await cluster.kubectlOK("apply", "-f", repositoryRoot + "/crds/")
        // MLflow is only called for a TrainingJob; none is applied, so nothing needs to listen there.
        let controller = try CommandRunner.start(
            binary,
            [
                "controller", "--kubeconfig", cluster.kubeconfig, "--namespace", "default", "--leader-elect",
                "--leader-election-namespace", "default", "--metrics-bind-address", "127.0.0.1:0",
                "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json", "--tracking-uri", "http://127.0.0.1:9",
            ])
        #expect(try await eventually(timeout: .seconds(30)) { controller.stderr.contains("became leader") }, "\(controller.stderr)")
        let lines = controller.stderr.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.count > 2, "every log line is JSON: \(controller.stderr)")
        #expect(lines.contains { $0["msg"]?.stringValue == "reconciling TrainingJobs and ModelDeployments" }, "\(controller.stderr)")
        let client = try cluster.makeClient()
        let lease = try await client.get(Lease.self, namespace: "default", name: "trainyard-controller")
        #expect(lease.spec?.holderIdentity?.isEmpty == false)

        controller.signal(SIGTERM)
        let exit = try await controller.wait(timeout: .seconds(20))
        #expect(exit.status == 0, "\(exit)")
        #expect(exit.stderr.contains("released leadership"))
        let released = try await client.get(Lease.self, namespace: "default", name: "trainyard-controller")
        #expect(released.spec?.holderIdentity == "")
        try await client.shutdown()
        await cluster.stop()
    }

    @Test(
        "bad flags are refused with a message naming the flag",
        arguments: [
            (["--workers", "0"], "--workers: must be at least 1"),
            (["--metrics-bind-address", "nope"], "--metrics-bind-address: \"nope\" is not a listen address"),
            (["--log-format", "xml"], "--log-format: \"xml\" is not a format; expected text or json"),
            (["--trainer-tracking-patience=-5"], "--trainer-tracking-patience: must be 0 seconds or more, got -5"),
            (["--mlflow-cleanup-timeout=-1"], "--mlflow-cleanup-timeout: must be 0 seconds or more, got -1"),
        ])
    func badFlags(arguments: [String], message: String) async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let result = try await CommandRunner.run(binary, ["controller"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test("with nothing to reconcile (no MLflow given) it exits non-zero at once, naming the flag and the variable")
    func nothingToReconcile() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let result = try await CommandRunner.run(
            binary, ["controller", "--health-probe-bind-address", "127.0.0.1:0"], environment: ["MLFLOW_TRACKING_URI": ""],
            timeout: .seconds(30))
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("--tracking-uri: missing, and MLFLOW_TRACKING_URI is not set"), "\(result)")
        let invalid = try await CommandRunner.run(binary, ["controller", "--tracking-uri", "ftp://mlflow"], timeout: .seconds(30))
        #expect(invalid.status != 0 && invalid.stderr.contains("--tracking-uri:"), "\(invalid)")
    }

    @Test("an unreadable kubeconfig fails at once with the path in the message")
    func missingKubeconfig() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let result = try await CommandRunner.run(
            binary, ["controller", "--kubeconfig", "/nonexistent/kubeconfig", "--tracking-uri", "http://127.0.0.1:9"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/kubeconfig"), "\(result)")
    }
}
