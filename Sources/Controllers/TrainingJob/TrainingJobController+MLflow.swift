import ControllerRuntime
import Foundation
import KubeAPI
import Learn
import Tracking
import TrainyardAPI

extension TrainingJobController {
    /// The experiment and the run of one attempt: the run an earlier reconcile made (found by the
    /// job's UID and the attempt, in case its status write was lost), else a new one. Each attempt
    /// records into a run of its own, so a retry never adds to a failed attempt's metrics.
    func ensureRun(_ job: TrainingJob, attempt: Int) async throws -> (experimentId: String, runId: String) {
        let experimentId = try await tracking.experimentID(named: job.spec.experiment ?? job.metadata.namespace ?? "default")
        let identity = [Self.jobUIDTag: job.metadata.uid ?? "", Self.attemptTag: String(attempt)]
        if let existing = try await tracking.findRun(experimentID: experimentId, tags: identity) { return (experimentId, existing) }
        let name = job.metadata.name ?? ""
        let tags = identity.merging([
            "trainyard.dev/job": "\(job.metadata.namespace ?? "default")/\(name)", "mlflow.source.type": "JOB",
            "mlflow.source.name": "trainingjob/\(name)", "mlflow.user": "trainyard-controller",
        ]) { current, _ in current }
        let runId = try await tracking.createRun(experimentID: experimentId, name: attempt == 1 ? name : "\(name)-\(attempt)", tags: tags)
        return (experimentId, runId)
    }

    /// Registers the run's model (once: a version of this run is found before one is made), then
    /// moves the alias to it if it beats the champion, recording the decision in status and as
    /// tags on the version.
    func registerAndPromote(
        _ job: TrainingJob, register: RegisterSpec, runId: String, summary: TrainerReport, update: inout TrainingJobUpdate
    ) async throws {
        let name = register.modelName
        try await tracking.ensureRegisteredModel(named: name)
        let version: TrackedVersion
        if let existing = try await tracking.version(of: name, fromRun: runId) {
            version = existing
        } else {
            guard let artifactURI = try await tracking.run(id: runId).artifactURI else {
                throw MLflowError(.decoding, "MLflow: run \(runId) has no artifact URI")
            }
            let source = artifactURI.hasSuffix("/") ? artifactURI + "model" : artifactURI + "/model"
            version = try await tracking.createVersion(
                of: name, source: source, runID: runId,
                tags: ["trainyard.dev/job": "\(job.metadata.namespace ?? "default")/\(job.metadata.name ?? "")"])
        }
        update.status.model = RegisteredModelVersion(name: name, version: Int(version.version))
        update.set(
            .registered, .true, reason: "Registered", message: "\(name) version \(version.version)")

        let policy = register.promotion
        let alias = policy?.alias ?? "champion"
        let metricName = policy?.metric ?? (job.spec.task == .classification ? "auc" : "rmse")
        let metric = try? MetricName(parsing: metricName)
        let higherIsBetter = policy?.mode.map { $0 == .max } ?? metric?.higherIsBetter ?? true
        guard let candidate = summary.metrics[metricName] else {
            update.set(
                .promoted, .false, reason: "MetricMissing",
                message: "the trainer reported no \(metricName); reported: \(summary.metrics.keys.sorted().joined(separator: ", "))")
            return
        }
        let champion = try await tracking.version(of: name, alias: alias)
        if champion?.version == version.version {
            // Promoted by an earlier reconcile whose status write was lost.
            let decision = update.status.promotion
            update.set(
                .promoted, .true, reason: decision?.reason == nil ? "AlreadyChampion" : "Promoted",
                message: "\(name) version \(version.version) is @\(alias)")
            if update.status.promotion == nil {
                update.status.promotion = PromotionStatus(candidate: candidate, decision: .promoted, reason: "AlreadyChampion")
            }
            return
        }
        let championScore = try await championScore(champion, metric: metricName, summary: summary)
        let championMetric = championScore?.score
        var decision = PromotionDecider.decide(
            metric: metricName, higherIsBetter: higherIsBetter, minImprovement: policy?.minImprovement ?? 0,
            confidence: policy?.confidence, candidate: candidate, champion: championMetric, lowerBound: summary.improvementLowerBound)
        if championScore?.sameRows == false {
            decision.message += " (the champion's score is from its own run's validation rows: this trainer did not score it on these)"
        }
        if decision.promote {
            try await tracking.setAlias(alias, of: name, to: version.version)
        }
        try await tracking.tagVersion(
            version.version, of: name,
            tags: [
                "trainyard.promotion.decision": decision.promote ? "Promoted" : "Rejected", "trainyard.promotion.reason": decision.reason,
                "trainyard.promotion.message": decision.message,
            ])
        update.status.promotion = PromotionStatus(
            candidate: candidate, champion: championMetric, delta: decision.delta, decision: decision.promote ? .promoted : .rejected,
            reason: decision.reason)
        update.set(
            .promoted, decision.promote ? .true : .false, reason: decision.reason,
            message: decision.message + (decision.promote ? "; \(name) version \(version.version) is now @\(alias)" : ""))
    }

