import DevCluster
import Foundation
import KubeAPI
import Logging
import Testing
import TrainyardTesting

@testable import DevRuntime

/// A dev API server with the process runtime (the kubelet alone) attached; see ``withDevRuntime``.
private func withRuntime(_ body: (DevClusterHarness, PodRuntimeConfiguration) async throws -> Void) async throws {
    try await withDevRuntime(
        start: { client, configuration, logger in
            let runtime = try PodRuntime(clientConfiguration: client, configuration: configuration, logger: logger)
            return Task { try await runtime.run() }
        }, body)
}

private func pod(_ harness: DevClusterHarness, _ name: String) async throws -> JSONValue {
    try JSONValue.parse(try await harness.kubectlOK("get", "pod", name, "-o", "json"))
}

/// Polls until `condition` holds for the pod (or fails after `timeout`, showing the pod).
private func waitFor(
    _ harness: DevClusterHarness, _ name: String, timeout: Duration = .seconds(120), _ what: String,
    _ condition: (JSONValue) -> Bool
) async throws -> JSONValue {
    let deadline = ContinuousClock.now + timeout
    var last = JSONValue.null
    while ContinuousClock.now < deadline {
        if let current = try? await pod(harness, name) {
            last = current
            if condition(current) { return current }
        }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("pod \(name) never reached \(what): \(last.serialized())")
    throw CancellationError()
}

private let image = "ghcr.io/trainyard/trainyard:dev"

@Suite("dev cluster process runtime", .serialized)
struct PodRuntimeTests {
    @Test("a pod running trainyard train reaches Succeeded with exit code 0, its termination message and its logs")
    func trainingPodSucceeds() async throws {
        try await withRuntime { harness, configuration in
            let data = configuration.stateDirectory + "/hostpath/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: repositoryRoot + "/data/breast_cancer.csv", toPath: data + "/cancer.csv")
            let manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: train}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: trainer
                    image: \(image)
                    args: [train, --data, /data/cancer.csv, --target, diagnosis, --output, /scratch/out, --param, numTrees=5, --progress, plain]
                    terminationMessagePolicy: FallbackToLogsOnError
                    volumeMounts: [{name: data, mountPath: /data}, {name: scratch, mountPath: /scratch}]
                  volumes: [{name: data, hostPath: {path: /data}}, {name: scratch, emptyDir: {}}]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let done = try await waitFor(harness, "train", "Succeeded") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            let status = try #require(done[path: ["status", "containerStatuses"]]?.arrayValue?.first)
            let terminated = status[path: ["state", "terminated"]]
            #expect(terminated?["exitCode"]?.intValue == 0)
            #expect(terminated?["reason"]?.stringValue == "Completed")
            let message = try JSONValue.parse(try #require(terminated?["message"]?.stringValue))
            #expect(message["model"]?.stringValue == "gbdt" && message[path: ["rows", "train"]]?.intValue == 455)
            #expect((message[path: ["validation", "auc"]]?.doubleValue ?? 0) > 0.9)
            #expect(done[path: ["spec", "nodeName"]]?.stringValue == "trainyard-dev")
            let conditions = done[path: ["status", "conditions"]]?.arrayValue ?? []
            #expect(conditions.contains { $0["type"]?.stringValue == "Ready" && $0["reason"]?.stringValue == "PodCompleted" })
            let logs = try await harness.kubectlOK("logs", "train")
            #expect(logs.contains("round 5/5"), "\(logs)")
            #expect(logs.contains("wrote an MLflow model"), "\(logs)")
        }
    }

    @Test("a failing pod shows reason Error, the exit code and, with FallbackToLogsOnError, its last log lines")
    func failingPod() async throws {
        try await withRuntime { harness, _ in
            let manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: broken}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: predictor
                    image: \(image)
                    args: [predict, --model, /nowhere/model.json, --data, /nowhere/data.csv, --output, /tmp/p.csv]
                    terminationMessagePolicy: FallbackToLogsOnError
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let failed = try await waitFor(harness, "broken", "Failed") { $0[path: ["status", "phase"]]?.stringValue == "Failed" }
            let terminated = failed[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "terminated"]]
            #expect(terminated?["reason"]?.stringValue == "Error")
            #expect((terminated?["exitCode"]?.intValue ?? 0) != 0)
            let message = terminated?["message"]?.stringValue ?? ""
            #expect(message.contains("/nowhere/model.json"), "\(message)")
            let get = try await harness.kubectlOK("get", "pod", "broken")
            #expect(get.contains("Error"), "\(get)")
        }
    }

    @Test("restartPolicy OnFailure restarts a failing container with back-off, keeping the last run in lastState")
    func restartsOnFailure() async throws {
        try await withRuntime { harness, _ in
            let manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: flaky}
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: c
                    image: \(image)
                    args: [train, --data, /missing.csv, --target, label, --output, /tmp/out]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let restarted = try await waitFor(harness, "flaky", "two restarts") {
                ($0[path: ["status", "containerStatuses"]]?.arrayValue?.first?["restartCount"]?.intValue ?? 0) >= 2
            }
            let status = try #require(restarted[path: ["status", "containerStatuses"]]?.arrayValue?.first)
            #expect(status[path: ["lastState", "terminated", "reason"]]?.stringValue == "Error")
            #expect(restarted[path: ["status", "phase"]]?.stringValue == "Running")
            let previous = try await harness.kubectl("logs", "flaky", "--previous")
            #expect(previous.stdout.contains("/missing.csv"), "\(previous)")
            let events = try await harness.kubectlOK("get", "events", "--field-selector", "involvedObject.name=flaky")
            #expect(events.contains("BackOff"), "\(events)")
        }
    }

    @Test("a long-running pod gets env from a Secret, a local PORT, passes its readiness probe, and stops on SIGTERM when deleted")
    func serverPodAndDeletion() async throws {
        try await withRuntime { harness, configuration in
            let manifest = """
                apiVersion: v1
                kind: Secret
                metadata: {name: greeting}
                stringData: {text: hello from a secret}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  terminationGracePeriodSeconds: 10
                  containers:
                  - name: server
                    image: \(image)
                    args: [idle, --message, $(GREETING)]
                    env:
                    - name: GREETING
                      valueFrom: {secretKeyRef: {name: greeting, key: text}}
                    ports: [{containerPort: 8080}]
                    readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1}
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let ready = try await waitFor(harness, "web", "Ready") { pod in
                (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
                    $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
                }
            }
            let ports = try JSONValue.parse(
                try #require(ready[path: ["metadata", "annotations", PodRuntime.portsAnnotation]]?.stringValue))
            let local = try #require(ports["8080"]?.intValue)
            let answer = try await HTTPFetch.get("http://127.0.0.1:\(local)/")
            #expect(answer.body == "hello from a secret\n", "\(answer)")
            let pid = try #require(
                ready[path: ["status", "containerStatuses"]]?.arrayValue?.first?["containerID"]?.stringValue?.split(separator: "/").last
                    .flatMap { Int32($0) })

            _ = try await harness.kubectlOK("delete", "pod", "web", "--timeout=60s")
            #expect(kill(pid, 0) != 0, "the container process \(pid) still runs after the pod was deleted")
            let uid = try #require(ready[path: ["metadata", "uid"]]?.stringValue)
            let log = try String(contentsOfFile: configuration.podLogsDirectory + "/default_web_\(uid)/server/0.log", encoding: .utf8)
            #expect(log.contains("received SIGTERM"), "\(log)")
        }
    }

    @Test("a pod with another image stays Pending with a reason that says the dev cluster runs only the Trainyard image")
    func foreignImage() async throws {
        try await withRuntime { harness, _ in
            let manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: nginx}
                spec:
                  containers: [{name: web, image: nginx:1.27}]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let pending = try await waitFor(harness, "nginx", "a waiting reason") {
                $0[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "waiting", "reason"]]?.stringValue
                    == "ImageNotSupported"
            }
            #expect(pending[path: ["status", "phase"]]?.stringValue == "Pending")
            let message =
                pending[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "waiting", "message"]]?.stringValue ?? ""
            #expect(message.contains("runs only the Trainyard image") && message.contains("nginx:1.27"), "\(message)")
            let get = try await harness.kubectlOK("get", "pod", "nginx")
            #expect(get.contains("ImageNotSupported"), "\(get)")
        }
    }
}
