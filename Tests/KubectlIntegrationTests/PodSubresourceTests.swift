import DevCluster
import Foundation
import KubeAPI
import KubeClient
import Testing
import TrainyardTesting

/// What a pod runtime needs from the API server, driven through real kubectl: `kubectl logs` from
/// the runtime's log files, binding, graceful pod deletion, and `kubectl scale` through `/scale`.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct PodSubresourceTests {
    /// A cluster whose pods/log reads `logs`, the directory a runtime would write to.
    struct Cluster {
        let harness: DevClusterHarness
        let logs: String

        static func start() async throws -> Cluster {
            let logs = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-pod-logs-\(UUID().uuidString.prefix(8))")
                .path
            try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
            return Cluster(harness: try await DevClusterHarness.start(podLogsDirectory: logs), logs: logs)
        }

        func stop() async {
            await harness.stop()
            try? FileManager.default.removeItem(atPath: logs)
        }

        /// Creates a pod with these containers; `extra` is more YAML under `spec`.
        func createPod(_ name: String, containers: [String] = ["main"], annotations: String = "{}", spec extra: String = "")
            async throws
        {
            let list = containers.map { "  - {name: \($0), image: busybox}" }.joined(separator: "\n")
            try await harness.kubectlOK(
                "apply", "-f", "-",
                stdin: """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: \(name), annotations: \(annotations)}
                    spec:
                      containers:
                    \(list)
                    \(extra)
                    """)
        }

        func uid(_ pod: String) async throws -> String {
            try await harness.kubectlOK("get", "pod", pod, "-o", "jsonpath={.metadata.uid}")
        }

        /// Writes (or appends to) the log of one attempt of a container, where a runtime would.
        func writeLog(_ pod: String, _ container: String, restart: Int, _ text: String, append: Bool = false) async throws {
            let directory = "\(logs)/default_\(pod)_\(try await uid(pod))/\(container)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = "\(directory)/\(restart).log"
            if append, let handle = FileHandle(forWritingAtPath: path) {
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(text.utf8))
                try handle.close()
            } else {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            }
        }

        /// Replaces the pod's status, as a runtime reports it.
        func setStatus(_ pod: String, _ status: JSONValue) async throws {
            let patch: JSONValue = ["status": status]
            try await harness.kubectlOK("patch", "pod", pod, "--subresource=status", "--type=merge", "-p", patch.serialized())
        }

        func json(_ args: String...) async throws -> JSONValue {
            try JSONValue.parse(try await harness.kubectlOK(arguments: args))
        }
    }

    static func containerStatus(_ name: String, restartCount: Int64, state: JSONValue) -> JSONValue {
        ["name": .string(name), "restartCount": .int(restartCount), "state": state, "image": "busybox", "imageID": "", "ready": false]
    }

    // MARK: Logs

    @Test func logsShowTheNewestAttemptAndThePreviousOne() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createPod("trainer")
        try await cluster.writeLog("trainer", "main", restart: 0, "first attempt\ncrashed\n")
        try await cluster.writeLog("trainer", "main", restart: 1, "epoch 1\nepoch 2\nepoch 3")
        let kubectl = cluster.harness

        #expect(try await kubectl.kubectlOK("logs", "trainer") == "epoch 1\nepoch 2\nepoch 3")
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--previous") == "first attempt\ncrashed\n")
        // The last line has no newline yet: shown, but not counted.
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--tail=1") == "epoch 2\nepoch 3")
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--tail=0") == "")
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--previous", "--tail=1") == "crashed\n")
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--limit-bytes=9") == "epoch 1\ne")
        #expect(try await kubectl.kubectlOK("logs", "pod/trainer", "-c", "main", "--tail=2", "--limit-bytes=3") == "epo")

        // While attempt 2 waits to start, the current log is attempt 1's and the previous is still attempt 0's.
        try await cluster.setStatus(
            "trainer",
            ["containerStatuses": [Self.containerStatus("main", restartCount: 2, state: ["waiting": ["reason": "CrashLoopBackOff"]])]])
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--previous") == "epoch 1\nepoch 2\nepoch 3")

        let timestamps = try await kubectl.kubectl("logs", "trainer", "--timestamps")
        #expect(timestamps.succeeded && timestamps.stdout == "epoch 1\nepoch 2\nepoch 3", "\(timestamps)")
        #expect(timestamps.stderr.contains("does not record when each log line was written"), "\(timestamps)")
        // Nothing written since the cutoff: nothing to show.
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-3600)],
            ofItemAtPath: "\(cluster.logs)/default_trainer_\(try await cluster.uid("trainer"))/main/1.log")
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--since=10m") == "")
        #expect(try await kubectl.kubectlOK("logs", "trainer", "--since=2h").hasPrefix("epoch 1"))
    }

    @Test func logsOfAPodWithSeveralContainers() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createPod("web", containers: ["app", "sidecar"])
        try await cluster.writeLog("web", "app", restart: 0, "app started\n")
        try await cluster.writeLog("web", "sidecar", restart: 0, "proxy ready\n")
        let kubectl = cluster.harness

        #expect(try await kubectl.kubectlOK("logs", "web", "-c", "sidecar") == "proxy ready\n")
        // kubectl picks the first container itself and says so.
        let defaulted = try await kubectl.kubectl("logs", "web")
        #expect(defaulted.stdout == "app started\n", "\(defaulted)")
        #expect(defaulted.stderr.contains("Defaulted container \"app\" out of: app, sidecar"), "\(defaulted)")
        // Without kubectl's defaulting, the server asks for a container, as the real one does.
        let raw = try await kubectl.kubectl("get", "--raw", "/api/v1/namespaces/default/pods/web/log")
        #expect(!raw.succeeded)
        #expect(
            raw.stderr.contains(
                "Error from server (BadRequest): a container name must be specified for pod web, choose one of: [app sidecar]"),
            "\(raw)")
        let wrong = try await kubectl.kubectl("get", "--raw", "/api/v1/namespaces/default/pods/web/log?container=db")
        #expect(wrong.stderr.contains("container db is not valid for pod web"), "\(wrong)")
        let missing = try await kubectl.kubectl("logs", "nothere")
        #expect(missing.stderr.contains("pods \"nothere\" not found"), "\(missing)")

        try await kubectl.kubectlOK("annotate", "pod", "web", "kubectl.kubernetes.io/default-container=sidecar")
        #expect(try await kubectl.kubectlOK("logs", "web") == "proxy ready\n")
    }

    @Test func logsBeforeAContainerStartedSayWhy() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createPod("pending")
        let kubectl = cluster.harness

        let creating = try await kubectl.kubectl("logs", "pending")
        #expect(!creating.succeeded)
        #expect(
            creating.stderr.contains(
                "Error from server (BadRequest): container \"main\" in pod \"pending\" is waiting to start: ContainerCreating"),
            "\(creating)")
        try await cluster.setStatus(
            "pending",
            ["containerStatuses": [Self.containerStatus("main", restartCount: 0, state: ["waiting": ["reason": "PodInitializing"]])]])
        let initializing = try await kubectl.kubectl("logs", "pending")
        #expect(initializing.stderr.contains("is waiting to start: PodInitializing"), "\(initializing)")
        let previous = try await kubectl.kubectl("logs", "pending", "--previous")
        #expect(previous.stderr.contains("previous terminated container \"main\" in pod \"pending\" not found"), "\(previous)")
        // One attempt only: there is no previous one.
        try await cluster.writeLog("pending", "main", restart: 0, "hello\n")
        #expect(try await kubectl.kubectlOK("logs", "pending") == "hello\n")
        let stillNoPrevious = try await kubectl.kubectl("logs", "pending", "-p")
        #expect(stillNoPrevious.stderr.contains("previous terminated container \"main\" in pod \"pending\" not found"))
    }

    @Test func logsWithoutAPodRuntimeSaySo() async throws {
        let harness = try await DevClusterHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.kubectlOK("run", "lonely", "--image=busybox")
        let result = try await harness.kubectl("logs", "lonely")
        #expect(!result.succeeded)
        #expect(result.stderr.contains("this dev cluster runs without a pod runtime"), "\(result)")
    }

    @Test func followStreamsUntilTheContainerTerminates() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createPod("job")
        try await cluster.writeLog("job", "main", restart: 0, "starting\n")
        try await cluster.setStatus(
            "job",
            [
                "containerStatuses": [
                    Self.containerStatus("main", restartCount: 0, state: ["running": ["startedAt": "2026-01-01T00:00:00Z"]])
                ]
            ]
        )
        let follow = try cluster.harness.kubectlInBackground("logs", "-f", "job")
        defer { follow.terminate() }
        try await follow.waitForOutput(timeout: .seconds(20)) { $0 == "starting\n" }
        try await cluster.writeLog("job", "main", restart: 0, "epoch 1\n", append: true)
        try await follow.waitForOutput(timeout: .seconds(20)) { $0 == "starting\nepoch 1\n" }
        try await Task.sleep(for: .milliseconds(500))
        #expect(follow.isRunning, "kubectl logs -f ended while the container still runs: \(follow.stdout)")

        // The runtime's last bytes, then its status: the stream ends and nothing is lost.
        try await cluster.writeLog("job", "main", restart: 0, "done\n", append: true)
        try await cluster.setStatus(
            "job",
            [
                "containerStatuses": [
                    Self.containerStatus("main", restartCount: 0, state: ["terminated": ["exitCode": 0, "reason": "Completed"]])
                ]
            ])
        let result = try await follow.wait(timeout: .seconds(20))
        #expect(result.succeeded, "\(result)")
        #expect(result.stdout == "starting\nepoch 1\ndone\n")
    }

    @Test func followEndsWhenANewAttemptStartsOrThePodGoes() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createPod("flaky")
        try await cluster.writeLog("flaky", "main", restart: 0, "attempt 0\n")
        let first = try cluster.harness.kubectlInBackground("logs", "-f", "flaky")
        defer { first.terminate() }
        try await first.waitForOutput(timeout: .seconds(20)) { $0 == "attempt 0\n" }
        try await Task.sleep(for: .milliseconds(500))
        #expect(first.isRunning, "kubectl logs -f ended while attempt 0 still runs")
        try await cluster.writeLog("flaky", "main", restart: 1, "attempt 1\n")
        let firstResult = try await first.wait(timeout: .seconds(20))
        #expect(firstResult.succeeded && firstResult.stdout == "attempt 0\n", "\(firstResult)")

        let second = try cluster.harness.kubectlInBackground("logs", "-f", "flaky")
        defer { second.terminate() }
        try await second.waitForOutput(timeout: .seconds(20)) { $0 == "attempt 1\n" }
        try await Task.sleep(for: .milliseconds(500))
        #expect(second.isRunning, "kubectl logs -f ended while attempt 1 still runs")
        try await cluster.harness.kubectlOK("delete", "pod", "flaky")
        let secondResult = try await second.wait(timeout: .seconds(20))
        #expect(secondResult.succeeded && secondResult.stdout == "attempt 1\n", "\(secondResult)")
    }

    // MARK: Binding

    @Test func bindingAssignsAPodToANodeOnce() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createPod("trainer")
        let client = try cluster.harness.makeClient()
        defer { Task { try? await client.shutdown() } }
        func bind(_ pod: String, to node: String) async throws -> KubeResponse {
            let binding: JSONValue = [
                "apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(pod)],
                "target": ["apiVersion": "v1", "kind": "Node", "name": .string(node)],
            ]
            return try await client.perform(
                KubeRequest(
                    method: "POST", path: ResourceType.pods.path(namespace: "default", name: pod, subresource: "binding"),
                    body: binding.serializedBytes(), contentType: "application/json", verb: "create", resource: "pods"))
        }

        let bound = try await bind("trainer", to: "trainyard-dev")
        #expect(bound.statusCode == 201)
        #expect(try JSONValue.parse(bytes: bound.body)["status"] == "Success")
        let pod = try await cluster.json("get", "pod", "trainer", "-o", "json")
        #expect(pod[path: ["spec", "nodeName"]] == "trainyard-dev")
        let scheduled = pod[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "PodScheduled" }
        #expect(scheduled?["status"] == "True", "\(pod.serialized())")
        #expect(try await cluster.harness.kubectlOK("get", "pod", "trainer", "-o", "wide").contains("trainyard-dev"))

        do {
            _ = try await bind("trainer", to: "other-node")
            Issue.record("a second binding succeeded")
        } catch let error as KubeError {
            #expect(error.statusCode == 409)
            #expect(
                error.message.contains(
                    "Operation cannot be fulfilled on pods/binding \"trainer\": pod trainer is already assigned to node \"trainyard-dev\""),
                "\(error)")
        }
        #expect(try await cluster.harness.kubectlOK("get", "pod", "trainer", "-o", "jsonpath={.spec.nodeName}") == "trainyard-dev")

        // The bindings collection, found through discovery as kubectl finds any kind. (kubectl
        // validates a kind without PATCH against OpenAPI v2, which the dev cluster does not serve.)
        try await cluster.createPod("other")
        let created = try await cluster.harness.kubectl(
            "create", "--validate=false", "-f", "-",
            stdin: #"{"apiVersion":"v1","kind":"Binding","metadata":{"name":"other"},"target":{"kind":"Node","name":"node-b"}}"#)
        #expect(created.succeeded, "\(created)")
        #expect(try await cluster.harness.kubectlOK("get", "pod", "other", "-o", "jsonpath={.spec.nodeName}") == "node-b")
        let resources = try await cluster.harness.kubectlOK("api-resources", "--api-group=", "-o", "name")
        #expect(resources.split(separator: "\n").contains("bindings"), "\(resources)")
    }

    // MARK: Graceful deletion

    /// A pod bound to a node, as a runtime would have it.
    func boundPod(_ cluster: Cluster, _ name: String, grace: Int? = nil) async throws {
        let extra = "  nodeName: trainyard-dev" + (grace.map { "\n  terminationGracePeriodSeconds: \($0)" } ?? "")
        try await cluster.createPod(name, spec: extra)
    }

    @Test func deletingARunningPodWaitsForItsNode() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = cluster.harness
        try await boundPod(cluster, "trainer", grace: 45)

        let before = Date()
        try await kubectl.kubectlOK("delete", "pod", "trainer", "--wait=false")
        let after = Date()
        var pod = try await cluster.json("get", "pod", "trainer", "-o", "json")
        #expect(pod[path: ["metadata", "deletionGracePeriodSeconds"]] == 45)
        let deadline = try #require(pod[path: ["metadata", "deletionTimestamp"]]?.stringValue.flatMap(Self.parseTime))
        // 45 s after the delete arrived, which was between `before` and `after` (timestamps have whole seconds).
        let earliest = before.addingTimeInterval(44)
        let latest = after.addingTimeInterval(46)
        #expect(deadline >= earliest && deadline <= latest, "deletionTimestamp \(deadline) is not 45 s after the delete")
        #expect(try await kubectl.kubectlOK("get", "pod", "trainer").contains("Terminating"))

        // A shorter grace period moves the deadline earlier; a longer one changes nothing.
        try await kubectl.kubectlOK("delete", "pod", "trainer", "--wait=false", "--grace-period=10")
        pod = try await cluster.json("get", "pod", "trainer", "-o", "json")
        #expect(pod[path: ["metadata", "deletionGracePeriodSeconds"]] == 10)
        let shortened = try #require(pod[path: ["metadata", "deletionTimestamp"]]?.stringValue.flatMap(Self.parseTime))
        #expect(abs(deadline.timeIntervalSince(shortened) - 35) < 1.5)
        try await kubectl.kubectlOK("delete", "pod", "trainer", "--wait=false", "--grace-period=100")
        #expect(try await cluster.json("get", "pod", "trainer", "-o", "json")[path: ["metadata", "deletionGracePeriodSeconds"]] == 10)

        // Force deletion does not wait for the node.
        try await kubectl.kubectlOK("delete", "pod", "trainer", "--force", "--grace-period=0")
        let gone = try await kubectl.kubectl("get", "pod", "trainer")
        #expect(gone.stderr.contains("pods \"trainer\" not found"), "\(gone)")

        // Pods no node runs, and finished ones, go at once.
        try await cluster.createPod("unbound")
        try await kubectl.kubectlOK("delete", "pod", "unbound", "--wait=false")
        #expect(!(try await kubectl.kubectl("get", "pod", "unbound")).succeeded)
        try await boundPod(cluster, "finished")
        try await cluster.setStatus("finished", ["phase": "Succeeded"])
        try await kubectl.kubectlOK("delete", "pod", "finished", "--wait=false")
        #expect(!(try await kubectl.kubectl("get", "pod", "finished")).succeeded)
    }

    @Test func kubectlDeleteReturnsOnceTheRuntimeRemovesThePod() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        try await boundPod(cluster, "trainer")
        let client = try cluster.harness.makeClient()
        defer { Task { try? await client.shutdown() } }

        let delete = try cluster.harness.kubectlInBackground("delete", "pod", "trainer")
        defer { delete.terminate() }
        // The stand-in runtime: notice the deletion, "stop the process", then remove the pod.
        var marked = false
        for _ in 0..<200 where !marked {
            let pod = try await client.get(.pods, namespace: "default", name: "trainer")
            marked = pod[path: ["metadata", "deletionTimestamp"]] != nil
            if !marked { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(marked, "kubectl delete never marked the pod")
        try await Task.sleep(for: .seconds(1))
        #expect(delete.isRunning, "kubectl delete returned before the pod was gone: \(delete.stdout) \(delete.stderr)")
        let uid = try await cluster.uid("trainer")
        try await client.delete(
            .pods, namespace: "default", name: "trainer", options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: uid))

        let result = try await delete.wait(timeout: .seconds(20))
        #expect(result.succeeded, "\(result)")
        #expect(result.stdout.contains("pod \"trainer\" deleted"), "\(result)")
        #expect(!(try await cluster.harness.kubectl("get", "pod", "trainer")).succeeded)
    }

    // MARK: Scale

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web, tier: front}}
          template:
            metadata: {labels: {app: web, tier: front}}
            spec:
              containers:
              - {name: server, image: "server:1"}
        """

    @Test func kubectlScaleChangesReplicasThroughTheScaleSubresource() async throws {
        let cluster = try await Cluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = cluster.harness
        try await kubectl.kubectlOK("apply", "-f", "-", stdin: Self.deployment)

        #expect(try await kubectl.kubectlOK("scale", "deployment/web", "--replicas=3").contains("deployment.apps/web scaled"))
        #expect(try await kubectl.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}") == "3 2")

        // --current-replicas reads the Scale, checks it and writes it back with its resourceVersion.
        let wrong = try await kubectl.kubectl("scale", "deployment/web", "--current-replicas=2", "--replicas=5")
        #expect(!wrong.succeeded)
        #expect(wrong.stderr.contains("Expected replicas to be 2, was 3"), "\(wrong)")
        try await kubectl.kubectlOK("scale", "deployment/web", "--current-replicas=3", "--replicas=4")
        #expect(try await kubectl.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}") == "4 3")
        let stale = try await kubectl.kubectl("scale", "deployment/web", "--resource-version=1", "--replicas=6")
        #expect(!stale.succeeded)
        #expect(stale.stderr.contains("Expected resource version to be 1, was"), "\(stale)")
        // Patches of the Scale, of each kind kubectl sends.
        try await kubectl.kubectlOK("patch", "deployment", "web", "--subresource=scale", "--type=merge", "-p", #"{"spec":{"replicas":7}}"#)
        try await kubectl.kubectlOK(
            "patch", "deployment", "web", "--subresource=scale", "--type=json", "-p",
            #"[{"op":"replace","path":"/spec/replicas","value":4}]"#)
        #expect(try await kubectl.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}") == "4 5")

        let scale = try await cluster.json("get", "deployment", "web", "--subresource=scale", "-o", "json")
        #expect(scale["kind"] == "Scale" && scale["apiVersion"] == "autoscaling/v1", "\(scale.serialized())")
        #expect(scale[path: ["spec", "replicas"]] == 4)
        #expect(scale[path: ["status", "selector"]] == "app=web,tier=front")
        let deploymentRV = try await kubectl.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.metadata.resourceVersion}")
        #expect(scale[path: ["metadata", "resourceVersion"]]?.stringValue == deploymentRV)
        let table = try await kubectl.kubectlOK("get", "deployment", "web", "--subresource=scale")
        let rows = table.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first?.prefix(3) == ["NAME", "DESIRED", "AVAILABLE"], "\(table)")
        #expect(rows.dropFirst().first?.prefix(3) == ["web", "4", "0"], "\(table)")

        // A write of the Scale with an old resourceVersion conflicts on the deployment.
        let client = try kubectl.makeClient()
        defer { Task { try? await client.shutdown() } }
        var old = scale
        old[path: ["spec", "replicas"]] = 9
        try await kubectl.kubectlOK("annotate", "deployment", "web", "touched=yes")
        do {
            _ = try await client.update(.deployments, namespace: "default", name: "web", object: old, subresource: "scale")
            Issue.record("a Scale with a stale resourceVersion was written")
        } catch let error as KubeError {
            #expect(error.statusCode == 409)
            #expect(
                error.message.contains("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified"),
                "\(error)")
        }
        old[path: ["metadata", "resourceVersion"]] = nil
        let written = try await client.update(.deployments, namespace: "default", name: "web", object: old, subresource: "scale")
        #expect(written["kind"] == "Scale" && written[path: ["spec", "replicas"]] == 9, "\(written.serialized())")

        // Scaling to zero, and a ReplicaSet too.
        try await kubectl.kubectlOK("scale", "deployment", "web", "--replicas=0")
        #expect(try await kubectl.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}") == "0")
        try await kubectl.kubectlOK(
            "apply", "-f", "-",
            stdin: Self.deployment.replacingOccurrences(of: "Deployment", with: "ReplicaSet").replacingOccurrences(of: "web", with: "rs"))
        try await kubectl.kubectlOK("scale", "rs/rs", "--replicas=2")
        #expect(try await kubectl.kubectlOK("get", "rs", "rs", "-o", "jsonpath={.spec.replicas}") == "2")
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
