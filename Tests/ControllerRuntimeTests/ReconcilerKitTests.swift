import ControllerRuntime
import DevCluster
import Foundation
import KubeAPI
import KubeClient
import Synchronization
import Testing
import TrainyardTesting

/// A resource with a conditioned status, standing for any of Trainyard's.
private struct Widget: StatusResource {
    static let resourceType = ResourceType(group: "example.dev", version: "v1", resource: "widgets", kind: "Widget")
    enum ConditionType: String, Sendable {
        case ready = "Ready"
        case degraded = "Degraded"
    }
    var metadata: ObjectMeta
    var status: WidgetStatus?
}

private struct WidgetStatus: ConditionedStatus {
    var observedGeneration: Int64?
    var conditions: [Condition]?
    var replicas: Int?
    init() {}
}

@Suite("Reconciler kit: status updates, timing helpers")
struct ReconcilerKitTests {
    private func widget(generation: Int64, status: WidgetStatus? = nil) -> Widget {
        Widget(metadata: ObjectMeta(name: "w", namespace: "default", generation: generation), status: status)
    }

    @Test("a status update changes only what a reconcile set, stamps the generation, and moves a transition time only with the status")
    func statusUpdate() {
        let t1 = Date(timeIntervalSince1970: 1_800_000_000)
        var first = StatusUpdate(widget(generation: 3), now: t1)
        #expect(first.changed, "observedGeneration 3 is new")
        first.set(.ready, .false, reason: "Starting", message: "0 of 2 ready")
        first.status.replicas = 0
        let written = first.updatedObject
        #expect(written.status?.observedGeneration == 3)
        #expect(first.condition(.ready)?.observedGeneration == 3)

        // The next reconcile reads what was written: the same decisions write nothing.
        var same = StatusUpdate(written, now: t1.addingTimeInterval(30))
        same.set(.ready, .false, reason: "Starting", message: "0 of 2 ready")
        same.clear(.degraded, reason: "Fine", message: "")
        #expect(!same.changed, "nothing changed, so nothing is written")
        #expect(same.condition(.degraded) == nil, "clearing a condition that is not True adds nothing")

        var ready = StatusUpdate(written, now: t1.addingTimeInterval(60))
        ready.set(.ready, .true, reason: "Ready", message: "2 of 2 ready")
        #expect(ready.changed && ready.isTrue(.ready))
        #expect(ready.condition(.ready)?.lastTransitionTime == Timestamp.time(t1.addingTimeInterval(60)))
        var message = StatusUpdate(ready.updatedObject, now: t1.addingTimeInterval(90))
        message.set(.ready, .true, reason: "Ready", message: "2 of 2 ready, 1 updated")
        #expect(message.changed)
        #expect(message.condition(.ready)?.lastTransitionTime == Timestamp.time(t1.addingTimeInterval(60)), "same status, same time")

        // An empty list and no list are the same status.
        var empty = WidgetStatus()
        empty.observedGeneration = 1
        empty.conditions = []
        #expect(!StatusUpdate(widget(generation: 1, status: empty)).changed)
    }

    @Test("requeue helpers: the sooner of two actions, a requeue until a time, deadlines from a recorded start")
    func timing() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ReconcileAction.sooner(.requeue(after: .seconds(5)), .requeue(after: .seconds(2))) == .requeue(after: .seconds(2)))
        #expect(ReconcileAction.sooner(.awaitChange, .requeue(after: .seconds(2))) == .requeue(after: .seconds(2)))
        #expect(ReconcileAction.sooner(.requeue(after: .seconds(5)), .awaitChange) == .requeue(after: .seconds(5)))
        #expect(ReconcileAction.sooner(.awaitChange, .awaitChange) == .awaitChange)
        #expect(ReconcileAction.requeue(until: now.addingTimeInterval(10), now: now) == .requeue(after: .milliseconds(10_100)))
        #expect(
            ReconcileAction.requeue(until: now.addingTimeInterval(-10), now: now) == .requeue(after: .milliseconds(100)), "past: at once")
        #expect(ReconcileAction.requeue(until: nil, now: now) == .awaitChange)
        let start = Timestamp.time(now)
        #expect(deadline(seconds: 60, from: start) == now.addingTimeInterval(60))
        #expect(deadline(seconds: nil, from: start) == nil)
        #expect(deadline(seconds: 60, from: nil) == nil)
        #expect(deadline(seconds: 60, from: "yesterday") == nil)
    }
}

