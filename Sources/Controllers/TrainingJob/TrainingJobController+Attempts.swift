import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Tracking
import TrainyardAPI

extension TrainingJobController {
    /// The last phase: where the current attempt stands (`TrainingAttempts.step`), and what follows.
    func runAttempt(_ job: TrainingJob, update: TrainingJobUpdate) async throws -> ReconcileAction {
        var update = update
        guard let runId = update.status.runId else { return .awaitChange }
        let backoffLimit = job.spec.backoffLimit ?? 2
        let step = TrainingAttempts.step(
            job: TrainingPodTemplate.podPrefix(job), attempts: update.status.attempts ?? 0, backoffLimit: backoffLimit,
            pods: pods(of: job), now: update.now, initialBackoff: settings.initialBackoff)
        switch step {
        case .start(let attempt):
            if update.status.attempts != attempt || update.status.startTime == nil {
                // The attempt number first: a restart then recreates this pod, never a second one.
                update.status.attempts = attempt
                update.status.startTime = update.status.startTime ?? Timestamp.time(update.now)
                update.status.phase = .pending
                update.set(.running, .false, reason: "PodCreating", message: "starting attempt \(attempt)")
                try await update.write(with: client)
                return .awaitChange
            }
            try await createPod(job, attempt: attempt, runId: runId, update: update)
            return deadlineRequeue(job, update: update)
        case .running(let attempt, let pod, let started):
            update.status.phase = started ? .running : .pending
            update.set(
                .running, started ? .true : .false, reason: started ? "PodRunning" : "PodPending",
                message: "attempt \(attempt) of \(backoffLimit + 1): pod \(pod)")
            if started {
                // The trainer records into this run: if MLflow does not answer, say so while it waits.
                do {
                    _ = try await tracking.run(id: runId)
                    update.clearTrackingUnavailable()
                } catch {
                    // A pod that trains sends no events: the deadline must not wait for the back-off.
                    try await trackingFailed(
                        job, update: update, doing: "checking the MLflow run", error, latest: Self.deadline(job.spec, update.status))
                }
            }
            if try await update.write(with: client), started {
                await events.record(job, type: .normal, reason: "Running", message: "attempt \(attempt): pod \(pod) is running")
            }
            return .sooner(deadlineRequeue(job, update: update), .requeue(after: settings.runningCheckInterval))
        case .succeeded(let attempt, let pod, let summary):
            return try await succeed(job, update: update, attempt: attempt, pod: pod, summary: summary, runId: runId)
        case .retry(let attempt, let reason, let message, let after):
            update.set(.running, .false, reason: "BackOff", message: "\(message); attempt \(attempt + 1) starts after a back-off")
            update.status.phase = .pending
            if after > .zero {
                if try await update.write(with: client) {
                    await events.record(job, type: .warning, reason: reason, message: message)
                }
                return .requeue(after: after)
            }
            // The failed attempt's run ends FAILED; the next attempt gets a run of its own.
            do {
                try await finishRun(runId, status: .failed, recordingFirst: unrecordedResults(job, attempt: attempt))
            } catch {
                try await trackingFailed(job, update: update, doing: "marking the failed attempt's run FAILED", error)
            }
            update.status.attempts = attempt + 1
            update.status.runId = nil
            update.status.runURL = nil
            try await update.write(with: client)
            return .awaitChange
        case .failed(let attempt, let reason, let message):
            return try await fail(job, update: update, reason: reason, message: message, runId: runId, attempt: attempt)
        }
    }

    /// Creates the attempt's pod, unless it exists already. A pod of that name that is not this
    /// job's is never adopted: the `Running` condition says what is in the way, and the job
    /// looks again after a back-off.
    func createPod(_ job: TrainingJob, attempt: Int, runId: String, update: TrainingJobUpdate) async throws {
        // The trainer waits for MLflow as long as the job may still run, up to the configured patience.
        var patience = settings.trainerTrackingRetrySeconds
        if let end = Self.deadline(job.spec, job.status) { patience = max(0, min(patience, Int(end.timeIntervalSince(update.now)))) }
        let pod = try TrainingPodTemplate.pod(
            .init(
                job: job, attempt: attempt, runId: runId, trackingURI: settings.mlflow.trackingURI, defaultImage: settings.image,
                trackingTimeoutSeconds: patience, trackingCredentialsSecret: settings.trackingCredentialsSecret))
        let name = pod[path: ["metadata", "name"]]?.stringValue ?? ""
        do {
            _ = try await client.create(.pods, namespace: job.metadata.namespace, object: pod)
            await events.record(job, type: .normal, reason: "PodCreated", message: "attempt \(attempt): created pod \(name)")
        } catch let error as KubeError where error.code == .alreadyExists {
            let existing = try await client.get(DynamicObject.self, type: .pods, namespace: job.metadata.namespace, name: name)
            // Made by an earlier reconcile whose cache had not shown it yet.
            if existing.isControlled(by: job) { return }
            let owner = existing.controllerReference.map { "it belongs to \($0.kind) \($0.name) (uid \($0.uid))" } ?? "it has no owner"
            let message = "pod \(name) already exists and is not this job's (\(owner)); delete it and attempt \(attempt) starts"
            var update = update
            update.set(.running, .false, reason: "PodNameTaken", message: message)
            if try await update.write(with: client) {
                await events.record(job, type: .warning, reason: "PodNameTaken", message: message)
            }
            // Not this job's pod, so its deletion wakes nobody: look again after a back-off.
            throw TransientError(message)
        }
    }

