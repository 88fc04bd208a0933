import Foundation

/// The validation metrics of one trained model, written as `metrics.json` and copied into
/// `status.metrics` and MLflow. Keys of ``metrics`` are ``MetricName`` raw values.
public struct MetricReport: Codable, Sendable, Equatable {
    /// Whether the model predicts a class or a number.
    public enum Task: String, Codable, Sendable, CaseIterable {
        case classification
        case regression
    }

    public var task: Task
    /// Metric values by name, such as `"auc": 0.93`.
    public var metrics: [String: Double]
    /// Present for classification.
    public var confusionMatrix: ConfusionMatrix?

    public init(task: Task, metrics: [String: Double], confusionMatrix: ConfusionMatrix? = nil) {
        self.task = task
        self.metrics = metrics
        self.confusionMatrix = confusionMatrix
    }

    /// The value of `name`, or nil when the report does not have it (for example `prauc` with more
    /// than two classes).
    public subscript(name: MetricName) -> Double? {
        get { metrics[name.rawValue] }
        set { metrics[name.rawValue] = newValue }
    }

    /// The report as pretty-printed JSON with sorted keys, so the file is stable across runs and diffs well.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
