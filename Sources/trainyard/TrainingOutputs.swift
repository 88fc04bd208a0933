import Foundation
import Learn

/// Writes what `trainyard train` produces into the output directory.
enum TrainingOutputs {
    /// Writes the files and returns their names. The model files are canonical (byte-identical for
    /// the same data, parameters and seed); metrics.json also holds timings, which vary.
    static func write(
        _ outcome: TrainingOutcome, to directory: String, data: String, validationData: String?, seed: UInt64,
        readSeconds: Double, totalSeconds: Double
    ) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure("--output \(directory): cannot create the directory: \((error as NSError).localizedDescription)")
        }
        var files: [String] = []
        func save(_ name: String, _ bytes: Data) throws {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CLIFailure("--output: cannot write \(path): \((error as NSError).localizedDescription)")
            }
            files.append(name)
        }
        try save("model.json", try outcome.model.jsonData())
        if case .gbdt(let gbdt) = outcome.model.model {
            do {
                try save("model.xgb.json", Data(try gbdt.xgboostJSON()))
            } catch let error as ModelError {
                FileHandle.standardError.write(Data("warning: no XGBoost export: \(error.message)\n".utf8))
            }
        }
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
