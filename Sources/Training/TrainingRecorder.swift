import DataIO
import Foundation
import Learn
import Tracking

/// Records a finished training in MLflow as a Python user's run would look: parameters, the
/// per-round curves as metrics with steps (`train-logloss`, `validation-logloss`, as XGBoost's
/// autologging names them), the final train and validation metrics (`validation_auc`, ...), tags,
/// the MLflow model directory as the run's `model` artifact, and metrics.json, curves.csv and the
/// plots beside it. The run is created unless one is given, and ends FINISHED (FAILED if recording
/// fails after the run exists). With `register`, the logged model then becomes a new version.
struct TrainingRecorder {
    /// What the run is about, for its tags.
    struct Source {
        var data: String
        var dataSHA256: String
        var validationData: String?
        var validationSHA256: String?
        var seed: UInt64
    }

    /// What was recorded.
    struct Recorded {
        var runId: String
        var experimentId: String
        var modelVersion: ModelVersion?
    }

    static let modelArtifactPath = "model"

    let client: MLflowClient
    let experiment: String
    let runId: String?
    let runName: String?
    let register: String?

    func record(_ outcome: TrainingOutcome, files: WrittenFiles, outputDirectory: String, source: Source) async throws -> Recorded {
        let model = outcome.model
        let run: RunInfo
        if let runId {
            run = try await client.run(id: runId).info
        } else {
            let experimentId = try await client.ensureExperiment(named: experiment)
            run = try await client.createRun(experimentId: experimentId, name: runName)
        }
        let artifactURI: String
        do {
            guard let uri = run.artifactUri else {
                throw MLflowError(.decoding, "MLflow at \(client.configuration.trackingURI): run \(run.runId) has no artifact URI")
            }
            artifactURI = uri
            try await client.logBatch(
                runId: run.runId, metrics: metrics(outcome), params: params(model, seed: source.seed), tags: tags(outcome, source))
            try await client.logInputs(runId: run.runId, datasets: datasets(outcome, source))

            // The MLmodel names the run it is logged in, as MLflow's log_model writes it.
            let size = files.model.reduce(0) { total, name in
                let path = (outputDirectory as NSString).appendingPathComponent(name)
                return total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
            }
            let mlmodel = MLflowModelFiles(
                model: model, hasXGBoostExport: files.model.contains(MLflowModelFiles.xgboostFileName), runId: run.runId,
                artifactPath: Self.modelArtifactPath, sizeBytes: size)
            try Data(mlmodel.mlmodel.utf8).write(
                to: URL(fileURLWithPath: outputDirectory).appendingPathComponent("MLmodel"), options: .atomic)

            // The model directory last, MLmodel after every file it names: a reader that sees MLmodel sees a whole model.
            for name in files.report {
                try await client.uploadArtifact(
                    file: (outputDirectory as NSString).appendingPathComponent(name), to: try MLflowClient.proxyPath(artifactURI: uri, name)
                )
            }
            for name in files.model.filter({ $0 != "MLmodel" }) + ["MLmodel"] {
                try await client.uploadArtifact(
                    file: (outputDirectory as NSString).appendingPathComponent(name),
                    to: try MLflowClient.proxyPath(artifactURI: uri, Self.modelArtifactPath + "/" + name))
            }
            do {
                try await client.logModel(runId: run.runId, modelJSON: mlmodel.logModelJSON)
            } catch {
                // Only the runs table's model column depends on it; the model itself is logged.
                FileHandle.standardError.write(Data("warning: MLflow log-model: \(error)\n".utf8))
            }
            _ = try await client.updateRun(id: run.runId, status: .finished)
        } catch {
            _ = try? await client.updateRun(id: run.runId, status: .failed)
            throw error
        }
        var recorded = Recorded(runId: run.runId, experimentId: run.experimentId, modelVersion: nil)
        if let register {
            let source = artifactURI.hasSuffix("/") ? artifactURI + Self.modelArtifactPath : artifactURI + "/" + Self.modelArtifactPath
            recorded.modelVersion = try await registerModel(name: register, source: source, runId: run.runId, outcome: outcome)
        }
        return recorded
    }

