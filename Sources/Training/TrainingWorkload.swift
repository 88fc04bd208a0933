import DataIO
import Foundation
import Learn
import Tracking
import TrainyardAPI

/// The trainer workload behind `trainyard train`: reads the data, trains, writes the model
/// directory and report, scores the champion on the same rows, records the run in MLflow (and
/// registers the model), and keeps a `TrainerReport` in the container's termination message at
/// every step, so the controller has the results even when MLflow does not.
public struct TrainingWorkload: Sendable {
    /// What to train and where to record it, as `trainyard train`'s flags say.
    public struct Request: Sendable {
        public var data: String
        public var validationData: String?
        /// The target, task, model, parameters, seed, threads and split.
        public var options: TrainingOptions
        public var categorical: [String]
        public var delimiter: UInt8
        public var output: String
        public var progress: ProgressStyle
        /// MLflow, or nil to train without recording.
        public var tracking: MLflowConfiguration?
        public var experiment: String
        public var runId: String?
        public var runName: String?
        public var register: String?
        /// A model URI to score on the same validation rows (e.g. `models:/NAME@champion`).
        public var champion: String?
        public var promotionMetric: String?
        public var confidence: Double?

        public init(data: String, options: TrainingOptions, output: String) {
            self.data = data
            self.options = options
            self.output = output
            categorical = []
            delimiter = UInt8(ascii: ",")
            progress = .auto
            experiment = "Default"
        }
    }

    public let request: Request

    public init(_ request: Request) {
        self.request = request
    }

    /// Trains and records; the termination message says how it ended, whatever happens.
    public func run() async throws {
        do {
            try await trainAndRecord()
        } catch let failure as WorkloadFailure where failure.wroteTerminationMessage {
            throw failure
        } catch let failure as WorkloadFailure {
            TerminationMessage.write(TrainerReport(reason: failure.reason, error: failure.description))
            throw failure
        }
    }

