import Foundation
import KubeAPI
import Testing
import TrainyardTesting

/// `kubectl scale` of a custom resource through the `/scale` its CRD declares, as a
/// HorizontalPodAutoscaler would use it.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct KubectlScaleTests {
    let root = repositoryRoot

    static let modelDeployment = """
        apiVersion: trainyard.dev/v1alpha1
        kind: ModelDeployment
        metadata: {name: x}
        spec:
          model: {name: m, alias: champion}
        """

    @Test func scaleAModelDeployment() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.modelDeployment)

        let scaled = try await cluster.kubectlOK("scale", "md/x", "--replicas=3")
        #expect(scaled.contains("modeldeployment.trainyard.dev/x scaled"), "\(scaled)")
        #expect(try await cluster.kubectlOK("get", "md/x", "-o", "jsonpath={.spec.replicas}") == "3")
        #expect(try await cluster.kubectlOK("get", "md/x", "-o", "jsonpath={.metadata.generation}") == "2")

        // --current-replicas reads the Scale, checks it and writes it back with its resourceVersion.
        let wrong = try await cluster.kubectl("scale", "md/x", "--current-replicas=2", "--replicas=5")
        #expect(!wrong.succeeded)
        #expect(wrong.stderr.contains("Expected replicas to be 2, was 3"), "\(wrong)")
        try await cluster.kubectlOK("scale", "md/x", "--current-replicas=3", "--replicas=4")
        #expect(try await cluster.kubectlOK("get", "md/x", "-o", "jsonpath={.spec.replicas}") == "4")

        // What a HorizontalPodAutoscaler reads: the observed replicas and the pods' selector.
        try await cluster.kubectlOK(
            "patch", "md", "x", "--subresource=status", "--type=merge", "-p", #"{"status":{"replicas":2,"selector":"app=x"}}"#)
        let scale = try JSONValue.parse(try await cluster.kubectlOK("get", "md/x", "--subresource=scale", "-o", "json"))
        #expect(scale["kind"] == "Scale" && scale[path: ["spec", "replicas"]] == 4, "\(scale.serialized())")
        #expect(scale[path: ["status", "replicas"]] == 2 && scale[path: ["status", "selector"]] == "app=x", "\(scale.serialized())")

        // A TrainingJob's CRD declares no scale subresource.
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/trainingjob.yaml")
        let noScale = try await cluster.kubectl("scale", "tj/credit-default-gbdt", "--replicas=2")
        #expect(!noScale.succeeded)
        #expect(noScale.stderr.contains("the server could not find the requested resource"), "\(noScale)")
    }
}
