import Foundation
import Learn
import Tracking

/// Records a finished training in MLflow as a Python user's run would look: parameters, the
/// per-round curves as metrics with steps (`train-logloss`, `validation-logloss`, as XGBoost's
/// autologging names them), the final train and validation metrics (`validation_auc`, ...), tags,
/// and the output directory as the run's `model` artifacts. The run is created unless one is given,
/// and ends FINISHED (FAILED if recording fails after the run exists).
struct TrainingRecorder {
    let client: MLflowClient
    let experiment: String
    let runId: String?
    let runName: String?

    /// Returns the run id.
    func record(_ outcome: TrainingOutcome, outputDirectory: String, data: String, seed: UInt64) async throws -> String {
        defer { Task { [client] in try? await client.shutdown() } }
        let model = outcome.model
        let run: RunInfo
        if let runId {
            run = try await client.run(id: runId).info
        } else {
            let experimentId = try await client.ensureExperiment(named: experiment)
            run = try await client.createRun(experimentId: experimentId, name: runName)
        }
        do {
            var params = model.parameters.map { Param(key: $0.key, value: $0.value) }
            params += [
                Param(key: "model", value: model.model.type.rawValue), Param(key: "task", value: model.task.rawValue),
                Param(key: "target", value: model.target.name), Param(key: "seed", value: "\(seed)"),
            ]
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            var metrics: [Metric] = []
            if let history = outcome.history {
                let name = history.metric.rawValue
                for (i, value) in history.train.enumerated() where value.isFinite {
                    metrics.append(Metric(key: "train-\(name)", value: value, timestamp: now, step: Int64(i + 1)))
                }
                for (i, value) in history.validation.enumerated() where value.isFinite {
                    metrics.append(Metric(key: "validation-\(name)", value: value, timestamp: now, step: Int64(i + 1)))
                }
            }
            for (side, report) in [("train", outcome.trainMetrics), ("validation", outcome.validationMetrics)] {
                for (name, value) in report.metrics.sorted(by: { $0.key < $1.key }) where value.isFinite {
                    metrics.append(Metric(key: "\(side)_\(name)", value: value, timestamp: now))
                }
            }
            metrics.append(Metric(key: "fit_seconds", value: outcome.fitSeconds, timestamp: now))
            let tags = [
                RunTag(key: "trainyard.data", value: data), RunTag(key: "trainyard.rows.train", value: "\(outcome.trainRows)"),
                RunTag(key: "trainyard.rows.validation", value: "\(outcome.validationRows)"),
                RunTag(key: "mlflow.source.name", value: "trainyard train"),
            ]
            try await client.logBatch(runId: run.runId, metrics: metrics, params: params.sorted { $0.key < $1.key }, tags: tags)
            if let uri = run.artifactUri {
                try await client.uploadArtifacts(directory: outputDirectory, to: try MLflowClient.proxyPath(artifactURI: uri, "model"))
            }
            try await client.updateRun(id: run.runId, status: .finished)
        } catch {
            _ = try? await client.updateRun(id: run.runId, status: .failed)
            throw error
        }
        return run.runId
    }
}
