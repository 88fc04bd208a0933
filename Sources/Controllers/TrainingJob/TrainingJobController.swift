import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Tracking
import TrainyardAPI

/// The TrainingJob reconciler: validates the job, creates its MLflow run (recording the run id in
/// status before anything else), runs one pod per attempt with back-off, fills status from the
/// pod's termination message, registers the model and moves the alias when it is better, and
/// cleans up under a finalizer (stops the pod, marks an unfinished run KILLED). Every step is
/// idempotent: a restarted controller finds the run by the job's UID and the pod by its owner UID.
public final class TrainingJobController: Reconciler {
    public static let finalizer = "trainyard.dev/mlflow-run"
    static let jobUIDTag = "trainyard.dev/job-uid"
    static let attemptTag = "trainyard.dev/attempt"

    let settings: TrainingJobSettings
    let client: KubeClient
    let tracking: any RunTracking
    let events: EventRecorder
    let logger: Logger
    let pods: Store<DynamicObject>
    init(manager: Manager, settings: TrainingJobSettings, tracking: any RunTracking, logger: Logger) {
        self.settings = settings
        client = manager.client
        self.tracking = tracking
        events = manager.events
        self.logger = logger
        pods = manager.informer(DynamicObject.self, resource: .pods).store
    }

    /// Adds the TrainingJob controller to `manager`: it reconciles TrainingJobs and their pods,
    /// recording in MLflow at `settings.mlflow` unless another `tracking` is given (a test's fake).
    @discardableResult
    public static func register(
        with manager: Manager, settings: TrainingJobSettings, tracking: (any RunTracking)? = nil, logger: Logger
    ) -> Controller {
        let controller = TrainingJobController(
            manager: manager, settings: settings, tracking: tracking ?? MLflowRunTracking(settings.mlflow), logger: logger)
        return manager.controller(for: TrainingJob.self).owns(.pods).backoff(settings.retryBackoff).complete(controller)
    }

    public func reconcile(_ job: TrainingJob) async throws -> ReconcileAction {
        try await reconcileWithFinalizer(
            Self.finalizer, object: job, client: client, apply: { try await self.apply($0) }, cleanup: { try await self.cleanup($0) })
    }

    /// The job's pods, by owner UID: a pod left by an earlier job of the same name is not one of them.
    func pods(of job: TrainingJob) -> [JSONValue] {
        pods.controlled(by: job).map(\.json)
    }

    // MARK: - Apply, in phases

    /// What a phase decided: go on to the next, or stop here with an action.
    enum Phase {
        case next
        case done(ReconcileAction)
    }

    private func apply(_ job: TrainingJob) async throws -> ReconcileAction {
        var update = TrainingJobUpdate(job, now: settings.now())
        if update.isFinished { return try await afterFinish(job, update: update) }
        let phases: [(TrainingJob, inout TrainingJobUpdate) async throws -> Phase] = [validate, ensureRun, suspend, enforceDeadline]
        for phase in phases {
            if case .done(let action) = try await phase(job, &update) { return action }
        }
        return try await runAttempt(job, update: update)
    }

    /// Checks the schema cannot make: an invalid spec fails the job before anything is created.
    private func validate(_ job: TrainingJob, _ update: inout TrainingJobUpdate) async throws -> Phase {
        guard let problem = TrainingJobValidation.problem(job.spec) else {
            update.set(.valid, .true, reason: "Validated", message: "the spec is valid")
            return .next
        }
        update.set(.valid, .false, reason: "InvalidSpec", message: problem.description)
        if update.status.runId == nil {
            update.finish(.failed, reason: "InvalidSpec", message: problem.description)
        }
        if try await update.write(with: client) {
            await events.record(job, type: .warning, reason: "InvalidSpec", message: problem.description)
        }
        return .done(.awaitChange)
    }

    /// The attempt's MLflow run, recorded in status before its pod exists.
    private func ensureRun(_ job: TrainingJob, _ update: inout TrainingJobUpdate) async throws -> Phase {
        guard update.status.runId == nil else { return .next }
        let attempt = max(update.status.attempts ?? 0, 1)
        do {
            let (experimentId, runId) = try await ensureRun(job, attempt: attempt)
            update.status.experimentId = experimentId
            update.status.runId = runId
            update.status.runURL = "\(settings.mlflow.trackingURI)/#/experiments/\(experimentId)/runs/\(runId)"
            update.status.attempts = update.status.attempts ?? 0
            update.status.phase = .pending
            if job.spec.suspend != true, update.status.attempts == 0 {
                // The first attempt's number in the same write: its pod follows without another round.
                update.status.attempts = 1
                update.status.startTime = update.status.startTime ?? Timestamp.time(update.now)
                update.set(.running, .false, reason: "PodCreating", message: "starting attempt 1")
            }
            update.clearTrackingUnavailable()
        } catch let error as ExperimentDeleted {
            // Not an outage, and nothing the job can fix by failing: it waits, and says what would let it go on.
            update.set(.running, .false, reason: "ExperimentDeleted", message: error.description)
            if try await update.write(with: client) {
                await events.record(job, type: .warning, reason: "ExperimentDeleted", message: error.description)
            }
            throw TransientError(error.description)
        } catch {
            try await trackingFailed(job, update: update, doing: "creating the MLflow run", error)
        }
        let written = try await update.commit(with: client)
        await events.record(
            job, type: .normal, reason: "RunCreated", message: "attempt \(attempt): MLflow run \(update.status.runId ?? "")")
        guard let runId = written.status.runId, written.status.attempts == 1, written.status.startTime != nil, job.spec.suspend != true,
            pods(of: job).isEmpty
        else { return .done(.awaitChange) }
        // Attempt 1 and its run are in status: its pod now, rather than after another trip through the queue.
        try await createPod(written.object, attempt: 1, runId: runId, update: written)
        return .done(deadlineRequeue(job, update: written))
    }