    /// Deletes the job's pods that have not finished (SIGTERM, then their grace period).
    func stopPods(of job: TrainingJob) async throws {
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
        _ job: TrainingJob, update: TrainingJobUpdate, attempt: Int, pod: String, summary: TrainerReport, runId: String
    ) async throws -> ReconcileAction {
        var update = update
        update.status.metrics = summary.metrics
        if let register = job.spec.register {
            do {
                try await registerAndPromote(job, register: register, runId: runId, summary: summary, update: &update)
                update.clearTrackingUnavailable()
            } catch {
                try await trackingFailed(job, update: update, doing: "registering the model", error)
            }
        }
        let task = job.spec.task == .classification ? "auc" : "rmse"
        let headline = summary.metrics[task].map { "\(task) \(String(format: "%.4f", $0))" } ?? "trained"
        let rows = summary.validationRows.map { " on \($0) validation rows" } ?? ""
        update.finish(.succeeded, reason: "Trained", message: "attempt \(attempt) (pod \(pod)): \(headline)\(rows)")
        if try await update.write(with: client) {
            await events.record(job, type: .normal, reason: "Succeeded", message: "\(headline)\(rows); MLflow run \(runId)")
        }
        return .requeue(until: Self.expiry(job.spec, update.status), now: update.now)
    }

    func fail(
        _ job: TrainingJob, update: TrainingJobUpdate, reason: String, message: String, runId: String, attempt: Int? = nil
    ) async throws -> ReconcileAction {
        var update = update
        do {
            try await finishRun(runId, status: .failed, recordingFirst: attempt.flatMap { unrecordedResults(job, attempt: $0) })
            update.clearTrackingUnavailable()
        } catch {
            try await trackingFailed(job, update: update, doing: "marking the MLflow run FAILED", error)
        }
        update.finish(.failed, reason: reason, message: message)
        if try await update.write(with: client) {
            await events.record(job, type: .warning, reason: reason, message: message)
        }
        return .requeue(until: Self.expiry(job.spec, update.status), now: update.now)
    }

    /// Ends a run that has not ended (the trainer ends the runs it finishes), first writing into it
    /// the results its trainer reported but could not record.
    func finishRun(_ runId: String, status: RunStatus, recordingFirst results: UnrecordedResults? = nil) async throws {
        let run: TrackedRun
        do {
            run = try await tracking.run(id: runId)
        } catch let error as MLflowError where error.code == .notFound && error.mlflowCode != nil {
            return  // deleted from MLflow (MLflow itself says so): nothing left to end
        }
        guard !run.isFinished else { return }
        if let results { try await tracking.record(runID: runId, metrics: results.metrics(missingFrom: run), tags: results.tags) }
        try await tracking.end(runID: runId, status: status)
    }

    private func unrecordedResults(_ job: TrainingJob, attempt: Int) -> UnrecordedResults? {
        UnrecordedResults(podPrefix: TrainingPodTemplate.podPrefix(job), attempt: attempt, pods: pods(of: job))
    }

    // MARK: - Cleanup

    /// The job is being deleted: stop its pod, and mark a run that never finished KILLED (MLflow
    /// keeps it). While MLflow does not answer, deletion waits up to `cleanupTrackingTimeout`,
    /// counted from the deletion; then it finishes with a Warning event naming the run left as it was.
    func cleanup(_ job: TrainingJob) async throws -> ReconcileAction {
        try await stopPods(of: job)
        guard let runId = job.status?.runId, job.status?.phase != .succeeded, job.status?.phase != .failed else {
            return .awaitChange
        }
        do {
            try await finishRun(runId, status: .killed)
        } catch let error as MLflowError where error.code == .notFound {
            // Deleted in MLflow already: nothing to mark.
        } catch {
            let failure = TrackingFailure(doing: "marking MLflow run \(runId) KILLED", error)
            let now = settings.now()
            let deleted = job.metadata.deletionTimestamp.flatMap(Timestamp.parse) ?? now
            let giveUp = deleted.addingTimeInterval(settings.cleanupTrackingTimeout.seconds)
            if giveUp > now {
                throw TransientError(failure.message, latest: .milliseconds(Int64(giveUp.timeIntervalSince(now) * 1000) + 100))
            }
            let message =
                "MLflow run \(runId) is left unmarked (not KILLED): the job was deleted and MLflow gave no answer for \(Int(settings.cleanupTrackingTimeout.seconds)) s (\(failure.message))"
            await events.record(job, type: .warning, reason: "RunNotMarked", message: message)
            logger.warning("finishing a deletion without MLflow", metadata: ["job": "\(job.objectKey)", "run": "\(runId)"])
        }
        return .awaitChange
    }
}