    /// The champion's metric: on the candidate's validation rows when the trainer scored it there
    /// (`sameRows`), else as recorded with the champion's own run. Nil when there is no champion.
    private func championScore(_ champion: TrackedVersion?, metric: String, summary: TrainerReport) async throws -> (
        score: Double, sameRows: Bool
    )? {
        guard let champion else { return nil }
        if let score = summary.championMetrics[metric] { return (score, true) }
        guard let runId = champion.runID, let score = try await tracking.run(id: runId).metrics["validation_\(metric)"] else { return nil }
        return (score, false)
    }
}

/// A failed attempt whose trainer ended before it recorded its results (MLflow was away, or the
/// pod was stopped while the trainer waited for it): the final metrics of its termination message,
/// to go into the attempt's run before the run ends. The model went with the pod.
struct UnrecordedResults {
    static let sourceTag = "trainyard.dev/results-source"

    let pod: String
    let summary: TrainerReport
    /// When the container ended: the metrics' timestamp, the same every time, so MLflow keeps one row each.
    let endedAt: Date

    /// Nil when the attempt's trainer recorded its results itself, or reported none.
    init?(podPrefix: String, attempt: Int, pods: [JSONValue]) {
        guard let pod = TrainingAttempts.pod(attempt: attempt, podPrefix: podPrefix, in: pods),
            let name = pod[path: ["metadata", "name"]]?.stringValue, let terminated = TrainingAttempts.trainerTermination(pod)
        else {
            return nil
        }
        let summary = TrainerReport(terminationMessage: terminated["message"]?.stringValue ?? "")
        guard summary.recorded == false, !summary.metrics.isEmpty else { return nil }
        self.pod = name
        self.summary = summary
        endedAt = terminated["finishedAt"]?.stringValue.flatMap(Timestamp.parse) ?? Date()
    }

    /// The metrics the run does not have yet, so writing them again records nothing twice.
    func metrics(missingFrom run: TrackedRun) -> [Metric] {
        let timestamp = Int64((endedAt.timeIntervalSince1970 * 1000).rounded())
        let have = run.metrics
        return summary.metrics.sorted { $0.key < $1.key }.compactMap { key, value in
            let name = "validation_\(key)"
            return have[name] == nil && value.isFinite ? Metric(key: name, value: value, timestamp: timestamp) : nil
        }
    }

    var tags: [RunTag] {
        var tags = [
            RunTag(
                key: Self.sourceTag,
                value: "termination message of pod \(pod): the trainer could not reach MLflow to record them; the model was not kept")
        ]
        if let rows = summary.trainRows { tags.append(RunTag(key: "trainyard.rows.train", value: "\(rows)")) }
        if let rows = summary.validationRows { tags.append(RunTag(key: "trainyard.rows.validation", value: "\(rows)")) }
        return tags
    }
}