    /// Suspended: no pod runs; resuming starts the current attempt again.
    private func suspend(_ job: TrainingJob, _ update: inout TrainingJobUpdate) async throws -> Phase {
        guard job.spec.suspend == true else {
            update.clear(.suspended, reason: "Resumed", message: "spec.suspend is false")
            return .next
        }
        try await stopPods(of: job)
        update.status.phase = .suspended
        update.set(.suspended, .true, reason: "Suspended", message: "spec.suspend is true")
        update.set(.running, .false, reason: "Suspended", message: "no pod runs while suspended")
        try await update.write(with: client)
        return .done(.awaitChange)
    }

    /// The deadline, counted from the first attempt's start.
    private func enforceDeadline(_ job: TrainingJob, _ update: inout TrainingJobUpdate) async throws -> Phase {
        guard let seconds = job.spec.activeDeadlineSeconds, let end = Self.deadline(job.spec, update.status), update.now >= end,
            let runId = update.status.runId
        else { return .next }
        try await stopPods(of: job)
        let message = "the job ran longer than activeDeadlineSeconds (\(seconds) s)"
        return .done(try await fail(job, update: update, reason: "DeadlineExceeded", message: message, runId: runId))
    }

    // MARK: - Timing

    func deadlineRequeue(_ job: TrainingJob, update: TrainingJobUpdate) -> ReconcileAction {
        .requeue(until: Self.deadline(job.spec, update.status), now: update.now)
    }

    /// When activeDeadlineSeconds runs out, counted from the first attempt's start; nil without one.
    static func deadline(_ spec: TrainingJobSpec, _ status: TrainingJobStatus?) -> Date? {
        ControllerRuntime.deadline(seconds: spec.activeDeadlineSeconds, from: status?.startTime)
    }

    /// When a finished job is deleted (ttlSecondsAfterFinished); nil without one.
    static func expiry(_ spec: TrainingJobSpec, _ status: TrainingJobStatus?) -> Date? {
        ControllerRuntime.deadline(seconds: spec.ttlSecondsAfterFinished.map(Int64.init), from: status?.completionTime)
    }

    private func afterFinish(_ job: TrainingJob, update: TrainingJobUpdate) async throws -> ReconcileAction {
        guard let expiry = Self.expiry(job.spec, update.status), expiry <= update.now else {
            return .requeue(until: Self.expiry(job.spec, update.status), now: update.now)
        }
        var options = DeleteOptions()
        options.propagationPolicy = .background
        options.preconditionUID = job.metadata.uid
        do {
            try await client.delete(TrainingJob.self, namespace: job.metadata.namespace, name: job.metadata.name ?? "", options: options)
        } catch let error as KubeError where error.code == .notFound {
        }
        return .awaitChange
    }

    // MARK: - MLflow failures

    /// An MLflow call failed: say so in status (`TrackingUnavailable`, with a reason naming
    /// MLflow's answer) and throw, so the work queue retries with back-off, or, for a request
    /// MLflow calls invalid, not until the job changes. The job does not fail for it.
    /// `latest`: when the job must be looked at again whatever the back-off (its deadline).
    func trackingFailed(
        _ job: TrainingJob, update: TrainingJobUpdate, doing what: String, _ error: any Error, latest: Date? = nil
    ) async throws -> Never {
        let failure = TrackingFailure(doing: what, error)
        var update = update
        update.set(.trackingUnavailable, .true, reason: failure.reason, message: failure.message)
        if try await update.write(with: client) {
            await events.record(job, type: .warning, reason: failure.reason, message: failure.message)
        }
        if failure.retryable {
            let wait = latest.map { Duration.milliseconds(Int64(max(0, $0.timeIntervalSince(update.now)) * 1000) + 100) }
            throw TransientError(failure.message, latest: wait, underlying: error)
        }
        throw TerminalError(failure.message, underlying: error)
    }
}
