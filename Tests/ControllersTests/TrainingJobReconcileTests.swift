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

/// The TrainingJob reconciler against the in-process dev API server and an in-memory MLflow, with
/// no pod runtime: the test plays the kubelet by writing the pod's status. Fast (no trainer runs,
/// no MLflow server), and every step waits for what the controller wrote, never for time.
private struct Bench {
    let harness: DevClusterHarness
    let client: KubeClient
    let tracking: InMemoryRunTracking
    let run: Task<Void, any Error>

    static func start(
        cleanupTimeout: Duration = .seconds(60), retryBackoff: Backoff = Backoff(base: .milliseconds(20), cap: .milliseconds(500))
    ) async throws -> Bench {
        let harness = try await DevClusterHarness.start()
        try await harness.kubectlOK("apply", "-f", repositoryRoot + "/crds/")
        try await harness.kubectlOK("wait", "--for=condition=Established", "crd", "--all", "--timeout=30s")
        let tracking = InMemoryRunTracking()
        var logger = Logger(label: "test.reconcile")
        logger.logLevel = .critical
        let manager = try Manager(
            clientConfiguration: try harness.clientConfiguration(), configuration: ManagerConfiguration(namespace: "default", workers: 2),
            logger: logger)
        var settings = TrainingJobSettings(
            image: "ghcr.io/trainyard/trainyard:test", mlflow: try MLflowConfiguration(trackingURI: "http://mlflow.test"))
        settings.retryBackoff = retryBackoff
        settings.cleanupTrackingTimeout = cleanupTimeout
        TrainingJobController.register(with: manager, settings: settings, tracking: tracking, logger: logger)
        let run = Task { try await manager.run(signals: []) }
        return Bench(harness: harness, client: try harness.makeClient(), tracking: tracking, run: run)
    }

    func stop() async {
        run.cancel()
        _ = try? await run.value
        try? await client.shutdown()
        await harness.stop()
    }

    func create(_ name: String, activeDeadlineSeconds: Int64? = nil) async throws {
        let spec = TrainingJobSpec(
            data: TrainingData(source: "/usr/share/trainyard/datasets/breast_cancer.csv", target: "diagnosis"), task: .classification,
            model: ModelSpec(type: .gbdt), register: RegisterSpec(modelName: "cancer"), activeDeadlineSeconds: activeDeadlineSeconds)
        _ = try await client.create(TrainingJob(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec))
    }

    /// The job once `condition` holds (30 s at most: a bound on a hang, not on speed).
    func job(_ name: String, _ condition: (TrainingJob) -> Bool) async throws -> TrainingJob {
        let deadline = ContinuousClock.now + .seconds(30)
        var last: TrainingJob?
        while ContinuousClock.now < deadline {
            last = try? await client.get(TrainingJob.self, namespace: "default", name: name)
            if let last, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("tj/\(name) never got there: \(String(describing: last?.status))")
        throw CancellationError()
    }

    /// Waits for the pod to exist and returns it.
    func pod(_ name: String) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let pod = try? await client.get(.pods, namespace: "default", name: name) { return pod }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("pod \(name) never appeared")
        throw CancellationError()
    }

    /// Plays the kubelet: the pod's trainer container is running.
    func start(pod name: String) async throws {
        var pod = try await client.get(.pods, namespace: "default", name: name)
        pod[path: ["status"]] = [
            "phase": "Running",
            "containerStatuses": [
                [
                    "name": "trainer", "ready": true, "restartCount": 0, "image": "ghcr.io/trainyard/trainyard:test", "imageID": "",
                    "state": ["running": ["startedAt": .string(Timestamp.time())]],
                ]
            ],
        ]
        _ = try await client.update(.pods, namespace: "default", name: name, object: pod, subresource: "status")
    }

