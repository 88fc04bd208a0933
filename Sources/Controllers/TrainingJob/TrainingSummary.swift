import Foundation
import KubeAPI

/// What a finished trainer container reported in its termination message: on success, the JSON
/// summary (`validation` metrics, rows, run id); on failure, `{"error", "reason"}`, or, with
/// `FallbackToLogsOnError`, the last lines of its log. It stays in the pod's status after the
/// container's logs are gone, so the job's status can be filled from it.
public struct TrainingSummary: Sendable, Equatable {
    public var metrics: [String: Double]
    public var trainRows: Int?
    public var validationRows: Int?
    public var runId: String?
    /// The champion's metrics on the same validation rows, when the trainer scored it (`champion.validation`).
    public var championMetrics: [String: Double] = [:]
    /// With a confidence, the lower bound of the paired bootstrap interval of the improvement (`champion.improvementLowerBound`).
    public var improvementLowerBound: Double?
    /// The trainer's failure reason (`DataSourceError`, `InvalidData`, `InvalidArguments`, `TrackingUnavailable`).
    public var failureReason: String?
    /// The failure message, or the log tail when the message was not JSON.
    public var failureMessage: String?
    /// False when the trainer ended before it recorded its results in MLflow (`recorded: false`):
    /// they are here only.
    public var recorded: Bool?

    public init(terminationMessage text: String) {
        metrics = [:]
        guard let json = try? JSONValue.parse(text), json.objectValue != nil else {
            failureMessage = text.isEmpty ? nil : text
            return
        }
        for (key, value) in json["validation"]?.objectValue ?? [:] {
            if let number = value.doubleValue ?? value.intValue.map(Double.init) { metrics[key] = number }
        }
        for (key, value) in json[path: ["champion", "validation"]]?.objectValue ?? [:] {
            if let number = value.doubleValue ?? value.intValue.map(Double.init) { championMetrics[key] = number }
        }
        improvementLowerBound = json[path: ["champion", "improvementLowerBound"]]?.doubleValue
        trainRows = json[path: ["rows", "train"]]?.intValue.map(Int.init)
        validationRows = json[path: ["rows", "validation"]]?.intValue.map(Int.init)
        runId = json["runId"]?.stringValue
        failureReason = json["reason"]?.stringValue
        failureMessage = json["error"]?.stringValue
        recorded = json["recorded"]?.boolValue
    }

    /// Whether another attempt could end otherwise: not for data or arguments that are wrong.
    public var isRetryable: Bool {
        !["InvalidData", "InvalidArguments"].contains(failureReason ?? "")
    }
}