/// Counts what a `Reconciler` registered through the builder is handed.
private final class CountingReconciler: Reconciler {
    let seen = Mutex<[String: Int]>([:])
    let children = Mutex<[String]>([])
    let secrets: Store<DynamicObject>
    let transientFailures: Int

    init(secrets: Store<DynamicObject>, transientFailures: Int) {
        self.secrets = secrets
        self.transientFailures = transientFailures
    }

    func reconcile(_ map: ConfigMap) async throws -> ReconcileAction {
        let name = map.metadata.name ?? ""
        let count = seen.withLock { seen in
            seen[name, default: 0] += 1
            return seen[name]!
        }
        children.withLock { $0 = secrets.controlled(by: map).compactMap(\.metadata.name).sorted() }
        // A back-off of an hour would never come round in a test: `latest` must bring the retry sooner.
        if count <= transientFailures { throw TransientError("not yet", latest: .milliseconds(50)) }
        return .awaitChange
    }

    func count(_ name: String) -> Int { seen.withLock { $0[name] ?? 0 } }
}

private final class WeakReference<Value: AnyObject & Sendable>: Sendable {
    weak let value: Value?
    init(_ value: Value) { self.value = value }
}

@Suite("Reconciler kit: builder registration against trainyard dev", .serialized)
struct ControllerBuilderTests {
    @Test(
        "the manager keeps the reconciler, hands it the cached object, maps children by owner UID, and honours a transient error's latest retry"
    )
    func builderRegistration() async throws {
        let cluster = try await DevClusterHarness.start()
        let manager = try Manager(
            clientConfiguration: try cluster.clientConfiguration(), configuration: ManagerConfiguration(namespace: "default", workers: 1))
        let secrets = manager.informer(DynamicObject.self, resource: .secrets)
        let weak: WeakReference<CountingReconciler>
        do {
            let counting = CountingReconciler(secrets: secrets.store, transientFailures: 2)
            weak = WeakReference(counting)
            manager.controller(for: ConfigMap.self).owns(.secrets).backoff(Backoff(base: .seconds(3600), cap: .seconds(3600)))
                .complete(counting)
        }
        var reconciler: CountingReconciler? { weak.value }
        #expect(reconciler != nil, "the manager keeps the reconciler; nobody else holds it")
        #expect(manager.controllerCount == 1)
        let run = Task { try await manager.run(signals: []) }
        let client = manager.client
        let parent = try await client.create(ConfigMap(metadata: ObjectMeta(name: "parent", namespace: "default")))
        let other = try await client.create(ConfigMap(metadata: ObjectMeta(name: "other", namespace: "default")))
        // Two transient failures, each retried after 50 ms although the back-off is an hour; then success.
        #expect(try await eventually(timeout: .seconds(30)) { (reconciler?.count("parent") ?? 0) >= 3 })
        let owner: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap", "name": "parent", "uid": .string(parent.metadata.uid!), "controller": true,
        ]
        // Same kind and name, another UID: what a predecessor's child looks like before garbage collection reaches it.
        let impostor: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap", "name": "parent", "uid": .string(other.metadata.uid!), "controller": true,
        ]
        _ = try await client.create(
            .secrets, namespace: "default",
            object: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "mine", "ownerReferences": [owner]]])
        _ = try await client.create(
            .secrets, namespace: "default",
            object: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "predecessors", "ownerReferences": [impostor]]])
        #expect(try await eventually(timeout: .seconds(30)) { secrets.store.count >= 2 && (reconciler?.count("parent") ?? 0) >= 4 })
        #expect(secrets.store.controlled(by: parent).compactMap(\.metadata.name) == ["mine"], "by UID, not by kind and name")
        #expect(secrets.store.controlled(by: other).compactMap(\.metadata.name) == ["predecessors"])
        #expect(try await eventually(timeout: .seconds(30)) { reconciler?.children.withLock { $0 } == ["mine"] })
        run.cancel()
        _ = try? await run.value
        await cluster.stop()
    }
}