    /// Plays the kubelet: the pod's trainer container ended with `report` in its termination message.
    func finish(pod name: String, phase: String, report: TrainerReport) async throws {
        var pod = try await client.get(.pods, namespace: "default", name: name)
        pod[path: ["status"]] = [
            "phase": .string(phase),
            "containerStatuses": [
                [
                    "name": "trainer", "ready": false, "restartCount": 0, "image": "ghcr.io/trainyard/trainyard:test", "imageID": "",
                    "state": [
                        "terminated": [
                            "exitCode": phase == "Succeeded" ? 0 : 1, "reason": phase == "Succeeded" ? "Completed" : "Error",
                            "message": .string(report.terminationMessage), "finishedAt": .string(Timestamp.time()),
                        ]
                    ],
                ]
            ],
        ]
        _ = try await client.update(.pods, namespace: "default", name: name, object: pod, subresource: "status")
    }
}

private func condition(_ job: TrainingJob, _ type: TrainingJob.ConditionType) -> Condition? {
    job.status?.conditions?[type: type.rawValue]
}

@Suite("TrainingJob reconciler on an in-memory MLflow", .serialized)
struct TrainingJobReconcileTests {
    @Test(
        "a refusing MLflow keeps the job waiting with the reason; once it answers, the run, the pod, success, registration and promotion follow"
    )
    func refusedThenTrained() async throws {
        let bench = try await Bench.start()
        defer { Task { await bench.stop() } }
        bench.tracking.fail(
            with: MLflowError(
                .permissionDenied, "MLflow at http://mlflow.test: GET /experiments/get-by-name: 403 PERMISSION_DENIED: no",
                mlflowCode: "PERMISSION_DENIED", statusCode: 403))
        try await bench.create("cancer")
        let refused = try await bench.job("cancer") { condition($0, .trackingUnavailable)?.status == .true }
        #expect(condition(refused, .trackingUnavailable)?.reason == "MLflowPermissionDenied")
        #expect(refused.status?.runId == nil && refused.status?.phase != .failed)
        // Retried on its own (back-off from 20 ms): more calls come without any change to the job.
        let before = bench.tracking.calls
        let deadline = ContinuousClock.now + .seconds(30)
        while bench.tracking.calls < before + 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(bench.tracking.calls >= before + 3, "retried with back-off")

        bench.tracking.fail(with: nil)
        let started = try await bench.job("cancer") { $0.status?.runId != nil && $0.status?.attempts == 1 }
        #expect(condition(started, .trackingUnavailable)?.status == .false, "cleared once MLflow answers")
        let runId = try #require(started.status?.runId)
        #expect(bench.tracking.runs[runId]?.tags["trainyard.dev/job-uid"] == started.metadata.uid)
        let pod = TrainingPodTemplate.podName(job: TrainingPodTemplate.podPrefix(started), attempt: 1)
        let deadlinePod = ContinuousClock.now + .seconds(30)
        while (try? await bench.client.get(.pods, namespace: "default", name: pod)) == nil, ContinuousClock.now < deadlinePod {
            try await Task.sleep(for: .milliseconds(20))
        }
        let created = try await bench.client.get(.pods, namespace: "default", name: pod)
        #expect(created[path: ["metadata", "ownerReferences"]]?[0]?["uid"]?.stringValue == started.metadata.uid)

        try await bench.finish(
            pod: pod, phase: "Succeeded",
            report: TrainerReport(rows: .init(train: 455, validation: 114), validation: ["auc": 0.991], recorded: true, runId: runId))
        let done = try await bench.job("cancer") { $0.status?.phase == .succeeded }
        #expect(done.status?.metrics == ["auc": 0.991])
        #expect(done.status?.model?.version == 1 && condition(done, .registered)?.status == .true)
        #expect(condition(done, .promoted)?.reason == "FirstModel")
        #expect(bench.tracking.alias("champion", of: "cancer") == "1")
        #expect(bench.tracking.versions(of: "cancer").first?.source == "mlflow-artifacts:/1/\(runId)/artifacts/model")
    }

