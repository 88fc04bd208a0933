import Foundation
import Testing
import TrainyardTesting

/// The `trainyard dev` command itself: the process users start, stop and start again.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct DevCommandTests {
    func startDev(_ binary: String, state: String) async throws -> (RunningCommand, String) {
        let dev = try CommandRunner.start(binary, ["dev", "--port", "0", "--state-dir", state, "--no-mlflow"])
        try await dev.waitForOutput { $0.contains("export KUBECONFIG=") }
        return (dev, state + "/kubeconfig")
    }

    @Test func stopAndStartKeepsObjectsAndCountsOn() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let kubectl = try ExternalTool.require("kubectl")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-dev-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let env = ["KUBECACHEDIR": state + "-cache"]

        let (first, kubeconfig) = try await startDev(binary, state: state)
        let created = try await CommandRunner.run(
            kubectl, ["--kubeconfig", kubeconfig, "create", "-f", "-"], environment: env,
            stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\ndata: {k: v}\n")
        #expect(created.succeeded, "\(created)")
        let rv1 = try await CommandRunner.run(
            kubectl, ["--kubeconfig", kubeconfig, "get", "cm", "kept", "-o", "jsonpath={.metadata.resourceVersion}"], environment: env)
        first.signal(SIGTERM)
        let exit = try await first.wait(timeout: .seconds(20))
        #expect(exit.status == 0, "trainyard dev did not stop cleanly on SIGTERM: \(exit)")

        let (second, _) = try await startDev(binary, state: state)
        defer { second.terminate() }
        let data = try await CommandRunner.run(
            kubectl, ["--kubeconfig", kubeconfig, "get", "cm", "kept", "-o", "jsonpath={.data.k}"], environment: env)
        #expect(data.stdout == "v", "\(data)")
        let patched = try await CommandRunner.run(
            kubectl,
            [
                "--kubeconfig", kubeconfig, "patch", "cm", "kept", "--type=merge", "-p", #"{"data":{"k":"w"}}"#, "-o",
                "jsonpath={.metadata.resourceVersion}",
            ], environment: env)
        #expect((Int(patched.stdout) ?? 0) > (Int(rv1.stdout) ?? Int.max), "resourceVersion \(rv1.stdout) -> \(patched.stdout)")
    }
}
