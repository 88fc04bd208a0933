import Foundation
import Learn
import TrainyardAPI

/// What the TrainingJob schema cannot say: parameters valid for the model type, a task the model
/// can learn, a promotion metric of that task, and features this version does not run yet. A
/// problem names the field and what would be right, for the `Valid` condition.
public enum TrainingJobValidation {
    public struct Problem: Error, Equatable, CustomStringConvertible, Sendable {
        public var field: String
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// Data source schemes the trainer reads; others are refused before anything is created.
    static let supportedSchemes = ["file"]

    /// The first problem of `spec`, or nil when the job can run.
    public static func problem(_ spec: TrainingJobSpec) -> Problem? {
        if let problem = sourceProblem(spec.data.source) { return problem }
        if spec.data.credentialsSecret?.isEmpty == true {
            return Problem(field: "spec.data.credentialsSecret", message: "must name a Secret, or be left out")
        }
        let modelType = Learn.ModelType(rawValue: spec.model.type.rawValue) ?? .gbdt
        switch (spec.model.type, spec.task) {
        case (.logistic, .regression):
            return Problem(field: "spec.model.type", message: "logistic models classify; use linear or gbdt for task regression")
        case (.linear, .classification):
            return Problem(field: "spec.model.type", message: "linear models do regression; use logistic or gbdt for task classification")
        default: break
        }
        let params = (spec.model.params ?? [:]).mapValues(\.description)
        do {
            _ = try ModelParameters.configuration(modelType, params)
        } catch let error as ModelError {
            return Problem(field: "spec.model.params", message: error.message)
        } catch {
            return Problem(field: "spec.model.params", message: "\(error)")
        }
        if spec.tuning != nil {
            return Problem(
                field: "spec.tuning", message: "hyperparameter search is not implemented yet; remove spec.tuning and set spec.model.params")
        }
        if let promotion = spec.register?.promotion {
            let metric: MetricName
            do {
                metric = try MetricName(parsing: promotion.metric)
            } catch {
                let names = MetricName.allCases.filter { $0.task.rawValue == spec.task.rawValue }.map(\.rawValue)
                return Problem(
                    field: "spec.register.promotion.metric",
                    message:
                        "\"\(promotion.metric)\" is not a metric; for \(spec.task.rawValue) use one of \(names.joined(separator: ", "))")
            }
            guard metric.task.rawValue == spec.task.rawValue else {
                let names = MetricName.allCases.filter { $0.task.rawValue == spec.task.rawValue }.map(\.rawValue)
                return Problem(
                    field: "spec.register.promotion.metric",
                    message:
                        "\(metric.rawValue) measures \(metric.task.rawValue); for \(spec.task.rawValue) use one of \(names.joined(separator: ", "))"
                )
            }
            if let mode = promotion.mode, (mode == .max) != metric.higherIsBetter {
                return Problem(
                    field: "spec.register.promotion.mode",
                    message:
                        "\(mode.rawValue) would prefer worse models: a \(metric.higherIsBetter ? "higher" : "lower") \(metric.rawValue) is better"
                )
            }
        }
        return nil
    }

    /// A path, `file://` URL or a scheme the trainer reads.
    static func sourceProblem(_ source: String) -> Problem? {
        guard let colon = source.range(of: "://") else {
            return source.isEmpty ? Problem(field: "spec.data.source", message: "must not be empty") : nil
        }
        let scheme = source[..<colon.lowerBound].lowercased()
        guard supportedSchemes.contains(scheme) else {
            return Problem(
                field: "spec.data.source",
                message:
                    "\(scheme):// sources are not read yet; give a path inside the trainer image or a mounted volume (e.g. /usr/share/trainyard/datasets/breast_cancer.csv)"
            )
        }
        return nil
    }

    /// The path the trainer reads for `source`.
    static func path(of source: String) -> String {
        source.hasPrefix("file://") ? String(source.dropFirst("file://".count)) : source
    }
}