    private func trainAndRecord() async throws {
        let request = self.request
        if request.tracking == nil, let register = request.register {
            throw WorkloadFailure("--register \(register) needs an MLflow server: give --tracking-uri or set MLFLOW_TRACKING_URI")
        }
        let trained: Trained
        do {
            trained = try train()
        } catch let error as ModelError {
            throw WorkloadFailure(error.message, reason: .invalidData)
        } catch let error as DataError {
            throw WorkloadFailure(error.description, reason: error.isSourceUnreadable ? .dataSourceError : .invalidData)
        }
        let outcome = trained.outcome
        var summary = TrainerReport(
            model: outcome.model.model.type.rawValue, task: outcome.model.task.rawValue, target: outcome.model.target.name,
            rows: .init(train: outcome.trainRows, validation: outcome.validationRows),
            validation: outcome.validationMetrics.metrics.filter { $0.value.isFinite })
        if let champion = request.champion {
            summary.champion = await championSummary(champion, trained)
        }
        guard let configuration = request.tracking else {
            TerminationMessage.write(summary)
            return
        }
        // Until the run is recorded, the termination message holds the results: if MLflow stays
        // away longer than --tracking-retry-seconds, or the pod is stopped while this waits, the
        // controller still has them (and records them in the run once MLflow is back).
        var pending = summary
        pending.recorded = false
        pending.reason = .trackingUnavailable
        pending.error = "stopped before the results were recorded in MLflow at \(configuration.trackingURI)"
        TerminationMessage.write(pending)
        let client = MLflowClient(configuration)
        let recorder = TrainingRecorder(
            client: client, experiment: request.experiment, runId: request.runId, runName: request.runName, register: request.register)
        let result: Result<TrainingRecorder.Recorded, any Error>
        do {
            let source = TrainingRecorder.Source(
                data: request.data, dataSHA256: try FileDigest.sha256(path: request.data), validationData: request.validationData,
                validationSHA256: try request.validationData.map { try FileDigest.sha256(path: $0) }, seed: request.options.seed)
            result = .success(try await recorder.record(outcome, files: trained.files, outputDirectory: request.output, source: source))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        switch result {
        case .success(let recorded):
            summary.recorded = true
            summary.runId = recorded.runId
            summary.modelVersion = recorded.modelVersion?.version
            TerminationMessage.write(summary)
            var message = "recorded MLflow run \(recorded.runId) in \(configuration.trackingURI) (experiment \(recorded.experimentId))"
            if let version = recorded.modelVersion { message += "; registered \(version.name) version \(version.version)" }
            FileHandle.standardError.write(Data((message + "\n").utf8))
        case .failure(let error as MLflowError):
            let failure = WorkloadFailure(
                "MLflow: \(error.message) (the model and metrics are in \(request.output))", reason: .trackingUnavailable)
            pending.error = failure.description
            TerminationMessage.write(pending)
            throw WorkloadFailure(failure.description, reason: failure.reason, wroteTerminationMessage: true)
        case .failure(let error):
            throw error
        }
    }

    /// A trained model with the files written and the frames it was trained on.
    private struct Trained {
        var outcome: TrainingOutcome
        var files: WrittenFiles
        var train: DataFrame
        var validation: DataFrame?
    }

    private func train() throws -> Trained {
        let request = self.request
        let clock = ContinuousClock()
        let start = clock.now
        // Check parameter names and values before reading a large file.
        do {
            _ = try ModelParameters.configuration(request.options.modelType, request.options.parameters)
        } catch let error as ModelError {
            throw WorkloadFailure("--param: \(error.message)", reason: .invalidArguments)
        }

        var csv = CSVOptions(delimiter: request.delimiter)
        for name in request.categorical { csv.columnKinds[name] = .categorical }
        let reporter = ProgressReporter(style: request.progress)
        reporter.stage("reading \(request.data)")
        let trainFrame = try CSVReader.read(path: request.data, options: csv)
        for name in request.categorical { _ = try trainFrame.column(named: name, role: "--categorical column") }
        var validationFrame: DataFrame?
        if let validationData = request.validationData {
            var validationOptions = csv
            validationOptions.columnKinds = Trainer.columnKinds(of: trainFrame)
            validationFrame = try CSVReader.read(path: validationData, options: validationOptions)
        }
        let readSeconds = seconds(clock.now - start)

        let outcome = try Trainer.train(trainFrame, validation: validationFrame, options: request.options) { reporter.handle($0) }
        reporter.finish()

        let files = try TrainingOutputs.write(
            outcome, to: request.output, data: request.data, validationData: request.validationData, seed: request.options.seed,
            readSeconds: readSeconds, totalSeconds: seconds(clock.now - start))
        print(SummaryTable.render(outcome, files: files, directory: request.output))
        // Out now, not at exit: into a pod's log, `kubectl logs` shows the results while MLflow is still being written.
        fflush(nil)
        return Trained(outcome: outcome, files: files, train: trainFrame, validation: validationFrame)
    }

    /// The champion's metrics on this run's validation rows (and the bootstrap bound), for the
    /// termination message; an `error` when it cannot be compared, nothing when there is none.
    private func championSummary(_ uri: String, _ trained: Trained) async -> TrainerReport.Champion? {
        let outcome = trained.outcome
        let fetched: FetchedModel
        do {
            guard let found = try await FetchedModel.fetchIfPresent(uri, tracking: request.tracking) else {
                FileHandle.standardError.write(Data("no champion at \(uri) yet\n".utf8))
                return nil
            }
            fetched = found
        } catch {
            return TrainerReport.Champion(uri: uri, error: "\(error)")
        }
        do {
            let metric = try MetricName(parsing: request.promotionMetric ?? (outcome.model.task == .classification ? "auc" : "rmse"))
            var predictions: Predictions
            if let rows = outcome.validationRowIndices {
                let all = try fetched.model.predict(trained.train, threads: request.options.threads)
                predictions = ChampionComparison.subset(all, rows)
            } else {
                predictions = try fetched.model.predict(trained.validation ?? trained.train, threads: request.options.threads)
            }
            let comparison = try ChampionComparison.compare(
                candidate: outcome.validationPredictions, champion: predictions, targets: outcome.validationTargets, metric: metric,
                confidence: request.confidence, seed: request.options.seed)
            let line =
                "champion \(fetched.description): \(metric.rawValue) \(comparison.championMetrics.metrics[metric.rawValue] ?? .nan) on the same rows"
            FileHandle.standardError.write(Data((line + "\n").utf8))
            return TrainerReport.Champion(
                uri: fetched.description, validation: comparison.championMetrics.metrics.filter { $0.value.isFinite },
                improvementLowerBound: comparison.improvementLowerBound)
        } catch {
            return TrainerReport.Champion(uri: fetched.description, error: "\(error)")
        }
    }
}

/// `--progress`: how training reports its rounds.
public enum ProgressStyle: String, Sendable, CaseIterable {
    case auto
    case bar
    case plain
    case none
}
