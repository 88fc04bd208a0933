import Foundation
import Learn

/// What `trainyard train` wrote, relative to the output directory.
struct WrittenFiles {
    /// The MLflow model directory's files (logged as the run's `model` artifact).
    var model: [String] = []
    /// Metrics, curves and plots (logged at the run's artifact root).
    var report: [String] = []
    var all: [String] { model + report }
}

/// Writes what `trainyard train` produces into the output directory, which is an MLflow model
/// directory (MLmodel, model.json, model.xgb.json for GBDT, the pyfunc loader in code/) with the
/// report next to it (metrics.json, curves.csv, plots/*.svg).
enum TrainingOutputs {
    /// Writes the files and returns their names. The model files are canonical (byte-identical for
    /// the same data, parameters and seed); metrics.json also holds timings, and MLmodel a creation
    /// time and id, which vary.
    static func write(
        _ outcome: TrainingOutcome, to directory: String, data: String, validationData: String?, seed: UInt64,
        readSeconds: Double, totalSeconds: Double
    ) throws -> WrittenFiles {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WorkloadFailure("--output \(directory): cannot create the directory: \((error as NSError).localizedDescription)")
        }
        var files = WrittenFiles()
        func save(_ name: String, _ bytes: Data, model: Bool = false) throws {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try bytes.write(to: url, options: .atomic)
            } catch {
                throw WorkloadFailure("--output: cannot write \(url.path): \((error as NSError).localizedDescription)")
            }
            if model { files.model.append(name) } else { files.report.append(name) }
        }
        try save(MLflowModelFiles.modelFileName, try outcome.model.jsonData(), model: true)
        var hasExport = false
        if case .gbdt(let gbdt) = outcome.model.model {
            do {
                try save(MLflowModelFiles.xgboostFileName, Data(try gbdt.xgboostJSON()), model: true)
                hasExport = true
            } catch let error as ModelError {
                FileHandle.standardError.write(Data("warning: no XGBoost export: \(error.message)\n".utf8))
            }
        }
        // A stale export from an earlier run into the same directory must not stay beside a new model.
        if !hasExport {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(MLflowModelFiles.xgboostFileName))
        }
        let mlflow = MLflowModelFiles(model: outcome.model, hasXGBoostExport: hasExport)
        for file in mlflow.files { try save(file.path, Data(file.contents.utf8), model: true) }
        if let history = outcome.history {
            var csv = "round,train_\(history.metric.rawValue)"
            if !history.validation.isEmpty { csv += ",validation_\(history.metric.rawValue)" }
            csv += "\n"
            for i in history.train.indices {
                csv += "\(i + 1),\(history.train[i])"
                if i < history.validation.count { csv += ",\(history.validation[i])" }
                csv += "\n"
            }
            try save("curves.csv", Data(csv.utf8))
        }
        for plot in TrainingPlots.render(outcome) { try save("plots/" + plot.name, Data(plot.svg.utf8)) }
        try save(
            "metrics.json",
            try metricsJSON(
                outcome, data: data, validationData: validationData, seed: seed, readSeconds: readSeconds, totalSeconds: totalSeconds))
        return files
    }

    private static func metricsJSON(
        _ outcome: TrainingOutcome, data: String, validationData: String?, seed: UInt64, readSeconds: Double, totalSeconds: Double
    ) throws -> Data {
        struct Importance: Encodable {
            let feature: String
            let importance: Double
            let share: Double
            let splits: Int?
        }
        struct Curves: Encodable {
            let metric: String
            let bestRound: Int
            let rounds: Int
            let stoppedEarly: Bool
        }
        struct Document: Encodable {
            let model: String
            let task: String
            let target: String
            let classes: [String]?
            let data: String
            let validationData: String?
            let seed: UInt64
            let parameters: [String: String]
            let rows: [String: Int]
            let inputs: Int
            let train: [String: Double]
            let validation: [String: Double]
            let confusionMatrix: [[Int]]?
            let boosting: Curves?
            let featureImportance: [Importance]
            let timings: [String: Double]
        }
        let model = outcome.model
        let total = outcome.importance.reduce(0) { $0 + $1.totalGain }
        let document = Document(
            model: model.model.type.rawValue, task: model.task.rawValue, target: model.target.name,
            classes: model.task == .classification ? model.target.classes : nil, data: data, validationData: validationData,
            seed: seed, parameters: model.parameters, rows: ["train": outcome.trainRows, "validation": outcome.validationRows],
            inputs: model.encoding.inputNames(model.features).count, train: outcome.trainMetrics.metrics,
            validation: outcome.validationMetrics.metrics, confusionMatrix: outcome.validationMetrics.confusionMatrix?.counts,
            boosting: outcome.history.map {
                Curves(metric: $0.metric.rawValue, bestRound: $0.bestRound, rounds: $0.train.count, stoppedEarly: $0.stoppedEarly)
            },
            featureImportance: outcome.importance.map {
                Importance(
                    feature: $0.feature, importance: $0.totalGain, share: total > 0 ? $0.totalGain / total : 0,
                    splits: model.model.type == .gbdt ? $0.splitCount : nil)
            },
            timings: [
                "readSeconds": readSeconds, "prepareSeconds": outcome.prepareSeconds, "fitSeconds": outcome.fitSeconds,
                "evaluateSeconds": outcome.evaluateSeconds, "totalSeconds": totalSeconds,
            ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}
