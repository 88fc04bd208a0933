import ArgumentParser
import DataIO
import Foundation
import Learn
import Tracking
import Training

import struct TrainyardAPI.TrainerReport

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
        let request: TrainingWorkload.Request
        do {
            request = try makeRequest()
        } catch let failure as WorkloadFailure {
            TerminationMessage.write(TrainerReport(reason: failure.reason, error: failure.description))
            throw failure
        }
        try await TrainingWorkload(request).run()
    }

    private func makeRequest() throws -> TrainingWorkload.Request {
        let environment = ProcessInfo.processInfo.environment
        let list: (String?) -> [String] = { $0?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [] }
        let options = TrainingOptions(
            target: target, task: task, modelType: model, parameters: try parsedParameters(), seed: seed, threads: threads,
            validationFraction: validationFraction, features: features.map { list($0) }, dropColumns: list(dropColumns))
        var request = TrainingWorkload.Request(data: data, options: options, output: output)
        request.validationData = validationData
        request.categorical = list(categorical)
        request.delimiter = delimiter.utf8.first!
        request.progress = progress
        request.tracking = try tracking.server.configuration(environment)
        request.experiment = tracking.experiment ?? nonEmpty(environment["MLFLOW_EXPERIMENT_NAME"]) ?? "Default"
        request.runId = tracking.runId ?? nonEmpty(environment["MLFLOW_RUN_ID"])
        request.runName = tracking.runName
        request.register = tracking.register
        request.champion = champion
        request.promotionMetric = promotionMetric
        request.confidence = confidence
        return request
    }
}

extension ProgressStyle: ExpressibleByArgument {}
extension LearningTask: ExpressibleByArgument {}
extension ModelType: ExpressibleByArgument {}

/// The executable's user-facing failure is the workloads' (`trainyard: <message>`, exit status 1).
typealias CLIFailure = WorkloadFailure

/// An environment variable's value, nil when unset or empty (as MLflow treats them).
func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
