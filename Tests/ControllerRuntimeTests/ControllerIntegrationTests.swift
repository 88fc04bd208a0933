import ControllerRuntime
import DevCluster
import Foundation
import KubeAPI
import KubeClient
import Synchronization
import Testing
import TrainyardTesting

/// Watches what reconciles do: how many run at once per key, and when each ran.
final class ReconcileProbe: Sendable {
    struct State {
        var inFlight: Set<ObjectKey> = []
        var overlaps: [ObjectKey] = []
        var calls: [ObjectKey: [ContinuousClock.Instant]] = [:]
        var maxConcurrent = 0
    }
    let state = Mutex(State())

    func begin(_ key: ObjectKey) {
        state.withLock { state in
            if !state.inFlight.insert(key).inserted { state.overlaps.append(key) }
            state.calls[key, default: []].append(.now)
            state.maxConcurrent = max(state.maxConcurrent, state.inFlight.count)
        }
    }

    func end(_ key: ObjectKey) {
        _ = state.withLock { $0.inFlight.remove(key) }
    }

    func calls(_ key: ObjectKey) -> [ContinuousClock.Instant] { state.withLock { $0.calls[key] ?? [] } }
    var totalCalls: Int { state.withLock { $0.calls.values.map(\.count).reduce(0, +) } }
}

struct Flaky: Error {}

@Suite("Controller and manager against trainyard dev", .serialized)
struct ControllerIntegrationTests {
    @Test("a reconcile that fails N times is retried with growing delays, then succeeds")
    func retriesWithBackoff() async throws {
        let cluster = try await DevClusterHarness.start()
        let probe = ReconcileProbe()
        let manager = try Manager(
            clientConfiguration: try cluster.clientConfiguration(),
            configuration: ManagerConfiguration(namespace: "default", workers: 2))
        let failures = 8
        let controller = manager.controller(name: "flaky") { key in
            probe.begin(key)
            defer { probe.end(key) }
            if probe.calls(key).count <= failures { throw Flaky() }
            return .awaitChange
        }
        controller.watchPrimary(manager.informer(ConfigMap.self))
        let run = Task { try await manager.run(signals: []) }
        _ = try await manager.client.create(ConfigMap(metadata: ObjectMeta(name: "flaky", namespace: "default")))
        let key = ObjectKey(namespace: "default", name: "flaky")
        // A bound on a hang, not on speed: the whole suite shares two cores with peers' start-ups.
        #expect(try await eventually(timeout: .seconds(180)) { probe.calls(key).count == failures + 1 })
        try await Task.sleep(for: .milliseconds(400))
        let calls = probe.calls(key)
        #expect(calls.count == failures + 1, "after the success nothing is retried")
        let gaps = zip(calls.dropFirst(), calls).map { $0 - $1 }
        // Back-off 5, 10, 20, ... 640 ms: each gap at least its back-off, and growing.
        for (index, gap) in gaps.enumerated() {
            #expect(gap >= .milliseconds(5 << index), "retry \(index + 1) came after \(gap)")
        }
        // No upper bounds: on a loaded machine any gap can stretch, but none can shrink below its back-off.
        let metrics = manager.metrics.render()
        #expect(metrics.contains(#"controller_runtime_reconcile_total{controller="flaky",result="error"} 8"#))
        #expect(metrics.contains(#"controller_runtime_reconcile_total{controller="flaky",result="success"} 1"#))
        run.cancel()
        _ = try? await run.value
        await cluster.stop()
    }

    @Test("a terminal error is not retried until the object changes")
    func terminalErrorIsNotRetried() async throws {
        let cluster = try await DevClusterHarness.start()
        let probe = ReconcileProbe()
        let manager = try Manager(
            clientConfiguration: try cluster.clientConfiguration(), configuration: ManagerConfiguration(namespace: "default"))
        manager.controller(name: "terminal") { key in
            probe.begin(key)
            defer { probe.end(key) }
            throw TerminalError("spec.x: invalid")
        }.watchPrimary(manager.informer(ConfigMap.self))
        let run = Task { try await manager.run(signals: []) }
        var object = try await manager.client.create(ConfigMap(metadata: ObjectMeta(name: "t", namespace: "default")))
        let key = ObjectKey(namespace: "default", name: "t")
        #expect(try await eventually { probe.calls(key).count == 1 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(probe.calls(key).count == 1)
        object.data = ["changed": "yes"]
        _ = try await manager.client.update(object)
        #expect(try await eventually { probe.calls(key).count == 2 })
        run.cancel()
        _ = try? await run.value
        await cluster.stop()
    }

