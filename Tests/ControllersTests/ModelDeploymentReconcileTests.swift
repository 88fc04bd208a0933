import ControllerRuntime
import Controllers
import Foundation
import KubeAPI
import KubeClient
import Logging
import Testing
import Tracking
import TrainyardAPI
import TrainyardTesting

/// The ModelDeployment reconciler against the in-process dev API server and an in-memory
/// registry, with no workload controllers: the test plays the Deployment controller by writing the
/// Deployment's status. Every step waits for what the controller wrote, never for time.
private struct Bench {
    let harness: DevClusterHarness
    let client: KubeClient
    let registry: InMemoryModelRegistry
    let run: Task<Void, any Error>

    static func start(pollInterval: Duration = .seconds(60)) async throws -> Bench {
        let harness = try await DevClusterHarness.start()
        try await harness.kubectlOK("apply", "-f", repositoryRoot + "/crds/")
        try await harness.kubectlOK("wait", "--for=condition=Established", "crd", "--all", "--timeout=30s")
        let registry = InMemoryModelRegistry()
        var logger = Logger(label: "test.reconcile")
        logger.logLevel = .critical
        let manager = try Manager(
            clientConfiguration: try harness.clientConfiguration(), configuration: ManagerConfiguration(namespace: "default", workers: 2),
            logger: logger)
        var settings = ModelDeploymentSettings(
            image: "ghcr.io/trainyard/trainyard:test", mlflow: try MLflowConfiguration(trackingURI: "http://mlflow.test"))
        settings.pollInterval = pollInterval
        settings.retryBackoff = Backoff(base: .milliseconds(20), cap: .milliseconds(200))
        ModelDeploymentController.register(with: manager, settings: settings, registry: registry, logger: logger)
        let run = Task { try await manager.run(signals: []) }
        return Bench(harness: harness, client: try harness.makeClient(), registry: registry, run: run)
    }

    func stop() async {
        run.cancel()
        _ = try? await run.value
        try? await client.shutdown()
        await harness.stop()
    }

    func create(_ name: String, model: ModelReference, replicas: Int = 2, port: Int? = nil) async throws {
        _ = try await client.create(
            ModelDeployment(
                metadata: ObjectMeta(name: name, namespace: "default"),
                spec: ModelDeploymentSpec(model: model, replicas: replicas, port: port)))
    }

