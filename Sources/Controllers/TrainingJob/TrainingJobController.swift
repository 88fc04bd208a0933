import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization
import Tracking
import TrainyardAPI

/// The TrainingJob reconciler: validates the job, creates its MLflow run (recording the run id in
/// status before anything else), runs one pod per attempt with back-off, fills status from the
/// pod's termination message, registers the model and moves the alias when it is better, and
/// cleans up under a finalizer (stops the pod, marks an unfinished run KILLED). Every step is
/// idempotent: a restarted controller finds the run by the job's UID and the pod by its name.
public final class TrainingJobController: Sendable {
    public static let finalizer = "trainyard.dev/mlflow-run"
    static let jobUIDTag = "trainyard.dev/job-uid"
    static let attemptTag = "trainyard.dev/attempt"

    let settings: TrainingJobSettings
    let client: KubeClient
    let mlflow: MLflowClient
    let events: EventRecorder
    let logger: Logger
    private let jobs: Store<TrainingJob>
    private let pods: Store<DynamicObject>
    /// Experiment ids by name, so a new run costs MLflow one lookup fewer (dropped when MLflow
    /// refuses a run in it, e.g. after the experiment was deleted).
    let experimentIDs = Mutex<[String: String]>([:])

    public init(manager: Manager, settings: TrainingJobSettings, logger: Logger) {
        self.settings = settings
        client = manager.client
        mlflow = MLflowClient(settings.mlflow)
        events = manager.events
        self.logger = logger
        let jobInformer = manager.informer(TrainingJob.self)
        let podInformer = manager.informer(DynamicObject.self, resource: .pods)
        jobs = jobInformer.store
        pods = podInformer.store
        let controller = manager.controller(name: "trainingjob") { [weak self] key in
            guard let self else { return .awaitChange }
            return try await self.reconcile(key)
        }
        controller.watchPrimary(jobInformer)
        controller.watchOwned(podInformer, ownerKind: TrainingJob.kind)
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let job = jobs.get(key) else { return .awaitChange }
        return try await reconcileWithFinalizer(
            Self.finalizer, object: job, client: client, apply: { try await self.apply($0) }, cleanup: { try await self.cleanup($0) })
    }

    /// The job's pods, from the cache.
    private func pods(of job: TrainingJob) -> [JSONValue] {
        pods.list(namespace: job.metadata.namespace).filter { $0.controllerKey(kind: TrainingJob.kind) == job.objectKey }.map(\.json)
    }

    // MARK: - Apply