    @Test("the same key is never reconciled concurrently under 4 workers and a burst of updates")
    func noConcurrentReconcileOfOneKey() async throws {
        let cluster = try await DevClusterHarness.start()
        let probe = ReconcileProbe()
        let manager = try Manager(
            clientConfiguration: try cluster.clientConfiguration(), configuration: ManagerConfiguration(namespace: "default", workers: 4))
        manager.controller(name: "burst") { key in
            probe.begin(key)
            try? await Task.sleep(for: .milliseconds(Int.random(in: 5...30)))
            probe.end(key)
            return .awaitChange
        }.watchPrimary(manager.informer(ConfigMap.self))
        let run = Task { try await manager.run(signals: []) }
        let client = manager.client
        try await createConfigMaps(client, namespace: "default", prefix: "b", count: 8)
        // 8 objects x 25 updates, as fast as the server takes them.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    for round in 0..<25 {
                        _ = try await client.patch(
                            ConfigMap.self, namespace: "default", name: "b-\(index)", patch: ["data": ["round": .string("\(round)")]],
                            patchType: .merge)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await eventually { probe.state.withLock { $0.inFlight.isEmpty } && probe.totalCalls >= 8 })
        try await Task.sleep(for: .milliseconds(300))
        let state = probe.state.withLock { $0 }
        #expect(state.overlaps.isEmpty, "keys reconciled twice at once: \(state.overlaps)")
        #expect(state.maxConcurrent > 1, "the 4 workers did run different keys in parallel")
        #expect(probe.totalCalls < 8 * 26, "bursts were deduplicated (\(probe.totalCalls) reconciles for 208 changes)")
        run.cancel()
        _ = try? await run.value
        await cluster.stop()
    }

    @Test("a change to an owned object reconciles its controller owner; the owner index finds the children")
    func ownedObjectsMapToOwner() async throws {
        let cluster = try await DevClusterHarness.start()
        let probe = ReconcileProbe()
        let manager = try Manager(
            clientConfiguration: try cluster.clientConfiguration(), configuration: ManagerConfiguration(namespace: "default"))
        let secrets = manager.informer(DynamicObject.self, resource: .secrets)
        let controller = manager.controller(name: "owner") { key in
            probe.begin(key)
            probe.end(key)
            return .awaitChange
        }
        controller.watchPrimary(manager.informer(ConfigMap.self))
        controller.watchOwned(secrets, ownerKind: "ConfigMap")
        let run = Task { try await manager.run(signals: []) }
        let client = manager.client
        let parent = try await client.create(ConfigMap(metadata: ObjectMeta(name: "parent", namespace: "default")))
        let key = ObjectKey(namespace: "default", name: "parent")
        #expect(try await eventually { probe.calls(key).count == 1 })
        let owner: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap", "name": "parent", "uid": .string(parent.metadata.uid!), "controller": true,
        ]
        for name in ["child-a", "child-b"] {
            _ = try await client.create(
                .secrets, namespace: "default",
                object: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(name), "ownerReferences": [owner]]])
        }
        _ = try await client.create(
            .secrets, namespace: "default", object: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "unowned"]])
        #expect(try await eventually { probe.calls(key).count >= 2 })
        #expect(try await eventually { secrets.store.count == 3 })
        let children = secrets.store.controlled(by: parent)
        #expect(Set(children.compactMap(\.metadata.name)) == ["child-a", "child-b"])
        #expect(probe.calls(ObjectKey(namespace: "default", name: "unowned")).isEmpty, "unowned secrets map to no key")
        run.cancel()
        _ = try? await run.value
        await cluster.stop()
    }

    @Test("two managers with leader election: exactly one reconciles; cancel it and the other takes over in time")
    func leaderElectionFailover() async throws {
        let cluster = try await DevClusterHarness.start()
        let lease = LeaderElectionConfiguration(
            leaseName: "test-leader", namespace: "default", leaseDuration: .seconds(4), renewDeadline: .seconds(3),
            retryPeriod: .milliseconds(500))
        let probes = [ReconcileProbe(), ReconcileProbe()]
        let watcher = try cluster.makeClient()
        var managers: [Manager] = []
        var runs: [Task<Void, any Error>] = []
        for (index, probe) in probes.enumerated() {
            var election = lease
            election.identity = "replica-\(index)"
            let manager = try Manager(
                clientConfiguration: try cluster.clientConfiguration(),
                configuration: ManagerConfiguration(namespace: "default", leaderElection: election))
            manager.controller(name: "le") { key in
                probe.begin(key)
                probe.end(key)
                return .awaitChange
            }.watchPrimary(manager.informer(ConfigMap.self))
            managers.append(manager)
            runs.append(Task { try await manager.run(signals: []) })
            if index == 0 {
                // Let the first one win so the test knows whom to stop.
                #expect(
                    try await eventually {
                        (try? await watcher.get(Lease.self, namespace: "default", name: "test-leader"))?.spec?.holderIdentity == "replica-0"
                    })
            }
        }
        let client = try cluster.makeClient()
        for index in 0..<5 {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "le-\(index)", namespace: "default")))
        }
        #expect(try await eventually { probes[0].totalCalls == 5 })
        try await Task.sleep(for: .seconds(1))
        #expect(probes[1].totalCalls == 0, "the follower must not reconcile")

        // Stop the leader; the follower must take over well within the lease duration.
        let stopped = ContinuousClock.now
        runs[0].cancel()
        _ = try? await runs[0].value
        let released = try await client.get(Lease.self, namespace: "default", name: "test-leader")
        // Released on shutdown: empty, or already taken by the follower (its retry is 500 ms).
        #expect(released.spec?.holderIdentity != "replica-0", "the leader releases the lease on shutdown")
        #expect(try await eventually(timeout: .seconds(4)) { probes[1].totalCalls >= 5 })
        let takeover = ContinuousClock.now - stopped
        // Without the release the follower would have to wait out the 4 s lease.
        #expect(takeover < .seconds(4), "took over after \(takeover)")
        let holder = try await client.get(Lease.self, namespace: "default", name: "test-leader").spec
        #expect(holder?.holderIdentity == "replica-1")
        #expect(holder?.leaseTransitions == 1)
        #expect(managers[1].metrics.render().contains(#"leader_election_master_status{name="test-leader"} 1"#))
        runs[1].cancel()
        _ = try? await runs[1].value
        try await client.shutdown()
        try await watcher.shutdown()
        await cluster.stop()
    }

    @Test("health, readiness and metrics endpoints answer; a no-op reconcile issues no API request")
    func probesAndMetrics() async throws {
        let cluster = try await DevClusterHarness.start()
        let address = BindAddress(host: "127.0.0.1", port: 0)
        let manager = try Manager(
            clientConfiguration: try cluster.clientConfiguration(),
            configuration: ManagerConfiguration(namespace: "default", metricsAddress: address, healthAddress: address))
        let probe = ReconcileProbe()
        let informer = manager.informer(ConfigMap.self)
        manager.controller(name: "noop") { key in
            probe.begin(key)
            defer { probe.end(key) }
            _ = informer.store.get(key)  // reads come from the cache
            return .awaitChange
        }.watchPrimary(informer)
        let run = Task { try await manager.run(signals: []) }
        #expect(try await eventually { manager.healthPort != nil && manager.metricsPort != nil })
        let http = try cluster.makeClient()
        _ = try await http.create(ConfigMap(metadata: ObjectMeta(name: "m", namespace: "default")))
        #expect(try await eventually { probe.totalCalls == 1 })
        let requestsBefore = manager.metrics.apiRequestTotal
        _ = try await http.patch(ConfigMap.self, namespace: "default", name: "m", patch: ["data": ["a": "b"]], patchType: .merge)
        #expect(try await eventually { probe.totalCalls == 2 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(manager.metrics.apiRequestTotal == requestsBefore, "the reconcile itself made no API request")

        let healthz = try await fetch("http://127.0.0.1:\(manager.healthPort!)/healthz")
        #expect(healthz.status == 200 && healthz.body == "ok")
        let readyz = try await fetch("http://127.0.0.1:\(manager.healthPort!)/readyz")
        #expect(readyz.status == 200)
        let metrics = try await fetch("http://127.0.0.1:\(manager.metricsPort!)/metrics")
        #expect(metrics.status == 200)
        for series in [
            "controller_runtime_reconcile_total{controller=\"noop\",result=\"success\"} 2",
            "controller_runtime_reconcile_time_seconds_bucket{controller=\"noop\"",
            "workqueue_depth{name=\"noop\"}", "workqueue_queue_duration_seconds_bucket{name=\"noop\"",
            "rest_client_requests_total{verb=\"list\",code=\"200\"}", "rest_client_requests_total{verb=\"watch\",code=\"200\"}",
        ] {
            #expect(metrics.body.contains(series), "missing \(series)")
        }
        run.cancel()
        _ = try? await run.value
        try await http.shutdown()
        await cluster.stop()
    }

    @Test("events are recorded and a repeat raises the count instead of adding an event")
    func eventAggregation() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        let object = try await client.create(ConfigMap(metadata: ObjectMeta(name: "ev", namespace: "default")))
        let recorder = EventRecorder(client: client, component: "trainyard-test")
        await recorder.record(object, type: .normal, reason: "Started", message: "pod ev-1 created")
        await recorder.record(object, type: .normal, reason: "Started", message: "pod ev-1 created")
        await recorder.record(object, type: .normal, reason: "Started", message: "pod ev-1 created")
        await recorder.record(object, type: .warning, reason: "Failed", message: "exit code 1")
        let events = try await client.list(Event.self, namespace: "default").items
        #expect(events.count == 2)
        let started = try #require(events.first { $0.reason == "Started" })
        #expect(started.count == 3)
        #expect(started.involvedObject.kind == "ConfigMap" && started.involvedObject.name == "ev")
        #expect(started.involvedObject.uid == object.metadata.uid)
        #expect(started.source?.component == "trainyard-test")
        #expect(events.first { $0.reason == "Failed" }?.type == "Warning")
        // Concurrent repeats of a new event share one Event object.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask { await recorder.record(object, type: .normal, reason: "Burst", message: "at once") }
            }
        }
        let bursts = try await client.list(Event.self, namespace: "default").items.filter { $0.reason == "Burst" }
        #expect(bursts.count == 1)
        #expect((bursts.first?.count ?? 0) >= 2)
        // What a user sees (kubectl is installed by scripts/bootstrap; required under CI=true).
        if ExternalTool.shouldRun("kubectl") {
            let described = try await cluster.kubectlOK("describe", "configmap", "ev")
            #expect(described.contains("(x3 over"), "kubectl describe shows the aggregated count: \(described)")
        } else {
            print("skipping the kubectl describe check: kubectl not installed (run scripts/bootstrap)")
        }
        try await client.shutdown()
        await cluster.stop()
    }

    @Test("the finalizer helper adds the finalizer, cleans up on delete, then lets the object go")
    func finalizerLifecycle() async throws {
        let cluster = try await DevClusterHarness.start()
        let client = try cluster.makeClient()
        let cleaned = Mutex<[String]>([])
        let applied = Mutex<[[String]]>([])
        let reconcile: @Sendable (ConfigMap) async throws -> ReconcileAction = { object in
            try await reconcileWithFinalizer(
                "trainyard.dev/test", object: object, client: client,
                apply: { object in
                    applied.withLock { $0.append(object.metadata.finalizers ?? []) }
                    return .awaitChange
                },
                cleanup: { object in
                    cleaned.withLock { $0.append(object.metadata.name!) }
                    return .awaitChange
                })
        }
        var object = try await client.create(ConfigMap(metadata: ObjectMeta(name: "fin", namespace: "default")))
        _ = try await reconcile(object)
        object = try await client.get(ConfigMap.self, namespace: "default", name: "fin")
        #expect(object.metadata.finalizers == ["trainyard.dev/test"])
        #expect(applied.withLock { $0 } == [["trainyard.dev/test"]], "applied in the same reconcile, to the object with its finalizer")
        try await client.delete(ConfigMap.self, namespace: "default", name: "fin")
        object = try await client.get(ConfigMap.self, namespace: "default", name: "fin")
        #expect(object.metadata.isBeingDeleted, "the finalizer holds the object")
        _ = try await reconcile(object)
        #expect(cleaned.withLock { $0 } == ["fin"])
        await #expect {
            _ = try await client.get(ConfigMap.self, namespace: "default", name: "fin")
        } throws: { ($0 as? KubeError)?.isNotFound == true }
        try await client.shutdown()
        await cluster.stop()
    }
}

/// A plain HTTP GET with AsyncHTTPClient's shared client.
func fetch(_ url: String) async throws -> (status: Int, body: String) {
    let response = try await HTTPFetch.get(url)
    return response
}