    /// The ModelDeployment once `condition` holds (30 s at most: a bound on a hang, not on speed).
    func md(_ name: String, _ condition: (ModelDeployment) -> Bool) async throws -> ModelDeployment {
        let deadline = ContinuousClock.now + .seconds(30)
        var last: ModelDeployment?
        while ContinuousClock.now < deadline {
            last = try? await client.get(ModelDeployment.self, namespace: "default", name: name)
            if let last, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("md/\(name) never got there: \(String(describing: last?.status))")
        throw CancellationError()
    }

    /// A child once `condition` holds.
    func child(_ type: ResourceType, _ name: String, _ condition: (JSONValue) -> Bool = { _ in true }) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(30)
        var last: JSONValue?
        while ContinuousClock.now < deadline {
            last = try? await client.get(type, namespace: "default", name: name)
            if let last, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(type.resource)/\(name) never got there: \(last?.serialized() ?? "missing")")
        throw CancellationError()
    }

    /// Plays the Deployment controller: `updated` pods of the current template, `old` of the previous one.
    func rollout(_ name: String, updated: Int, old: Int = 0) async throws {
        var deployment = try await client.get(.deployments, namespace: "default", name: name)
        deployment["status"] = [
            "observedGeneration": deployment[path: ["metadata", "generation"]] ?? 1, "replicas": .int(Int64(updated + old)),
            "updatedReplicas": .int(Int64(updated)), "readyReplicas": .int(Int64(updated + old)),
            "availableReplicas": .int(Int64(updated + old)),
        ]
        _ = try await client.update(.deployments, namespace: "default", name: name, object: deployment, subresource: "status")
    }
}

private func condition(_ md: ModelDeployment, _ type: ModelDeployment.ConditionType) -> Condition? {
    md.status?.conditions?[type: type.rawValue]
}

private func args(_ deployment: JSONValue) -> [String] {
    deployment[path: ["spec", "template", "spec", "containers"]]?[0]?["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
}

@Suite("ModelDeployment reconciler on an in-memory registry", .serialized)
struct ModelDeploymentReconcileTests {
    @Test("the alias resolves to a pinned Deployment and a Service; Ready once every replica serves it; an alias move rolls")
    func resolvesDeploysAndRolls() async throws {
        let bench = try await Bench.start()
        defer { Task { await bench.stop() } }
        bench.registry.add(model: "cancer", version: 1, runId: "run-1")
        bench.registry.add(model: "cancer", version: 2, runId: "run-2")
        bench.registry.setAlias(model: "cancer", alias: "champion", version: 1)
        try await bench.create("cancer", model: ModelReference(name: "cancer", alias: "champion"), port: 9000)

        let deployment = try await bench.child(.deployments, "cancer")
        #expect(args(deployment).contains("models:/cancer/1"), "\(args(deployment))")
        #expect(deployment[path: ["spec", "replicas"]]?.intValue == 2)
        #expect(deployment[path: ["spec", "strategy", "rollingUpdate", "maxUnavailable"]]?.intValue == 0)
        let service = try await bench.child(.services, "cancer")
        #expect(service[path: ["spec", "ports"]]?[0]?["port"]?.intValue == 9000)
        #expect(service[path: ["spec", "ports"]]?[0]?["targetPort"]?.stringValue == "http")
        let rolling = try await bench.md("cancer") { condition($0, .progressing)?.status == .true }
        #expect(rolling.status?.modelVersion == 1 && rolling.status?.runId == "run-1")
        #expect(condition(rolling, .ready)?.status == .false && condition(rolling, .ready)?.reason == "RollingOut")
        #expect(condition(rolling, .modelResolved)?.status == .true)
        #expect(rolling.status?.selector == "trainyard.dev/model-deployment=cancer")
        #expect(rolling.status?.url == "http://cancer.default.svc:9000", "no dev URL annotation without the dev runtime")

        try await bench.rollout("cancer", updated: 2)
        let ready = try await bench.md("cancer") { condition($0, .ready)?.status == .true }
        #expect(ready.status?.phase == .ready && ready.status?.readyReplicas == 2 && ready.status?.replicas == 2)
        #expect(condition(ready, .progressing)?.reason == "RolloutComplete")
        #expect(ready.status?.observedGeneration == ready.metadata.generation)

        // A re-reconcile with nothing new writes nothing: the children keep their resourceVersion.
        let before = try await bench.client.get(.deployments, namespace: "default", name: "cancer")
        var touched = ready
        touched.metadata.annotations = ["poke": "1"]
        _ = try await bench.client.update(touched)
        try await Task.sleep(for: .milliseconds(300))  // room for a wrong write to happen; the check below is on state
        let after = try await bench.client.get(.deployments, namespace: "default", name: "cancer")
        #expect(before[path: ["metadata", "resourceVersion"]] == after[path: ["metadata", "resourceVersion"]])

        // The alias moves: the template pins version 2, and the status follows the roll.
        bench.registry.setAlias(model: "cancer", alias: "champion", version: 2)
        var poke = try await bench.client.get(ModelDeployment.self, namespace: "default", name: "cancer")
        poke.metadata.annotations = ["poke": "2"]
        _ = try await bench.client.update(poke)
        let moved = try await bench.child(.deployments, "cancer") { args($0).contains("models:/cancer/2") }
        #expect(moved[path: ["spec", "template", "metadata", "labels", "trainyard.dev/model-version"]]?.stringValue == "2")
        let progressing = try await bench.md("cancer") { $0.status?.modelVersion == 2 && condition($0, .progressing)?.status == .true }
        #expect(progressing.status?.runId == "run-2" && condition(progressing, .ready)?.status == .false)
        try await bench.rollout("cancer", updated: 1, old: 2)
        let halfway = try await bench.md("cancer") { condition($0, .progressing)?.message.contains("1 of 2 replicas updated") == true }
        #expect(condition(halfway, .progressing)?.message.contains("2 old still running") == true, "\(String(describing: halfway.status))")
        try await bench.rollout("cancer", updated: 2)
        _ = try await bench.md("cancer") { condition($0, .ready)?.status == .true && $0.status?.modelVersion == 2 }
        let events = try await bench.harness.kubectlOK("get", "events", "-o", "json")
        #expect(events.contains("moved from version 1 to 2"), "\(events)")
    }

    @Test("an unreachable registry or a missing alias keeps the last version serving, and the condition says why")
    func keepsServingWhenTheRegistryFails() async throws {
        let bench = try await Bench.start(pollInterval: .milliseconds(100))
        defer { Task { await bench.stop() } }
        bench.registry.add(model: "m", version: 3, runId: "r3")
        bench.registry.setAlias(model: "m", alias: "champion", version: 3)
        try await bench.create("m", model: ModelReference(name: "m", alias: "champion"), replicas: 1)
        _ = try await bench.child(.deployments, "m")
        try await bench.rollout("m", updated: 1)
        _ = try await bench.md("m") { condition($0, .ready)?.status == .true }

        bench.registry.fail(with: MLflowError(.unreachable, "cannot reach MLflow at http://mlflow.test: connection refused"))
        let down = try await bench.md("m") { condition($0, .modelResolved)?.status == .unknown }
        #expect(condition(down, .modelResolved)?.reason == "TrackingUnavailable")
        #expect(condition(down, .modelResolved)?.message.contains("version 3 keeps serving") == true)
        #expect(condition(down, .ready)?.status == .true, "the pods keep serving")
        let deployment = try await bench.client.get(.deployments, namespace: "default", name: "m")
        #expect(deployment[path: ["spec", "replicas"]]?.intValue == 1 && args(deployment).contains("models:/m/3"), "nothing scaled down")

        bench.registry.fail(with: nil)
        bench.registry.setAlias(model: "m", alias: "champion", version: nil)
        let gone = try await bench.md("m") { condition($0, .modelResolved)?.reason == "AliasNotFound" }
        #expect(condition(gone, .modelResolved)?.status == .false)
        #expect(condition(gone, .modelResolved)?.message.contains("has no alias champion") == true)
        #expect(gone.status?.modelVersion == 3 && condition(gone, .ready)?.status == .true)
    }

    @Test("nothing resolved yet: no Deployment, Pending, and a message saying what to fix; a fixed version that appears is deployed")
    func waitsForTheModel() async throws {
        let bench = try await Bench.start(pollInterval: .milliseconds(100))
        defer { Task { await bench.stop() } }
        try await bench.create("fixed", model: ModelReference(name: "m", version: 4))
        let pending = try await bench.md("fixed") { condition($0, .modelResolved)?.reason == "VersionNotFound" }
        #expect(pending.status?.phase == .pending && condition(pending, .ready)?.reason == "ModelNotResolved")
        #expect(condition(pending, .modelResolved)?.message.contains("has no version 4") == true)
        #expect((try? await bench.client.get(.deployments, namespace: "default", name: "fixed")) == nil)

        bench.registry.add(model: "m", version: 4, runId: "r4")
        let deployment = try await bench.child(.deployments, "fixed")
        #expect(args(deployment).contains("models:/m/4"))
    }

    @Test("a Deployment of that name that belongs to someone else is never taken over")
    func deploymentNameTaken() async throws {
        let bench = try await Bench.start()
        defer { Task { await bench.stop() } }
        bench.registry.add(model: "m", version: 1)
        bench.registry.setAlias(model: "m", alias: "champion", version: 1)
        let foreign: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "default"],
            "spec": [
                "selector": ["matchLabels": ["app": "web"]],
                "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "c", "image": "nginx"]]]],
            ],
        ]
        _ = try await bench.client.create(.deployments, namespace: "default", object: foreign)
        try await bench.create("web", model: ModelReference(name: "m", alias: "champion"))
        let taken = try await bench.md("web") { condition($0, .ready)?.reason == "DeploymentNameTaken" }
        #expect(condition(taken, .ready)?.message.contains("a Deployment named web exists") == true)
        let still = try await bench.client.get(.deployments, namespace: "default", name: "web")
        #expect(args(still).isEmpty && still[path: ["metadata", "ownerReferences"]] == nil, "left as it was")
    }
}