    private func apply(_ job: TrainingJob) async throws -> ReconcileAction {
        var update = StatusUpdate(job: job)
        let now = Date()
        if update.isFinished { return try await afterFinish(job, update: update, now: now) }

        if let problem = TrainingJobValidation.problem(job.spec) {
            update.set("Valid", .false, reason: "InvalidSpec", message: problem.description)
            if update.status.runId == nil {
                update.finish(.failed, reason: "InvalidSpec", message: problem.description, now: now)
            }
            if try await write(update) {
                await events.record(job, type: .warning, reason: "InvalidSpec", message: problem.description)
            }
            return .awaitChange
        }
        update.set("Valid", .true, reason: "Validated", message: "the spec is valid")

        // 1. The attempt's MLflow run, recorded in status before its pod exists.
        guard let runId = update.status.runId else {
            do {
                let attempt = max(update.status.attempts ?? 0, 1)
                let (experimentId, runId) = try await ensureRun(job, attempt: attempt)
                update.status.experimentId = experimentId
                update.status.runId = runId
                update.status.runURL = "\(settings.mlflow.trackingURI)/#/experiments/\(experimentId)/runs/\(runId)"
                update.status.attempts = update.status.attempts ?? 0
                update.status.phase = .pending
                if job.spec.suspend != true, update.status.attempts == 0 {
                    // The first attempt's number in the same write: its pod follows without another round.
                    update.status.attempts = 1
                    update.status.startTime = update.status.startTime ?? Timestamp.time(now)
                    update.set(TrainingJob.ConditionType.running.rawValue, .false, reason: "PodCreating", message: "starting attempt 1")
                }
                update.clearTrackingUnavailable()
            } catch let error as ExperimentDeleted {
                // Not an outage, and nothing the job can fix by failing: it waits, and says what would let it go on.
                update.set(TrainingJob.ConditionType.running.rawValue, .false, reason: "ExperimentDeleted", message: error.description)
                if try await write(update) {
                    await events.record(job, type: .warning, reason: "ExperimentDeleted", message: error.description)
                }
                return .requeue(after: settings.trackingRetryDelay)
            } catch {
                return try await trackingUnavailable(job, update: update, doing: "creating the MLflow run", error: error)
            }
            try await write(update)
            let attempt = max(update.status.attempts ?? 0, 1)
            await events.record(
                job, type: .normal, reason: "RunCreated", message: "attempt \(attempt): MLflow run \(update.status.runId ?? "")")
            if let runId = update.status.runId, update.status.attempts == 1, update.status.startTime != nil, job.spec.suspend != true,
                pods(of: job).isEmpty
            {
                // Attempt 1 and its run are in status: its pod now, rather than after another trip through the queue.
                var started = job
                started.status = update.status
                try await createPod(started, attempt: 1, runId: runId)
                return deadlineRequeue(job, update: update, now: now)
            }
            return .awaitChange
        }

        // 2. Suspended: no pod runs; resuming starts the current attempt again.
        if job.spec.suspend == true {
            try await stopPods(of: job)
            update.status.phase = .suspended
            update.set(TrainingJob.ConditionType.suspended.rawValue, .true, reason: "Suspended", message: "spec.suspend is true")
            update.set(TrainingJob.ConditionType.running.rawValue, .false, reason: "Suspended", message: "no pod runs while suspended")
            try await write(update)
            return .awaitChange
        }
        if update.conditions.isTrue(TrainingJob.ConditionType.suspended.rawValue) {
            update.set(TrainingJob.ConditionType.suspended.rawValue, .false, reason: "Resumed", message: "spec.suspend is false")
        }

        // 3. The deadline, counted from the first attempt's start.
        if let deadline = job.spec.activeDeadlineSeconds, let end = Self.deadline(job.spec, update.status), now >= end {
            try await stopPods(of: job)
            let message = "the job ran longer than activeDeadlineSeconds (\(deadline) s)"
            return try await fail(job, update: update, reason: "DeadlineExceeded", message: message, runId: runId, now: now)
        }

        // 4. The attempts.
        let backoffLimit = job.spec.backoffLimit ?? 2
        let step = TrainingAttempts.step(
            job: job.metadata.name ?? "", attempts: update.status.attempts ?? 0, backoffLimit: backoffLimit, pods: pods(of: job), now: now,
            initialBackoff: settings.initialBackoff)
        switch step {
        case .start(let attempt):
            if update.status.attempts != attempt || update.status.startTime == nil {
                // The attempt number first: a restart then recreates this pod, never a second one.
                update.status.attempts = attempt
                update.status.startTime = update.status.startTime ?? Timestamp.time(now)
                update.status.phase = .pending
                update.set(
                    TrainingJob.ConditionType.running.rawValue, .false, reason: "PodCreating", message: "starting attempt \(attempt)")
                try await write(update)
                return .awaitChange
            }
            try await createPod(job, attempt: attempt, runId: runId)
            return deadlineRequeue(job, update: update, now: now)
        case .running(let attempt, let pod, let started):
            update.status.phase = started ? .running : .pending
            update.set(
                TrainingJob.ConditionType.running.rawValue, started ? .true : .false, reason: started ? "PodRunning" : "PodPending",
                message: "attempt \(attempt) of \(backoffLimit + 1): pod \(pod)")
            if started {
                // The trainer records into this run: if MLflow does not answer, say so while it waits.
                do {
                    _ = try await mlflow.run(id: runId)
                    update.clearTrackingUnavailable()
                } catch {
                    return try await trackingUnavailable(job, update: update, doing: "checking the MLflow run", error: error)
                }
            }
            if try await write(update), started {
                await events.record(job, type: .normal, reason: "Running", message: "attempt \(attempt): pod \(pod) is running")
            }
            return Self.sooner(deadlineRequeue(job, update: update, now: now), .requeue(after: settings.runningCheckInterval))
        case .succeeded(let attempt, let pod, let summary):
            return try await succeed(job, update: update, attempt: attempt, pod: pod, summary: summary, runId: runId, now: now)
        case .retry(let attempt, let reason, let message, let after):
            update.set(
                TrainingJob.ConditionType.running.rawValue, .false, reason: "BackOff",
                message: "\(message); attempt \(attempt + 1) starts after a back-off")
            update.status.phase = .pending
            if after > .zero {
                if try await write(update) {
                    await events.record(job, type: .warning, reason: reason, message: message)
                }
                return .requeue(after: after)
            }
            // The failed attempt's run ends FAILED; the next attempt gets a run of its own.
            do {
                try await finishRun(runId, status: .failed, recordingFirst: unrecordedResults(job, attempt: attempt))
            } catch {
                return try await trackingUnavailable(job, update: update, doing: "marking the failed attempt's run FAILED", error: error)
            }
            update.status.attempts = attempt + 1
            update.status.runId = nil
            update.status.runURL = nil
            try await write(update)
            return .awaitChange
        case .failed(let attempt, let reason, let message):
            return try await fail(job, update: update, reason: reason, message: message, runId: runId, attempt: attempt, now: now)
        }
    }

