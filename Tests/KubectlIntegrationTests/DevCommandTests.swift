import Foundation
import Testing
import TrainyardTesting

/// The `trainyard dev` command itself: the process users start, stop and start again.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct DevCommandTests {
    func startDev(_ binary: String, state: String) async throws -> (RunningCommand, String) {
        let dev = try CommandRunner.start(binary, ["dev", "--port", "0", "--state-dir", state, "--no-mlflow"])
        do {
            try await dev.waitForOutput { $0.contains("export KUBECONFIG=") }
        } catch {
            dev.signal(SIGTERM)  // no server left behind by a failed start
            throw error
        }
        return (dev, state + "/kubeconfig")
    }

    /// `kubectl run web` (a stand-in server of the Trainyard image on 8080), waited for until Ready.
    func runReadyPod(_ kubectl: String, kubeconfig: String, environment: [String: String]) async throws {
        let run = try await CommandRunner.run(
            kubectl, ["--kubeconfig", kubeconfig, "run", "web", "--image=ghcr.io/trainyard/trainyard:dev", "--port=8080", "--", "idle"],
            environment: environment)
        #expect(run.succeeded, "\(run)")
        let wait = try await CommandRunner.run(
            kubectl, ["--kubeconfig", kubeconfig, "wait", "--for=condition=Ready", "pod/web", "--timeout=60s"], environment: environment,
            timeout: .seconds(90))
        #expect(wait.succeeded, "\(wait)")
    }

    @Test("without --state-dir, trainyard dev keeps pods in a scratch directory and removes it when it stops")
    func memoryOnlyLeavesNothingBehind() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
        let dev = try CommandRunner.start(
            binary, ["dev", "--port", "0", "--kubeconfig", kubeconfig, "--no-mlflow", "--no-controller"])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-dev-\(dev.processIdentifier)").path
        do {
            try await dev.waitForOutput { $0.contains("run as local processes (state in \(scratch))") }
        } catch {
            dev.signal(SIGTERM)
            throw error
        }
        // A pod writes its log there.
        let kubectl = try ExternalTool.require("kubectl")
        let env = ["KUBECACHEDIR": kubeconfig + "-cache"]
        defer { try? FileManager.default.removeItem(atPath: kubeconfig + "-cache") }
        try await runReadyPod(kubectl, kubeconfig: kubeconfig, environment: env)
        #expect(FileManager.default.fileExists(atPath: scratch + "/logs"), "the pod's log is in the scratch directory while it runs")
        dev.signal(SIGTERM)
        let result = try await dev.wait(timeout: .seconds(60))
        #expect(result.status == 0, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: scratch), "\(scratch) is left behind")
    }

    @Test func stopAndStartKeepsObjectsAndCountsOn() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let kubectl = try ExternalTool.require("kubectl")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-dev-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let env = ["KUBECACHEDIR": state + "-cache"]
        defer { try? FileManager.default.removeItem(atPath: state + "-cache") }

        let (first, kubeconfig) = try await startDev(binary, state: state)
        defer { if first.isRunning { first.signal(SIGTERM) } }
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

    @Test("trainyard dev runs pods, a Service URL, the controller and MLflow, and SIGTERM stops them all: no child process is left")
    func stopLeavesNoChildProcess() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let kubectl = try ExternalTool.require("kubectl")
        let mlflowPort = try freeLoopbackPort()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-dev-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let env = ["KUBECACHEDIR": state + "-cache"]
        defer { try? FileManager.default.removeItem(atPath: state + "-cache") }
        let dev = try CommandRunner.start(binary, ["dev", "--port", "0", "--state-dir", state, "--mlflow-port", String(mlflowPort)])
        // A failed expectation below must not leave trainyard dev (and its MLflow) running: SIGTERM stops them all.
        defer { if dev.isRunning { dev.signal(SIGTERM) } }
        try await dev.waitForOutput(timeout: .seconds(90)) {
            $0.contains("MLflow on http://127.0.0.1:\(mlflowPort)") && $0.contains("trainyard dev: controller running")
        }
        let kubeconfig = state + "/kubeconfig"
        try await runReadyPod(kubectl, kubeconfig: kubeconfig, environment: env)
        // The Service's URL is printed and answers from the pod.
        let expose = try await CommandRunner.run(
            kubectl, ["--kubeconfig", kubeconfig, "expose", "pod", "web", "--port=80", "--target-port=8080"], environment: env)
        #expect(expose.succeeded, "\(expose)")
        try await dev.waitForOutput(timeout: .seconds(30)) { $0.contains("service default/web port 80 on http://") }
        let url = try #require(
            dev.stdout.split(separator: "\n").first { $0.contains("service default/web port 80 on") }?.split(separator: " ").last.map(
                String.init))
        let answer = try await HTTPFetch.get(url + "/", newConnection: true)
        #expect(answer.status == 200 && answer.body == "ok web\n", "\(answer)")

        let children = try await CommandRunner.run("/usr/bin/pgrep", ["-P", String(dev.processIdentifier)])
        let pids = children.stdout.split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count >= 3, "expected the pod's process, the controller and mlflow as children: \(children)")

        dev.signal(SIGTERM)
        let exit = try await dev.wait(timeout: .seconds(60))
        #expect(exit.status == 0, "trainyard dev did not stop cleanly on SIGTERM: \(exit)")
        #expect(exit.stdout.contains("trainyard dev: stopped"), "\(exit)")
        // Every child and its process group (mlflow's uvicorn workers) is gone.
        for pid in pids {
            #expect(kill(pid, 0) != 0, "child process \(pid) outlived trainyard dev")
            #expect(kill(-pid, 0) != 0, "process group \(pid) outlived trainyard dev")
        }
        let log = try String(
            contentsOfFile: state + "/runtime/logs/"
                + (try FileManager.default.contentsOfDirectory(atPath: state + "/runtime/logs").first ?? "") + "/web/0.log", encoding: .utf8
        )
        #expect(log.contains("received SIGTERM"), "\(log)")
    }
}
