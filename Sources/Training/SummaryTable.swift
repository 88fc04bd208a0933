import Foundation
import Learn

/// The short table `trainyard train` prints when it is done.
enum SummaryTable {
    static func render(_ outcome: TrainingOutcome, files: WrittenFiles, directory: String) -> String {
        let model = outcome.model
        var lines: [String] = []
        var header = "\(model.model.type.rawValue) \(model.task.rawValue) of \"\(model.target.name)\""
        if model.task == .classification { header += " (\(model.target.classes.count) classes)" }
        header +=
            ": \(outcome.trainRows) training rows, \(outcome.validationRows) validation rows, fitted in \(String(format: "%.2f", outcome.fitSeconds)) s"
        lines.append(header)
        if let history = outcome.history {
            lines.append(
                "rounds: \(history.bestRound) kept of \(history.train.count)"
                    + (history.stoppedEarly ? " (early stopping on validation \(history.metric.rawValue))" : ""))
        }
        let names = MetricName.allCases.map(\.rawValue).filter { outcome.validationMetrics.metrics[$0] != nil }
        let width = max(8, names.map(\.count).max() ?? 0)
        lines.append("")
        lines.append(pad("metric", width) + "  " + pad("train", 10, left: true) + "  " + pad("validation", 10, left: true))
        for name in names {
            lines.append(
                pad(name, width) + "  " + pad(format(outcome.trainMetrics.metrics[name]), 10, left: true) + "  "
                    + pad(format(outcome.validationMetrics.metrics[name]), 10, left: true))
        }
        let top = outcome.importance.prefix(5).filter { $0.totalGain > 0 }
        if !top.isEmpty {
            let total = outcome.importance.reduce(0) { $0 + $1.totalGain }
            lines.append("")
            lines.append(
                "top features: "
                    + top.map { "\($0.feature) \(String(format: "%.0f%%", 100 * $0.totalGain / total))" }.joined(separator: ", "))
        }
        lines.append("")
        let modelFiles = files.model.filter { !$0.contains("/") && !$0.hasSuffix(".yaml") && $0 != "requirements.txt" }
        let plots = files.report.filter { $0.hasPrefix("plots/") }.count
        let report = files.report.filter { !$0.hasPrefix("plots/") } + (plots > 0 ? ["plots/ (\(plots) SVG)"] : [])
        lines.append(
            "wrote an MLflow model (\(modelFiles.joined(separator: ", ")), python_function loader in code/) and \(report.joined(separator: ", ")) to \(directory)"
        )
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.4f", value)
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }
}
