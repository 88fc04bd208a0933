import DevCluster
import Foundation
import KubeAPI
import Logging
import Synchronization
import Testing
import TrainyardTesting

@testable import DevRuntime

/// A dev API server with the whole node attached (kubelet, workload controllers, Service
/// proxies); see ``withDevRuntime``.
private func withNode(_ body: (DevClusterHarness, PodRuntimeConfiguration) async throws -> Void) async throws {
    try await withDevRuntime(
        start: { client, configuration, logger in
            let node = try DevNode(clientConfiguration: client, configuration: DevNodeConfiguration(pods: configuration), logger: logger)
            return Task { try await node.run() }
        }, body)
}

private let image = "ghcr.io/trainyard/trainyard"

/// Polls `kubectl get -o json` until `condition` holds (or fails after `timeout`, showing the object).
private func waitFor(
    _ harness: DevClusterHarness, _ resource: String, timeout: Duration = .seconds(120), _ what: String,
    _ condition: (JSONValue) -> Bool
) async throws -> JSONValue {
    let deadline = ContinuousClock.now + timeout
    var last = JSONValue.null
    while ContinuousClock.now < deadline {
        if let output = try? await harness.kubectlOK("get", resource, "-o", "json"), let current = try? JSONValue.parse(output) {
            last = current
            if condition(current) { return current }
        }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("\(resource) never reached \(what): \(last.serialized())")
    throw CancellationError()
}

private func runningPods(_ list: JSONValue) -> [JSONValue] {
    (list["items"]?.arrayValue ?? []).filter {
        $0[path: ["status", "phase"]]?.stringValue == "Running" && $0[path: ["metadata", "deletionTimestamp"]] == nil
    }
}

/// The pid behind a running container (`trainyard://<pid>`).
private func pid(of pod: JSONValue) -> Int32? {
    pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["containerID"]?.stringValue?.split(separator: "/").last.flatMap {
        Int32($0)
    }
}

/// Requests `url` over a new connection each time until stopped, counting answers and failures.
private final class ClientLoop: Sendable {
    struct Tally: Sendable {
        var answers: [String: Int] = [:]
        var failures: [String] = []
    }
    let tally = Mutex(Tally())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(url: String) {
        let task = Task { [self] in await self.loop(url) }
        self.task.withLock { $0 = task }
    }

    private func loop(_ url: String) async {
        while !Task.isCancelled {
            do {
                let answer = try await HTTPFetch.get(url, timeout: .seconds(10), newConnection: true)
                tally.withLock { tally in
                    if answer.status == 200 {
                        tally.answers[answer.body, default: 0] += 1
                    } else {
                        tally.failures.append("HTTP \(answer.status): \(answer.body)")
                    }
                }
            } catch {
                if Task.isCancelled { break }
                tally.withLock { $0.failures.append("\(error)") }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() async -> Tally {
        let task = task.withLock { $0 }
        task?.cancel()
        await task?.value
        return tally.withLock { $0 }
    }
}

@Suite("dev cluster workloads: Deployments, ReplicaSets, Jobs and Services", .serialized)
struct WorkloadRuntimeTests {
    @Test(
        "a Deployment of 2 rolls out, its Service answers through a stable URL, a template change rolls with no failed request, and it scales to 0 and back"
    )
    func deploymentRollsWithoutFailedRequests() async throws {
        try await withNode { harness, _ in
            let manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 10
                      containers:
                      - name: server
                        image: \(image):dev
                        args: [idle, --message, one]
                        ports: [{name: http, containerPort: 8080}]
                        readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let rollout = try await harness.kubectl("rollout", "status", "deployment/web", "--timeout=120s", timeout: .seconds(150))
            #expect(rollout.succeeded && rollout.stdout.contains("successfully rolled out"), "\(rollout)")

            let first = runningPods(try JSONValue.parse(try await harness.kubectlOK("get", "pods", "-l", "app=web", "-o", "json")))
            let pids = Set(first.compactMap(pid))
            #expect(first.count == 2 && pids.count == 2, "expected 2 running pods with 2 processes: \(first.map { $0.serialized() })")
            for pid in pids { #expect(kill(pid, 0) == 0, "the process \(pid) of a running pod is not alive") }

            let service = try await waitFor(harness, "service/web", "a URL annotation") {
                $0[path: ["metadata", "annotations", ServiceController.urlAnnotation]]?.stringValue != nil
            }
            let url = try #require(service[path: ["metadata", "annotations", ServiceController.urlAnnotation]]?.stringValue)
            #expect(url.hasPrefix("http://127.0.0.1:"), "\(url)")
            let answer = try await HTTPFetch.get(url + "/", newConnection: true)
            #expect(answer.status == 200 && answer.body == "one\n", "\(answer)")

            // Roll to a new template while a client keeps asking through the Service.
            let client = ClientLoop(url: url + "/")
            try await Task.sleep(for: .milliseconds(500))
            _ = try await harness.kubectlOK(
                "patch", "deployment", "web", "--type=json",
                "-p", #"[{"op":"replace","path":"/spec/template/spec/containers/0/args","value":["idle","--message","two"]}]"#)
            let second = try await harness.kubectl("rollout", "status", "deployment/web", "--timeout=120s", timeout: .seconds(150))
            #expect(second.succeeded && second.stdout.contains("successfully rolled out"), "\(second)")
            // Old pods leave the endpoints as they stop; a few more requests after the rollout finished.
            _ = try await waitFor(harness, "pods", "only the new pods") { list in
                (list["items"]?.arrayValue ?? []).filter { $0[path: ["metadata", "labels", "app"]]?.stringValue == "web" }.count == 2
            }
            try await Task.sleep(for: .seconds(1))
            let tally = await client.stop()
            print("rolling update through the Service: answers \(tally.answers), failures \(tally.failures.count)")
            #expect(tally.failures.isEmpty, "\(tally.failures.count) requests failed during the rollout: \(tally.failures.prefix(5))")
            #expect((tally.answers["one\n"] ?? 0) > 0 && (tally.answers["two\n"] ?? 0) > 0, "answers: \(tally.answers)")
            let after = try await HTTPFetch.get(url + "/", newConnection: true)
            #expect(after.body == "two\n", "\(after)")

            let deployment = try JSONValue.parse(try await harness.kubectlOK("get", "deployment", "web", "-o", "json"))
            #expect(deployment[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]]?.stringValue == "2")
            #expect(deployment[path: ["status", "updatedReplicas"]]?.intValue == 2)
            #expect(deployment[path: ["status", "availableReplicas"]]?.intValue == 2)
            let replicaSets = try JSONValue.parse(try await harness.kubectlOK("get", "replicasets", "-o", "json"))
            let counts = (replicaSets["items"]?.arrayValue ?? []).map { $0[path: ["spec", "replicas"]]?.intValue ?? -1 }.sorted()
            #expect(counts == [0, 2], "the old ReplicaSet keeps 0 replicas, the new one 2: \(counts)")
            for pid in pids { #expect(kill(pid, 0) != 0, "the old pod's process \(pid) still runs") }

            // Scale to zero: no pod, no process; then back.
            _ = try await harness.kubectlOK("scale", "deployment", "web", "--replicas=0")
            _ = try await waitFor(harness, "pods", "no pods") { ($0["items"]?.arrayValue ?? []).isEmpty }
            let empty = try await harness.kubectl("rollout", "status", "deployment/web", "--timeout=60s", timeout: .seconds(90))
            #expect(empty.succeeded, "\(empty)")
            _ = try await harness.kubectlOK("scale", "deployment", "web", "--replicas=2")
            let back = try await harness.kubectl("rollout", "status", "deployment/web", "--timeout=120s", timeout: .seconds(150))
            #expect(back.succeeded && back.stdout.contains("successfully rolled out"), "\(back)")
            let again = try await HTTPFetch.get(url + "/", newConnection: true)
            #expect(again.body == "two\n", "\(again)")
            let get = try await harness.kubectlOK("get", "deployment", "web", "-o", "wide")
            #expect(get.contains("2/2") && get.contains("server") && get.contains("app=web"), "\(get)")
            let services = try await harness.kubectlOK("get", "service", "web", "-o", "wide")
            #expect(services.contains("80/TCP") && services.contains("app=web"), "\(services)")

            // kubectl's own rollout history and undo work from the revisions the controller keeps.
            let history = try await harness.kubectlOK("rollout", "history", "deployment/web")
            #expect(history.contains("1 ") && history.contains("2 "), "\(history)")
            _ = try await harness.kubectlOK("rollout", "undo", "deployment/web")
            let undone = try await harness.kubectl("rollout", "status", "deployment/web", "--timeout=120s", timeout: .seconds(150))
            #expect(undone.succeeded, "\(undone)")
            // Old pods leave the Service's endpoints as the informer shows them terminating: a moment after the status.
            let settled = ContinuousClock.now + .seconds(10)
            while try await HTTPFetch.get(url + "/", newConnection: true).body != "one\n", ContinuousClock.now < settled {
                try await Task.sleep(for: .milliseconds(100))
            }
            var reverted: [String] = []
            for _ in 0..<5 { reverted.append(try await HTTPFetch.get(url + "/", newConnection: true).body) }
            #expect(reverted == Array(repeating: "one\n", count: 5), "after rollout undo: \(reverted)")

            // Deleting the Deployment deletes its ReplicaSets and their pods (garbage collection).
            _ = try await harness.kubectlOK("delete", "deployment", "web")
            _ = try await waitFor(harness, "replicasets,pods", "no ReplicaSet and no pod left") { ($0["items"]?.arrayValue ?? []).isEmpty }
        }
    }

    @Test("a Job runs trainyard train to Complete, kubectl logs job/NAME shows it, and ttlSecondsAfterFinished deletes it")
    func jobCompletes() async throws {
        try await withNode { harness, configuration in
            let data = configuration.stateDirectory + "/hostpath/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: repositoryRoot + "/data/breast_cancer.csv", toPath: data + "/cancer.csv")
            let manifest = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: train}
                spec:
                  ttlSecondsAfterFinished: 3
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: trainer
                        image: \(image):dev
                        args: [train, --data, /data/cancer.csv, --target, diagnosis, --output, /scratch/out, --param, numTrees=5, --progress, plain]
                        volumeMounts: [{name: data, mountPath: /data}, {name: scratch, mountPath: /scratch}]
                      volumes: [{name: data, hostPath: {path: /data}}, {name: scratch, emptyDir: {}}]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let wait = try await harness.kubectl(
                "wait", "--for=condition=Complete", "job/train", "--timeout=120s", timeout: .seconds(150))
            #expect(wait.succeeded, "\(wait)")
            let job = try JSONValue.parse(try await harness.kubectlOK("get", "job", "train", "-o", "json"))
            #expect(job[path: ["status", "succeeded"]]?.intValue == 1, "\(job.serialized())")
            #expect(
                job[path: ["spec", "selector", "matchLabels", "batch.kubernetes.io/controller-uid"]] == job[path: ["metadata", "uid"]])
            let table = try await harness.kubectlOK("get", "job", "train")
            #expect(table.contains("Complete") && table.contains("1/1"), "\(table)")
            let logs = try await harness.kubectlOK("logs", "job/train")
            #expect(logs.contains("round 5/5"), "\(logs)")
            let pods = try JSONValue.parse(try await harness.kubectlOK("get", "pods", "-l", "job-name=train", "-o", "json"))
            let pod = try #require(pods["items"]?.arrayValue?.first)
            #expect(pod[path: ["status", "phase"]]?.stringValue == "Succeeded")
            let finalizers = (pod[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(!finalizers.contains(JobPlan.trackingFinalizer), "a counted pod keeps no tracking finalizer: \(finalizers)")
            let deleted = try await harness.kubectl("wait", "--for=delete", "job/train", "--timeout=60s", timeout: .seconds(90))
            #expect(deleted.succeeded, "ttlSecondsAfterFinished: \(deleted)")
            _ = try await waitFor(harness, "pods", "the job's pods deleted with it") { ($0["items"]?.arrayValue ?? []).isEmpty }
        }
    }

    @Test("a Job past activeDeadlineSeconds fails with DeadlineExceeded and its running pod is stopped")
    func jobDeadline() async throws {
        try await withNode { harness, _ in
            let manifest = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: slow}
                spec:
                  activeDeadlineSeconds: 2
                  template:
                    spec:
                      restartPolicy: Never
                      terminationGracePeriodSeconds: 5
                      containers: [{name: c, image: \(image):dev, args: [idle]}]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let failed = try await harness.kubectl("wait", "--for=condition=Failed", "job/slow", "--timeout=60s", timeout: .seconds(90))
            #expect(failed.succeeded, "\(failed)")
            let job = try JSONValue.parse(try await harness.kubectlOK("get", "job", "slow", "-o", "json"))
            let condition = (job[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Failed" }
            #expect(condition?["reason"]?.stringValue == "DeadlineExceeded", "\(job.serialized())")
            _ = try await waitFor(harness, "pods", "the running pod stopped") { list in
                (list["items"]?.arrayValue ?? []).allSatisfy {
                    $0[path: ["status", "phase"]]?.stringValue == "Failed" || $0[path: ["metadata", "deletionTimestamp"]] != nil
                }
            }
            let table = try await harness.kubectlOK("get", "job", "slow")
            #expect(table.contains("Failed") && table.contains("0/1"), "\(table)")
        }
    }

    @Test("a Job whose pods fail stops after backoffLimit with condition Failed, reason BackoffLimitExceeded")
    func jobFails() async throws {
        try await withNode { harness, _ in
            let manifest = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: broken}
                spec:
                  backoffLimit: 1
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: trainer
                        image: \(image):dev
                        args: [train, --data, /missing.csv, --target, label, --output, /tmp/out]
                """
            _ = try await harness.kubectlOK("apply", "-f", "-", stdin: manifest)
            let failed = try await waitFor(harness, "job/broken", "Failed") { job in
                (job[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
                    $0["type"]?.stringValue == "Failed" && $0["status"]?.stringValue == "True"
                }
            }
            let condition = (failed[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Failed" }
            #expect(condition?["reason"]?.stringValue == "BackoffLimitExceeded", "\(failed.serialized())")
            #expect(failed[path: ["status", "failed"]]?.intValue == 2, "backoffLimit 1 allows 2 pods: \(failed.serialized())")
            let describe = try await harness.kubectlOK("get", "events", "--field-selector", "involvedObject.name=broken")
            #expect(describe.contains("BackoffLimitExceeded"), "\(describe)")
        }
    }
}
