import ControllerRuntime
import Controllers
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization
import Testing
import Tracking
import TrainyardTesting

/// The ModelDeployment controller with the TrainingJob controller on the end-to-end stack (real
/// MLflow, the dev cluster running `trainyard train` and `trainyard serve` pods, real kubectl).
private func withStack(pollInterval: Duration, _ body: (EndToEndStack) async throws -> Void) async throws {
    try await EndToEndStack.run { manager, mlflowURL, logger in
        var mlflow = try MLflowConfiguration(trackingURI: mlflowURL)
        mlflow.retryFor = .seconds(1)
        var training = TrainingJobSettings(image: "ghcr.io/trainyard/trainyard:test", mlflow: mlflow)
        training.initialBackoff = 1
        training.retryBackoff = Backoff(base: .milliseconds(200), cap: .seconds(5))
        TrainingJobController.register(with: manager, settings: training, logger: logger)
        var serving = ModelDeploymentSettings(image: "ghcr.io/trainyard/trainyard:test", mlflow: mlflow)
        serving.pollInterval = pollInterval
        serving.retryBackoff = Backoff(base: .milliseconds(200), cap: .seconds(2))
        ModelDeploymentController.register(with: manager, settings: serving, logger: logger)
    } _: { stack in
        try await body(stack)
    }
}

private func trainingJob(name: String, params: String) -> String {
    """
    apiVersion: trainyard.dev/v1alpha1
    kind: TrainingJob
    metadata: {name: \(name)}
    spec:
      experiment: serve-e2e
      data: {source: "/usr/share/trainyard/datasets/breast_cancer.csv", target: diagnosis}
      task: classification
      model: {type: gbdt, params: \(params)}
      register: {modelName: cancer, promotion: {metric: auc, minImprovement: 0.002}}
      seed: 7
    """
}

private let modelDeployment = """
    apiVersion: trainyard.dev/v1alpha1
    kind: ModelDeployment
    metadata: {name: cancer}
    spec:
      model: {name: cancer, alias: champion}
      replicas: 2
    """

private func get(_ harness: DevClusterHarness, _ what: String) async throws -> JSONValue {
    try JSONValue.parse(try await harness.kubectlOK("get", what, "-o", "json"))
}

