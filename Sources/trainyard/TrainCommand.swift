import ArgumentParser
import DataIO
import Foundation
import Learn
import Tracking

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a CSV file and write it with its metrics.",
        discussion: """
            Writes to --output: model.json (Trainyard's model: schema, encoding, model), metrics.json
            (train and validation metrics, confusion matrix, feature importance, timings), plots/ (SVG),
            and for gbdt model.xgb.json (loads in xgboost.Booster) and curves.csv (the metric after
            every round). The directory is an MLflow model (MLmodel, a pure-numpy python_function
            loader in code/): mlflow.pyfunc.load_model loads it.

            With --tracking-uri (or $MLFLOW_TRACKING_URI) the run is recorded in MLflow, and with
            --register NAME the model becomes a new version of NAME.

            Parameters (--param name=value, repeatable):
            \(parameterHelp)
            """
    )

    static var parameterHelp: String {
        ModelType.allCases.map { type in
            "  \(type.rawValue): " + ModelParameters.parameters(for: type).map(\.name).joined(separator: ", ")
        }.joined(separator: "\n")
    }

    @Option(help: "Training data (CSV with a header).")
    var data: String

    @Option(help: "The column to predict.")
    var target: String

    @Option(help: "classification or regression (default: classification for a text, boolean or logistic target, else regression).")
    var task: LearningTask?

    @Option(help: "gbdt, logistic or linear.")
    var model: ModelType = .gbdt

    @Option(name: .customLong("param"), help: "A model parameter as name=value (repeatable); see below.")
    var params: [String] = []

    @Option(help: "Seed for the validation split and sampling.")
    var seed: UInt64 = 0

    @Option(help: "Threads (0: every core). The model does not depend on it.")
    var threads: Int = 0

    @Option(help: "Validation data (CSV); without it, --validation-fraction of --data is held out.")
    var validationData: String?

    @Option(help: "Share of --data held out for validation when --validation-data is not given.")
    var validationFraction: Double = 0.2

    @Option(help: "Feature columns, comma-separated (default: every column but the target).")
    var features: String?

    @Option(help: "Columns to leave out, comma-separated (e.g. identifiers).")
    var dropColumns: String?

    @Option(help: "Columns to treat as categorical even if they hold numbers, comma-separated.")
    var categorical: String?

    @Option(help: "Field delimiter of the CSV files.")
    var delimiter: String = ","

    @Option(help: "Directory for the model and metrics (created if missing).")
    var output: String

    @Option(help: "auto (a bar on a terminal, lines otherwise), bar, plain or none.")
    var progress: ProgressStyle = .auto

    @OptionGroup(title: "MLflow")
    var tracking: TrackingOptions

    @Option(
        help: ArgumentHelp(
            "Score this model (e.g. models:/NAME@champion) on the same validation rows and report both; none there is no error.",
            valueName: "model-uri"))
    var champion: String?

    @Option(help: "The metric the champion comparison reports on (default: auc for classification, rmse for regression).")
    var promotionMetric: String?

    @Option(help: "With --champion: also a paired bootstrap lower bound of the improvement at this confidence, such as 0.95.")
    var confidence: Double?

    func validate() throws {
        guard delimiter.utf8.count == 1 else { throw ValidationError("--delimiter must be one character, got \"\(delimiter)\"") }
        guard validationFraction > 0, validationFraction < 1 else {
            throw ValidationError("--validation-fraction must be in (0, 1), got \(validationFraction)")
        }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (every core) or more, got \(threads)") }
        _ = try parsedParameters()
        if let confidence, !(0.5...0.999).contains(confidence) {
            throw ValidationError("--confidence must be in [0.5, 0.999], got \(confidence)")
        }
        if let promotionMetric {
            do {
                _ = try MetricName(parsing: promotionMetric)
            } catch {
                throw ValidationError("--promotion-metric: \(error)")
            }
        }
    }

    func parsedParameters() throws -> [String: String] {
        var result: [String: String] = [:]
        for param in params {
            guard let equals = param.firstIndex(of: "="), equals != param.startIndex else {
                throw ValidationError("--param \(param): expected name=value, e.g. --param maxDepth=4")
            }
            let name = String(param[..<equals]).trimmingCharacters(in: .whitespaces)
            guard result[name] == nil else { throw ValidationError("--param \(name) is given twice") }
            result[name] = String(param[param.index(after: equals)...])
        }
        return result
    }

    func run() async throws {
        do {
            try await trainAndRecord()
        } catch let failure as CLIFailure where failure.wroteTerminationMessage {
            throw failure
        } catch let failure as CLIFailure {
            var message: [String: Any] = ["error": failure.description]
            if let reason = failure.reason { message["reason"] = reason.rawValue }
            TerminationMessage.write(TerminationMessage.json(message))
            throw failure
        } catch let error as ValidationError {
            TerminationMessage.write(TerminationMessage.json(["error": error.message, "reason": FailureReason.invalidArguments.rawValue]))
            throw error
        }
    }

    private func trainAndRecord() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try tracking.server.configuration(environment)
        if configuration == nil, let register = tracking.register {
            throw CLIFailure("--register \(register) needs an MLflow server: give --tracking-uri or set MLFLOW_TRACKING_URI")
        }
        let outcome: TrainingOutcome
        let files: WrittenFiles
        let frames: (train: DataFrame, validation: DataFrame?)
        do {
            (outcome, files, frames) = try train()
        } catch let error as ModelError {
            throw CLIFailure(error.message, reason: .invalidData)
        } catch let error as DataError {
            throw CLIFailure(error.description, reason: error.isSourceUnreadable ? .dataSourceError : .invalidData)
        }
        var summary: [String: Any] = [
            "model": outcome.model.model.type.rawValue, "task": outcome.model.task.rawValue, "target": outcome.model.target.name,
            "rows": ["train": outcome.trainRows, "validation": outcome.validationRows],
            "validation": outcome.validationMetrics.metrics.filter { $0.value.isFinite },
        ]
        if let champion {
            summary["champion"] = await championSummary(champion, outcome: outcome, frames: frames)
        }
        guard let configuration else {
            TerminationMessage.write(TerminationMessage.json(summary))
            return
        }
        // Until the run is recorded, the termination message holds the results: if MLflow stays
        // away longer than --tracking-retry-seconds, or the pod is stopped while this waits, the
        // controller still has them (and records them in the run once MLflow is back).
        var pending = summary
        pending["recorded"] = false
        pending["reason"] = FailureReason.trackingUnavailable.rawValue
        pending["error"] = "stopped before the results were recorded in MLflow at \(configuration.trackingURI)"
        TerminationMessage.write(TerminationMessage.json(pending))
        let client = MLflowClient(configuration)
        let recorder = TrainingRecorder(
            client: client, experiment: tracking.experiment ?? nonEmpty(environment["MLFLOW_EXPERIMENT_NAME"]) ?? "Default",
            runId: tracking.runId ?? nonEmpty(environment["MLFLOW_RUN_ID"]), runName: tracking.runName, register: tracking.register)
        let result: Result<TrainingRecorder.Recorded, any Error>
        do {
            let digest = try FileDigest.sha256(path: data)
            let source = TrainingRecorder.Source(
                data: data, dataSHA256: digest, validationData: validationData,
                validationSHA256: try validationData.map { try FileDigest.sha256(path: $0) }, seed: seed)
            result = .success(try await recorder.record(outcome, files: files, outputDirectory: output, source: source))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        switch result {
        case .success(let recorded):
            summary["recorded"] = true
            summary["runId"] = recorded.runId
            if let version = recorded.modelVersion { summary["modelVersion"] = version.version }
            TerminationMessage.write(TerminationMessage.json(summary))
            var message = "recorded MLflow run \(recorded.runId) in \(configuration.trackingURI) (experiment \(recorded.experimentId))"
            if let version = recorded.modelVersion { message += "; registered \(version.name) version \(version.version)" }
            FileHandle.standardError.write(Data((message + "\n").utf8))
        case .failure(let error as MLflowError):
            let failure = CLIFailure("MLflow: \(error.message) (the model and metrics are in \(output))", reason: .trackingUnavailable)
            pending["error"] = failure.description
            TerminationMessage.write(TerminationMessage.json(pending))
            throw CLIFailure(failure.description, reason: failure.reason, wroteTerminationMessage: true)
        case .failure(let error):
            throw error
        }
    }

    private func train() throws -> (TrainingOutcome, WrittenFiles, (train: DataFrame, validation: DataFrame?)) {
        let clock = ContinuousClock()
        let start = clock.now
        let list: (String?) -> [String] = { $0?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [] }
        let parameters = try parsedParameters()
        // Check parameter names and values before reading a large file.
        do {
            _ = try ModelParameters.configuration(model, parameters)
        } catch let error as ModelError {
            throw CLIFailure("--param: \(error.message)", reason: .invalidArguments)
        }

        var csv = CSVOptions(delimiter: delimiter.utf8.first!)
        for name in list(categorical) { csv.columnKinds[name] = .categorical }
        let reporter = ProgressReporter(style: progress)
        reporter.stage("reading \(data)")
        let trainFrame = try CSVReader.read(path: data, options: csv)
        for name in list(categorical) { _ = try trainFrame.column(named: name, role: "--categorical column") }
        var validationFrame: DataFrame?
        if let validationData {
            var validationOptions = csv
            validationOptions.columnKinds = Trainer.columnKinds(of: trainFrame)
            validationFrame = try CSVReader.read(path: validationData, options: validationOptions)
        }
        let readSeconds = seconds(clock.now - start)

        let options = TrainingOptions(
            target: target, task: task, modelType: model, parameters: parameters, seed: seed, threads: threads,
            validationFraction: validationFraction, features: features.map { list($0) }, dropColumns: list(dropColumns))
        let outcome = try Trainer.train(trainFrame, validation: validationFrame, options: options) { reporter.handle($0) }
        reporter.finish()

        let files = try TrainingOutputs.write(
            outcome, to: output, data: data, validationData: validationData, seed: seed, readSeconds: readSeconds,
            totalSeconds: seconds(clock.now - start))
        print(SummaryTable.render(outcome, files: files, directory: output))
        // Out now, not at exit: into a pod's log, `kubectl logs` shows the results while MLflow is still being written.
        fflush(nil)
        return (outcome, files, (trainFrame, validationFrame))
    }

    /// The champion's metrics on this run's validation rows (and the bootstrap bound), for the
    /// termination message; `{"error": ...}` when it cannot be compared, nothing when there is none.
    private func championSummary(_ uri: String, outcome: TrainingOutcome, frames: (train: DataFrame, validation: DataFrame?)) async
        -> [String: Any]?
    {
        let fetched: ModelFetcher.Fetched
        do {
            guard let found = try await ModelFetcher(server: tracking.server).fetchIfPresent(uri) else {
                FileHandle.standardError.write(Data("no champion at \(uri) yet\n".utf8))
                return nil
            }
            fetched = found
        } catch {
            return ["uri": uri, "error": "\(error)"]
        }
        do {
            let metric = try MetricName(parsing: promotionMetric ?? (outcome.model.task == .classification ? "auc" : "rmse"))
            var predictions: Predictions
            if let rows = outcome.validationRowIndices {
                let all = try fetched.model.predict(frames.train, threads: threads)
                predictions = ChampionComparison.subset(all, rows)
            } else {
                predictions = try fetched.model.predict(frames.validation ?? frames.train, threads: threads)
            }
            let comparison = try ChampionComparison.compare(
                candidate: outcome.validationPredictions, champion: predictions, targets: outcome.validationTargets, metric: metric,
                confidence: confidence, seed: seed)
            var result: [String: Any] = [
                "uri": fetched.description, "validation": comparison.championMetrics.metrics.filter { $0.value.isFinite },
            ]
            if let bound = comparison.improvementLowerBound { result["improvementLowerBound"] = bound }
            let line =
                "champion \(fetched.description): \(metric.rawValue) \(comparison.championMetrics.metrics[metric.rawValue] ?? .nan) on the same rows"
            FileHandle.standardError.write(Data((line + "\n").utf8))
            return result
        } catch {
            return ["uri": fetched.description, "error": "\(error)"]
        }
    }
}

/// `--progress`: how training reports its rounds.
enum ProgressStyle: String, ExpressibleByArgument, CaseIterable {
    case auto
    case bar
    case plain
    case none
}

/// A failure the user can fix: printed as `trainyard: <message>` and exit status 1, without a trace.
/// `reason` classifies it in the termination message, for the controller's conditions.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    let reason: FailureReason?
    /// The termination message is written already, with more than the error (the results that were not recorded).
    let wroteTerminationMessage: Bool
    init(_ message: String, reason: FailureReason? = nil, wroteTerminationMessage: Bool = false) {
        description = message
        self.reason = reason
        self.wroteTerminationMessage = wroteTerminationMessage
    }
}

/// Why `trainyard train` failed, as the `reason` of its termination message: whether trying
/// again could help (a source or MLflow that was unreachable) or not (data or arguments that are wrong).
enum FailureReason: String {
    case dataSourceError = "DataSourceError"
    case invalidData = "InvalidData"
    case invalidArguments = "InvalidArguments"
    case trackingUnavailable = "TrackingUnavailable"
}

extension LearningTask: ExpressibleByArgument {}
extension ModelType: ExpressibleByArgument {}

/// An environment variable's value, nil when unset or empty (as MLflow treats them).
func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
