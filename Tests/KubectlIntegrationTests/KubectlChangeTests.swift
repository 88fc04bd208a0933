import Foundation
import Testing
import TrainyardTesting

/// Patching, watching, waiting and deleting with real kubectl against `trainyard dev`.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct KubectlChangeTests {
    let root = repositoryRoot

    func clusterWithExamples() async throws -> DevClusterHarness {
        let cluster = try await DevClusterHarness.start()
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/")
        return cluster
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: server, image: "server:1", env: [{name: A, value: "1"}]}
              - {name: sidecar, image: "sidecar:1"}
        """

    @Test func patchKinds() async throws {
        let cluster = try await clusterWithExamples()
        defer { Task { await cluster.stop() } }
        let tj = "credit-default-gbdt"
        try await cluster.kubectlOK("patch", "tj", tj, "--type=merge", "-p", #"{"spec":{"backoffLimit":4}}"#)
        #expect(try await cluster.kubectlOK("get", "tj", tj, "-o", "jsonpath={.spec.backoffLimit} {.metadata.generation}") == "4 2")
        try await cluster.kubectlOK("patch", "tj", tj, "--type=json", "-p", #"[{"op":"replace","path":"/spec/backoffLimit","value":5}]"#)
        #expect(try await cluster.kubectlOK("get", "tj", tj, "-o", "jsonpath={.spec.backoffLimit}") == "5")
        try await cluster.kubectlOK("patch", "tj", tj, "--subresource=status", "--type=merge", "-p", #"{"status":{"phase":"Running"}}"#)
        // Status writes do not bump the generation; writes to the main endpoint do not touch status.
        #expect(try await cluster.kubectlOK("get", "tj", tj, "-o", "jsonpath={.status.phase} {.metadata.generation}") == "Running 3")
        try await cluster.kubectlOK("patch", "tj", tj, "--type=merge", "-p", #"{"status":{"phase":"Failed"}}"#)
        #expect(try await cluster.kubectlOK("get", "tj", tj, "-o", "jsonpath={.status.phase}") == "Running")

        let failedJSONPatch = try await cluster.kubectl(
            "patch", "tj", tj, "--type=json", "-p", #"[{"op":"replace","path":"/spec/nothere/x","value":1}]"#)
        #expect(!failedJSONPatch.succeeded)
        let strategicOnCR = try await cluster.kubectl("patch", "tj", tj, "--type=strategic", "-p", #"{"spec":{"backoffLimit":1}}"#)
        #expect(strategicOnCR.stderr.contains("application/merge-patch+json"), "\(strategicOnCR)")

        try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.deployment)
        try await cluster.kubectlOK(
            "patch", "deployment", "web", "--type=strategic", "-p",
            #"{"spec":{"template":{"spec":{"containers":[{"name":"server","image":"server:2","env":[{"name":"B","value":"2"}]}]}}}}"#)
        let images = try await cluster.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}")
        #expect(images == "server:2 sidecar:1", "strategic merge must keep the other container: \(images)")
        let env = try await cluster.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].env[*].name}")
        #expect(Set(env.split(separator: " ")) == ["A", "B"], "\(env)")
        // Client-side apply of a Deployment sends a strategic merge patch built from kubectl's own types.
        let reapplied = try await cluster.kubectlOK(
            "apply", "-f", "-", stdin: Self.deployment.replacingOccurrences(of: "sidecar:1", with: "sidecar:2"))
        #expect(reapplied.contains("configured"))
        #expect(
            try await cluster.kubectlOK("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}")
                == "server:1 sidecar:2")
    }

    @Test func watchStreamsAChangeFromAnotherClient() async throws {
        let cluster = try await clusterWithExamples()
        defer { Task { await cluster.stop() } }
        let watch = try cluster.kubectlInBackground("get", "tj", "-w")
        defer { watch.terminate() }
        try await watch.waitForOutput { $0.contains("credit-default-gbdt") }
        try await cluster.kubectlOK(
            "patch", "tj", "credit-default-gbdt", "--subresource=status", "--type=merge", "-p", #"{"status":{"phase":"Succeeded"}}"#)
        try await watch.waitForOutput { $0.contains("Succeeded") }
        #expect(watch.stdout.contains("PHASE"))
        #expect(cluster.server.activeWatches == 1)
        watch.terminate()
        // The server lets go of a watch as soon as its client hangs up.
        let deadline = ContinuousClock.now + .seconds(5)
        while cluster.server.activeWatches > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(cluster.server.activeWatches == 0)
    }

    @Test func waitReturnsWhenTheConditionIsWritten() async throws {
        let cluster = try await clusterWithExamples()
        defer { Task { await cluster.stop() } }
        let wait = try cluster.kubectlInBackground("wait", "--for=condition=Succeeded", "tj/credit-default-gbdt", "--timeout=30s")
        try await Task.sleep(for: .milliseconds(800))
        #expect(wait.isRunning, "kubectl wait returned before the condition was set: \(wait.stdout) \(wait.stderr)")
        let written = ContinuousClock.now
        try await cluster.kubectlOK(
            "patch", "tj", "credit-default-gbdt", "--subresource=status", "--type=merge", "-p",
            #"{"status":{"conditions":[{"type":"Succeeded","status":"True","reason":"Trained","message":"done","lastTransitionTime":"2026-11-23T10:00:00Z"}]}}"#
        )
        let result = try await wait.wait(timeout: .seconds(30))
        #expect(result.succeeded, "\(result)")
        #expect(result.stdout.contains("condition met"))
        // Well inside the 30 s timeout (a loaded 2-core machine can take seconds to schedule kubectl).
        #expect(ContinuousClock.now - written < .seconds(20), "kubectl wait took too long after the status write")
    }

    @Test func finalizerKeepsAnObjectTerminatingUntilRemoved() async throws {
        let cluster = try await clusterWithExamples()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK(
            "patch", "tj", "credit-default-gbdt", "--type=merge", "-p", #"{"metadata":{"finalizers":["trainyard.dev/cleanup"]}}"#)
        try await cluster.kubectlOK("delete", "tj", "credit-default-gbdt", "--wait=false")
        let terminating = try await cluster.kubectlOK("get", "tj", "credit-default-gbdt", "-o", "jsonpath={.metadata.deletionTimestamp}")
        #expect(!terminating.isEmpty, "deletionTimestamp not set")
        try await cluster.kubectlOK(
            "patch", "tj", "credit-default-gbdt", "--type=json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
        let gone = try await cluster.kubectl("get", "tj", "credit-default-gbdt")
        #expect(gone.stderr.contains("NotFound"), "\(gone)")
    }

    func ownedConfigMap(_ name: String, owner: String, uid: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          ownerReferences:
          - {apiVersion: trainyard.dev/v1alpha1, kind: ModelDeployment, name: \(owner), uid: "\(uid)", controller: true, blockOwnerDeletion: true}
        data: {a: b}
        """
    }

    @Test(arguments: ["background", "foreground", "orphan"])
    func deletingAnOwnerCascades(_ cascade: String) async throws {
        let cluster = try await clusterWithExamples()
        defer { Task { await cluster.stop() } }
        let uid = try await cluster.kubectlOK("get", "md", "credit-default", "-o", "jsonpath={.metadata.uid}")
        try await cluster.kubectlOK("apply", "-f", "-", stdin: ownedConfigMap("child", owner: "credit-default", uid: uid))
        try await cluster.kubectlOK("delete", "md", "credit-default", "--cascade=\(cascade)")
        let owner = try await cluster.kubectl("get", "md", "credit-default")
        #expect(owner.stderr.contains("NotFound"), "\(owner)")
        let child = try await cluster.kubectl("get", "configmap", "child", "-o", "jsonpath={.metadata.ownerReferences}")
        if cascade == "orphan" {
            #expect(child.succeeded, "orphaned dependent was deleted: \(child)")
            #expect(child.stdout.isEmpty, "ownerReferences left on an orphan: \(child.stdout)")
        } else {
            #expect(child.stderr.contains("NotFound"), "dependent survived \(cascade) deletion: \(child)")
        }
    }
}