    @Test("while MLflow is down the back-off never delays the deadline: the pod is stopped when activeDeadlineSeconds runs out")
    func deadlineDuringOutage() async throws {
        // A back-off of an hour: only the deadline can bring the job back in time.
        let bench = try await Bench.start(retryBackoff: Backoff(base: .seconds(3600), cap: .seconds(3600)))
        defer { Task { await bench.stop() } }
        try await bench.create("bounded", activeDeadlineSeconds: 2)
        let started = try await bench.job("bounded") { $0.status?.runId != nil && $0.status?.startTime != nil }
        let name = TrainingPodTemplate.podName(job: TrainingPodTemplate.podPrefix(started), attempt: 1)
        _ = try await bench.pod(name)
        bench.tracking.fail(with: MLflowError(.unreachable, "cannot reach MLflow at http://mlflow.test: connection refused"))
        try await bench.start(pod: name)
        let waiting = try await bench.job("bounded") { condition($0, .trackingUnavailable)?.status == .true }
        #expect(condition(waiting, .trackingUnavailable)?.reason == "MLflowUnreachable")
        let deadline = ContinuousClock.now + .seconds(30)
        var pod = try await bench.client.get(.pods, namespace: "default", name: name)
        while pod[path: ["metadata", "deletionTimestamp"]] == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            guard let next = try? await bench.client.get(.pods, namespace: "default", name: name) else { break }
            pod = next
        }
        let gone = (try? await bench.client.get(.pods, namespace: "default", name: name)) == nil
        #expect(gone || pod[path: ["metadata", "deletionTimestamp"]] != nil, "stopped at the deadline: \(pod.serialized())")
    }

    @Test("MLflow calling the request invalid (400) is terminal: a condition with MLflow's words, no run, no pod")
    func rejectedIsTerminal() async throws {
        let bench = try await Bench.start()
        defer { Task { await bench.stop() } }
        bench.tracking.fail(
            with: MLflowError(
                .invalidRequest, "MLflow at http://mlflow.test: POST /runs/create: 400 INVALID_PARAMETER_VALUE: bad experiment",
                mlflowCode: "INVALID_PARAMETER_VALUE", statusCode: 400))
        try await bench.create("rejected")
        let job = try await bench.job("rejected") { condition($0, .trackingUnavailable)?.status == .true }
        let tracking = try #require(condition(job, .trackingUnavailable))
        #expect(tracking.reason == "MLflowRejectedRequest")
        #expect(tracking.message.contains("(400)") && tracking.message.contains("bad experiment"), "\(tracking.message)")
        #expect(job.status?.runId == nil)
        let pods = try await bench.client.list(.pods, namespace: "default").items
        #expect(pods.isEmpty)
    }

    @Test(
        "a job deleted while MLflow fails finishes deleting after the wait (here none), with a RunNotMarked event; the run is left as it was"
    )
    func deletionWithoutMLflow() async throws {
        let bench = try await Bench.start(cleanupTimeout: .zero)
        defer { Task { await bench.stop() } }
        try await bench.create("leaving")
        let started = try await bench.job("leaving") { $0.status?.runId != nil }
        let runId = try #require(started.status?.runId)
        bench.tracking.fail(with: MLflowError(.unreachable, "cannot reach MLflow at http://mlflow.test: connection refused"))
        try await bench.client.delete(TrainingJob.self, namespace: "default", name: "leaving")
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await bench.client.get(TrainingJob.self, namespace: "default", name: "leaving")) != nil, ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((try? await bench.client.get(TrainingJob.self, namespace: "default", name: "leaving")) == nil, "deleted")
        let events = try await bench.client.list(Event.self, namespace: "default").items.filter { $0.reason == "RunNotMarked" }
        let event = try #require(events.first)
        #expect(event.type == "Warning" && event.message?.contains(runId) == true, "\(event)")
        #expect(bench.tracking.runs[runId]?.status == .running, "left as it was")
    }
}