    /// Registers the logged model as the next version of `name`. If the command cannot report a
    /// READY version (it failed to become READY, or the answer to the create call was lost), the
    /// version this call made is deleted again, found by a one-off registration tag: the command
    /// fails and nothing stays registered, so running it again cannot make a second version.
    private func registerModel(name: String, source: String, runId: String, outcome: TrainingOutcome) async throws -> ModelVersion {
        try await client.ensureRegisteredModel(named: name)
        let registration = UUID().uuidString.lowercased()
        var tags = [
            "trainyard.model": outcome.model.model.type.rawValue, "trainyard.version": TrainyardVersion.current,
            "trainyard.registration": registration,
        ]
        for (metric, value) in outcome.validationMetrics.metrics where value.isFinite {
            tags["trainyard.validation.\(metric)"] = "\(value)"
        }
        do {
            return try await client.createModelVersion(name: name, source: source, runId: runId, tags: tags)
        } catch {
            if let versions = try? await client.modelVersions(name: name) {
                for version in versions where version.runId == runId {
                    guard version.tags?.contains(where: { $0.key == "trainyard.registration" && $0.value == registration }) == true else {
                        continue
                    }
                    try? await client.deleteModelVersion(name: name, version: version.version)
                }
            }
            throw error
        }
    }

    private func params(_ model: TrainyardModel, seed: UInt64) -> [Param] {
        var params = model.parameters.map { Param(key: $0.key, value: $0.value) }
        params += [
            Param(key: "model", value: model.model.type.rawValue), Param(key: "task", value: model.task.rawValue),
            Param(key: "target", value: model.target.name), Param(key: "seed", value: "\(seed)"),
        ]
        return params.sorted { $0.key < $1.key }
    }

    private func metrics(_ outcome: TrainingOutcome) -> [Metric] {
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
        return metrics
    }

    /// The training data (and validation data, when separate) as MLflow datasets: the UI shows
    /// them with their digest, source and schema.
    private func datasets(_ outcome: TrainingOutcome, _ source: Source) -> [DatasetInput] {
        let model = outcome.model
        func kind(_ kind: ColumnKind) -> String {
            switch kind {
            case .numeric: "double"
            case .boolean: "boolean"
            case .categorical: "string"
            }
        }
        var columns = model.features.map { ["type": kind($0.kind), "name": $0.name] }
        columns.append(["type": model.task == .classification ? "string" : "double", "name": model.target.name])
        let schema = json(["mlflow_colspec": columns])
        func dataset(_ path: String, digest: String, rows: Int, context: String) -> DatasetInput {
            let isURL = path.contains("://")
            let uri = isURL ? path : URL(fileURLWithPath: path).standardizedFileURL.path
            let scheme = isURL ? String(path[..<path.range(of: "://")!.lowerBound]) : "local"
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            return DatasetInput(
                name: name.isEmpty ? path : name, digest: String(digest.prefix(8)), sourceType: scheme, source: json(["uri": uri]),
                schema: schema, profile: json(["num_rows": rows]), context: context)
        }
        if let validation = source.validationData, let digest = source.validationSHA256 {
            return [
                dataset(source.data, digest: source.dataSHA256, rows: outcome.trainRows, context: "training"),
                dataset(validation, digest: digest, rows: outcome.validationRows, context: "validation"),
            ]
        }
        return [dataset(source.data, digest: source.dataSHA256, rows: outcome.trainRows + outcome.validationRows, context: "training")]
    }

    private func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private func tags(_ outcome: TrainingOutcome, _ source: Source) -> [RunTag] {
        var tags = [
            RunTag(key: "trainyard.version", value: TrainyardVersion.current),
            RunTag(key: "trainyard.data", value: source.data),
            RunTag(key: "trainyard.data.sha256", value: source.dataSHA256),
            RunTag(key: "trainyard.rows.train", value: "\(outcome.trainRows)"),
            RunTag(key: "trainyard.rows.validation", value: "\(outcome.validationRows)"),
            RunTag(key: "mlflow.source.name", value: "trainyard train"),
            RunTag(key: "mlflow.source.type", value: "JOB"),
        ]
        if let validation = source.validationData { tags.append(RunTag(key: "trainyard.validation_data", value: validation)) }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { tags.append(RunTag(key: "mlflow.user", value: user)) }
        return tags
    }
}