/// kubectl's imperative generators send protobuf bodies for built-in kinds.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct KubectlCreateTests {
    @Test func imperativeCreateOfBuiltInKinds() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("create", "namespace", "team-a")
        try await cluster.kubectlOK("-n", "team-a", "create", "configmap", "settings", "--from-literal=mode=fast")
        try await cluster.kubectlOK("-n", "team-a", "create", "secret", "generic", "s3", "--from-literal=AWS_ACCESS_KEY_ID=abc")
        try await cluster.kubectlOK("-n", "team-a", "create", "deployment", "web", "--image=server:1", "--replicas=2")
        #expect(try await cluster.kubectlOK("-n", "team-a", "get", "configmap", "settings", "-o", "jsonpath={.data.mode}") == "fast")
        #expect(try await cluster.kubectlOK("-n", "team-a", "get", "secret", "s3", "-o", "jsonpath={.data.AWS_ACCESS_KEY_ID}") == "YWJj")
        #expect(
            try await cluster.kubectlOK(
                "-n", "team-a", "get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}")
                == "2 server:1")
        try await cluster.kubectlOK("delete", "namespace", "team-a")
        let gone = try await cluster.kubectl("-n", "team-a", "get", "configmap", "settings")
        #expect(gone.stderr.contains("NotFound"), "namespace deletion left its contents: \(gone)")
    }
}
