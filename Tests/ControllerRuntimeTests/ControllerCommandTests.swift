import Foundation
import KubeAPI
import KubeClient
import Testing
import TrainyardTesting

/// `trainyard controller`, the process operators run: flags, logs, leader election, SIGTERM.
@Suite("trainyard controller command")
struct ControllerCommandTests {
    @Test("without MLflow runs the manager with no reconcilers, holds the lease, and exits 0 on SIGTERM, releasing it")
    func sigtermStopsCleanly() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let cluster = try await DevClusterHarness.start()
        let controller = try CommandRunner.start(
            binary,
            [
                "controller", "--kubeconfig", cluster.kubeconfig, "--namespace", "default", "--leader-elect",
                "--leader-election-namespace", "default", "--metrics-bind-address", "127.0.0.1:0",
                "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json",
            ])
        #expect(try await eventually(timeout: .seconds(30)) { controller.stderr.contains("became leader") }, "\(controller.stderr)")
        let lines = controller.stderr.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.count > 2, "every log line is JSON: \(controller.stderr)")
        // Without MLflow the TrainingJob reconciler is not started, and the log says what to give.
        #expect(lines.contains { $0["msg"]?.stringValue?.contains("TrainingJobs are not reconciled: give --tracking-uri") == true })
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
        ])
    func badFlags(arguments: [String], message: String) async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let result = try await CommandRunner.run(binary, ["controller"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test("an unreadable kubeconfig fails at once with the path in the message")
    func missingKubeconfig() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let result = try await CommandRunner.run(binary, ["controller", "--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/kubeconfig"), "\(result)")
    }
}