private func condition(_ object: JSONValue, _ type: String) -> JSONValue? {
    (object[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
}

/// Rows of the dataset as a CSV body (header and the first `count` rows, without the target).
private func sampleRows(_ count: Int) throws -> String {
    let lines = try String(contentsOfFile: repositoryRoot + "/data/breast_cancer.csv", encoding: .utf8).split(separator: "\n")
    return lines.prefix(count + 1).joined(separator: "\n") + "\n"
}

/// A client that scores without pause, a new connection per request, until stopped; it counts
/// answers by status and by the model version that made them.
private final class SteadyClient: Sendable {
    private let counts = Mutex<(byStatus: [Int: Int], byVersion: [String: Int], failures: [String])>(([:], [:], []))
    private let stopped = Atomic<Bool>(false)

    func run(url: String, body: String) async {
        while !stopped.load(ordering: .relaxed) {
            do {
                let answer = try await HTTPFetch.post(url + "/invocations", body: body, contentType: "text/csv", newConnection: true)
                counts.withLock {
                    $0.byStatus[answer.status, default: 0] += 1
                    $0.byVersion[answer.headers["x-model-version"] ?? "?", default: 0] += 1
                    if answer.status >= 300 { $0.failures.append("\(answer.status) \(answer.body)") }
                }
            } catch {
                counts.withLock { $0.failures.append("\(error)") }
            }
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
    var snapshot: (byStatus: [Int: Int], byVersion: [String: Int], failures: [String]) { counts.withLock { $0 } }
}

@Suite("ModelDeployment end to end: dev cluster, real MLflow, real kubectl", .serialized)
struct ModelDeploymentEndToEndTests {
    @Test(
        "the champion is served in one apply; a better job rolls it with no failed request; MLflow down or the alias gone keeps it serving"
    )
    func servesAndRollsTheChampion() async throws {
        try await withStack(pollInterval: .seconds(2)) { stack in
            let harness = stack.harness
            let binary = try #require(BuiltProduct.path("trainyard"))
            // A weak first model (one stump), so the second is sure to be better.
            try await harness.kubectlOK("apply", "-f", "-", stdin: trainingJob(name: "stump", params: "{numTrees: 1, maxDepth: 1}"))
            let trained = try await harness.kubectl(
                "wait", "--for=condition=Succeeded", "tj/stump", "--timeout=180s", timeout: .seconds(200))
            #expect(trained.succeeded, "\(trained)")

            try await harness.kubectlOK("apply", "-f", "-", stdin: modelDeployment)
            let ready = try await harness.kubectl("wait", "--for=condition=Ready", "md/cancer", "--timeout=120s", timeout: .seconds(140))
            var md = try await get(harness, "md/cancer")
            #expect(ready.succeeded, "\(ready)\n\(md.serialized())")
            #expect(md[path: ["status", "modelVersion"]]?.intValue == 1)
            #expect(md[path: ["status", "readyReplicas"]]?.intValue == 2)
            #expect(md[path: ["status", "observedGeneration"]] == md[path: ["metadata", "generation"]])
            #expect(condition(md, "ModelResolved")?["status"]?.stringValue == "True")
            #expect(
                md[path: ["status", "runId"]]?.stringValue == (try await stack.mlflow.modelVersion(name: "cancer", version: "1")).runId)
            let url = try #require(md[path: ["status", "url"]]?.stringValue)
            #expect(url.hasPrefix("http://127.0.0.1:"), "status.url on trainyard dev is the Service's loopback URL: \(url)")

            // kubectl get md: NAME MODEL ALIAS VERSION READY URL AGE.
            let row = try await harness.kubectlOK("get", "md", "--no-headers").split(separator: " ", omittingEmptySubsequences: true)
            #expect(row.prefix(6).map(String.init) == ["cancer", "cancer", "champion", "1", "True", url], "\(row)")

            // The Deployment: pinned version, locked-down pods, owned by the ModelDeployment, rolled with maxUnavailable 0.
            let deployment = try JSONValue.parse(
                try await harness.kubectlOK("get", "deployment/cancer", "-o", "json", "--show-managed-fields"))
            #expect(deployment[path: ["spec", "strategy", "rollingUpdate", "maxUnavailable"]]?.intValue == 0)
            #expect(deployment[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"] == md[path: ["metadata", "uid"]])
            let container = try #require(deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first)
            #expect(container["args"]?.arrayValue?.contains("models:/cancer/1") == true, "\(container.serialized())")
            #expect(container[path: ["securityContext", "readOnlyRootFilesystem"]]?.boolValue == true)
            #expect(container[path: ["readinessProbe", "httpGet", "path"]]?.stringValue == "/v2/health/ready")
            let managers = deployment[path: ["metadata", "managedFields"]]?.arrayValue?.compactMap { $0["manager"]?.stringValue } ?? []
            #expect(managers.contains("trainyard-controller"), "server-side apply under one field manager: \(managers)")

            // The endpoint answers as trainyard predict does for the same rows.
            let rows = try sampleRows(3)
            let served = try await HTTPFetch.post(url + "/invocations", body: rows, contentType: "text/csv")
            #expect(served.status == 200, "\(served.body)")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("md-rows-\(UUID().uuidString.prefix(6)).csv").path
            try rows.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let predicted = try await CommandRunner.run(
                binary, ["predict", "--model", "models:/cancer/1", "--data", file, "--output", "-", "--tracking-uri", stack.mlflowURL])
            #expect(predicted.succeeded, "\(predicted)")
            let expected = predicted.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
            let answer = try #require(JSONValue.parse(served.body)["predictions"]?.arrayValue)
            #expect(answer.count == 3 && expected.count == 3)
            for (record, line) in zip(answer, expected) {
                #expect(record["prediction"]?.stringValue == line[0])
                let p = record["probability_malignant"]?.doubleValue ?? .nan
                #expect(abs(p - (Double(line[2]) ?? .nan)) <= 1e-12, "served \(p), trainyard predict \(line[2])")
            }

            // A better job moves the alias while a client scores without pause.
            let client = SteadyClient()
            let load = Task { await client.run(url: url, body: rows) }
            try await harness.kubectlOK("apply", "-f", "-", stdin: trainingJob(name: "forest", params: "{numTrees: 40, maxDepth: 3}"))
            let better = try await harness.kubectl(
                "wait", "--for=condition=Succeeded", "tj/forest", "--timeout=180s", timeout: .seconds(200))
            #expect(better.succeeded, "\(better)")
            let promoted = try await stack.mlflow.modelVersion(name: "cancer", alias: "champion")
            #expect(promoted?.version == "2", "the second job must be promoted for the roll to happen")
            let moved = try await harness.kubectl(
                "wait", "--for=jsonpath={.status.modelVersion}=2", "md/cancer", "--timeout=60s", timeout: .seconds(70))
            #expect(moved.succeeded, "status.modelVersion is the new version within 60 s: \(moved)")
            let rolled = try await harness.kubectl("wait", "--for=condition=Ready", "md/cancer", "--timeout=120s", timeout: .seconds(140))
            md = try await get(harness, "md/cancer")
            #expect(rolled.succeeded, "\(rolled)\n\(md.serialized())")
            // Until the client has seen version 2 answer, the roll is not over for it.
            for _ in 0..<200 where client.snapshot.byVersion["2"] == nil { try await Task.sleep(for: .milliseconds(50)) }
            client.stop()
            await load.value
            let seen = client.snapshot
            #expect(seen.failures.isEmpty, "answers during the roll that were not 2xx: \(seen.failures.prefix(5))")
            #expect((seen.byVersion["1"] ?? 0) > 0 && (seen.byVersion["2"] ?? 0) > 0, "answers by version: \(seen.byVersion)")
            let events = try await harness.kubectlOK(
                "get", "events", "--field-selector", "involvedObject.kind=ModelDeployment", "-o", "json")
            #expect(events.contains("RollingOut") && events.contains("moved from version 1 to 2"), "\(events)")

            // MLflow stops: the endpoint keeps answering, and the condition says why.
            await stack.server.pause()
            let unknown = try await harness.kubectl(
                "wait", "--for=condition=ModelResolved=Unknown", "md/cancer", "--timeout=60s", timeout: .seconds(70))
            md = try await get(harness, "md/cancer")
            #expect(unknown.succeeded, "\(unknown)\n\(md.serialized())")
            #expect(condition(md, "ModelResolved")?["reason"]?.stringValue == "TrackingUnavailable")
            #expect(condition(md, "ModelResolved")?["message"]?.stringValue?.contains("version 2 keeps serving") == true)
            let during = try await HTTPFetch.post(url + "/invocations", body: rows, contentType: "text/csv", newConnection: true)
            #expect(during.status == 200 && during.headers["x-model-version"] == "2", "\(during)")
            #expect(md[path: ["status", "readyReplicas"]]?.intValue == 2, "nothing is scaled down")
            try await stack.server.resume()

            // The alias is deleted: version 2 keeps serving, and the condition says what to fix.
            try await stack.mlflow.deleteAlias(name: "cancer", alias: "champion")
            let gone = try await harness.kubectl(
                "wait", "--for=jsonpath={.status.conditions[?(@.type==\"ModelResolved\")].reason}=AliasNotFound", "md/cancer",
                "--timeout=60s", timeout: .seconds(70))
            md = try await get(harness, "md/cancer")
            #expect(gone.succeeded, "\(gone)\n\(md.serialized())")
            #expect(condition(md, "ModelResolved")?["status"]?.stringValue == "False")
            #expect(condition(md, "ModelResolved")?["message"]?.stringValue?.contains("has no alias champion") == true)
            let after = try await HTTPFetch.post(url + "/invocations", body: rows, contentType: "text/csv", newConnection: true)
            #expect(after.status == 200 && after.headers["x-model-version"] == "2", "\(after)")
            #expect(
                stack.audit.recorded.isSuperset(of: [
                    "create deployments.apps", "patch deployments.apps", "create services", "update modeldeployments.trainyard.dev/status",
                ]),
                "\(stack.audit.recorded.sorted())")
        }
    }
}