    /// The earlier of two requeues; waiting for a change is the latest of all.
    static func sooner(_ a: ReconcileAction, _ b: ReconcileAction) -> ReconcileAction {
        switch (a, b) {
        case (.requeue(let x), .requeue(let y)): .requeue(after: min(x, y))
        case (.requeue, .awaitChange): a
        case (.awaitChange, _): b
        }
    }

    private func deadlineRequeue(_ job: TrainingJob, update: StatusUpdate, now: Date) -> ReconcileAction {
        guard let end = Self.deadline(job.spec, update.status) else { return .awaitChange }
        return Self.requeue(until: end, now: now)
    }

    /// When activeDeadlineSeconds runs out, counted from the first attempt's start; nil without one.
    static func deadline(_ spec: TrainingJobSpec, _ status: TrainingJobStatus?) -> Date? {
        guard let seconds = spec.activeDeadlineSeconds, let start = status?.startTime.flatMap(Timestamp.parse) else { return nil }
        return start.addingTimeInterval(TimeInterval(seconds))
    }

    /// Reconcile again just after `date`.
    static func requeue(until date: Date, now: Date) -> ReconcileAction {
        .requeue(after: .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000) + 100))
    }

    private func createPod(_ job: TrainingJob, attempt: Int, runId: String) async throws {
        // The trainer waits for MLflow as long as the job may still run, up to the configured patience.
        var patience = settings.trainerTrackingRetrySeconds
        if let end = Self.deadline(job.spec, job.status) { patience = max(0, min(patience, Int(end.timeIntervalSinceNow))) }
        let pod = try TrainingPodTemplate.pod(
            .init(
                job: job, attempt: attempt, runId: runId, trackingURI: settings.mlflow.trackingURI, defaultImage: settings.image,
                trackingTimeoutSeconds: patience))
        do {
            let created = try await client.create(.pods, namespace: job.metadata.namespace, object: pod)
            let name = created[path: ["metadata", "name"]]?.stringValue ?? ""
            await events.record(job, type: .normal, reason: "PodCreated", message: "attempt \(attempt): created pod \(name)")
        } catch let error as KubeError where error.code == .alreadyExists {
            // Made by an earlier reconcile whose cache had not shown it yet.
        }
    }

    /// Deletes the job's pods that have not finished (SIGTERM, then their grace period).
    private func stopPods(of job: TrainingJob) async throws {
        for pod in pods(of: job) {
            let phase = pod[path: ["status", "phase"]]?.stringValue
            guard phase != "Succeeded", phase != "Failed", pod[path: ["metadata", "deletionTimestamp"]] == nil,
                let name = pod[path: ["metadata", "name"]]?.stringValue
            else { continue }
            var options = DeleteOptions()
            options.preconditionUID = pod[path: ["metadata", "uid"]]?.stringValue
            do {
                try await client.delete(.pods, namespace: job.metadata.namespace, name: name, options: options)
            } catch let error as KubeError where error.code == .notFound || error.code == .conflict {
            }
        }
    }

    // MARK: - Outcomes

    private func succeed(
        _ job: TrainingJob, update: StatusUpdate, attempt: Int, pod: String, summary: TrainingSummary, runId: String, now: Date
    ) async throws -> ReconcileAction {
        var update = update
        update.status.metrics = summary.metrics
        if let register = job.spec.register {
            do {
                try await registerAndPromote(job, register: register, runId: runId, summary: summary, update: &update)
                update.clearTrackingUnavailable()
            } catch {
                return try await trackingUnavailable(job, update: update, doing: "registering the model", error: error)
            }
        }
        let task = job.spec.task == .classification ? "auc" : "rmse"
        let headline = summary.metrics[task].map { "\(task) \(String(format: "%.4f", $0))" } ?? "trained"
        let rows = summary.validationRows.map { " on \($0) validation rows" } ?? ""
        update.finish(.succeeded, reason: "Trained", message: "attempt \(attempt) (pod \(pod)): \(headline)\(rows)", now: now)
        if try await write(update) {
            await events.record(job, type: .normal, reason: "Succeeded", message: "\(headline)\(rows); MLflow run \(runId)")
        }
        return afterFinishRequeue(job, update: update, now: now)
    }

    private func fail(
        _ job: TrainingJob, update: StatusUpdate, reason: String, message: String, runId: String, attempt: Int? = nil, now: Date
    ) async throws -> ReconcileAction {
        var update = update
        do {
            try await finishRun(runId, status: .failed, recordingFirst: attempt.flatMap { unrecordedResults(job, attempt: $0) })
            update.clearTrackingUnavailable()
        } catch {
            return try await trackingUnavailable(job, update: update, doing: "marking the MLflow run FAILED", error: error)
        }
        update.finish(.failed, reason: reason, message: message, now: now)
        if try await write(update) {
            await events.record(job, type: .warning, reason: reason, message: message)
        }
        return afterFinishRequeue(job, update: update, now: now)
    }

    /// MLflow did not answer: say so in status and try again later; the job does not fail for it.
    private func trackingUnavailable(_ job: TrainingJob, update: StatusUpdate, doing what: String, error: any Error) async throws
        -> ReconcileAction
    {
        var update = update
        let message = "\(what): \(error)"
        update.set("TrackingUnavailable", .true, reason: "MLflowUnreachable", message: message)
        if try await write(update) {
            await events.record(job, type: .warning, reason: "TrackingUnavailable", message: message)
        }
        logger.warning("MLflow unavailable", metadata: ["job": "\(job.objectKey)", "error": "\(error)"])
        return .requeue(after: settings.trackingRetryDelay)
    }

    private func afterFinish(_ job: TrainingJob, update: StatusUpdate, now: Date) async throws -> ReconcileAction {
        guard let ttl = job.spec.ttlSecondsAfterFinished, let done = update.status.completionTime.flatMap(Timestamp.parse) else {
            return .awaitChange
        }
        if done.addingTimeInterval(TimeInterval(ttl)) <= now {
            var options = DeleteOptions()
            options.propagationPolicy = .background
            options.preconditionUID = job.metadata.uid
            do {
                try await client.delete(
                    TrainingJob.self, namespace: job.metadata.namespace, name: job.metadata.name ?? "", options: options)
            } catch let error as KubeError where error.code == .notFound {
            }
            return .awaitChange
        }
        return afterFinishRequeue(job, update: update, now: now)
    }

    private func afterFinishRequeue(_ job: TrainingJob, update: StatusUpdate, now: Date) -> ReconcileAction {
        guard let ttl = job.spec.ttlSecondsAfterFinished, let done = update.status.completionTime.flatMap(Timestamp.parse) else {
            return .awaitChange
        }
        return Self.requeue(until: done.addingTimeInterval(TimeInterval(ttl)), now: now)
    }

    // MARK: - Cleanup

    /// The job is being deleted: stop its pod, and mark a run that never finished KILLED (MLflow keeps it).
    private func cleanup(_ job: TrainingJob) async throws -> ReconcileAction {
        try await stopPods(of: job)
        guard let runId = job.status?.runId, job.status?.phase != .succeeded, job.status?.phase != .failed else {
            return .awaitChange
        }
        do {
            try await finishRun(runId, status: .killed)
        } catch let error as MLflowError where error.code == .notFound {
            // Deleted in MLflow already: nothing to mark.
        }
        return .awaitChange
    }

    /// Ends a run that has not ended (the trainer ends the runs it finishes), first writing into it
    /// the results its trainer reported but could not record.
    private func finishRun(_ runId: String, status: RunStatus, recordingFirst results: UnrecordedResults? = nil) async throws {
        let run = try await mlflow.run(id: runId)
        guard run.info.status == .running || run.info.status == .scheduled else { return }
        if let results { try await mlflow.logBatch(runId: runId, metrics: results.metrics(missingFrom: run), tags: results.tags) }
        _ = try await mlflow.updateRun(id: runId, status: status, endTime: Date())
    }

    private func unrecordedResults(_ job: TrainingJob, attempt: Int) -> UnrecordedResults? {
        UnrecordedResults(job: job.metadata.name ?? "", attempt: attempt, pods: pods(of: job))
    }

    // MARK: - Status writes

    /// Writes the status when it changed; returns whether it did.
    @discardableResult
    private func write(_ update: StatusUpdate) async throws -> Bool {
        guard update.changed else { return false }
        var job = update.job
        var status = update.status
        status.conditions = update.conditions
        job.status = status
        _ = try await client.updateStatus(job)
        return true
    }
}
