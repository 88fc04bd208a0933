import Foundation
import KubeAPI

/// What `trainyard train` leaves in its container's termination message for the controller: one
/// type for both sides (the trainer encodes it, the controller decodes it), as a CRD's `api/`
/// package is shared by a workload and its operator. Kubernetes keeps it in the pod's status after
/// the container's logs are gone, so the job's status can be filled from it even while MLflow is
/// unreachable. Kept under Kubernetes' 4096-byte limit.
///
/// On success it holds the validation metrics and rows (`recorded: true` and the run once MLflow
/// has them); on failure `reason` and `error`; with `recorded: false` the results are here only.
public struct TrainerReport: Codable, Sendable, Equatable {
    public struct Rows: Codable, Sendable, Equatable {
        public var train: Int
        public var validation: Int
        public init(train: Int, validation: Int) {
            self.train = train
            self.validation = validation
        }
    }

    /// The champion scored on the candidate's own validation rows (`--champion`).
    public struct Champion: Codable, Sendable, Equatable {
        public var uri: String
        public var validation: [String: Double]?
        /// With a confidence: the lower bound of the paired bootstrap interval of the improvement.
        public var improvementLowerBound: Double?
        /// Why the champion could not be compared, when it could not.
        public var error: String?
        public init(uri: String, validation: [String: Double]? = nil, improvementLowerBound: Double? = nil, error: String? = nil) {
            self.uri = uri
            self.validation = validation
            self.improvementLowerBound = improvementLowerBound
            self.error = error
        }
    }

    public var model: String?
    public var task: String?
    public var target: String?
    public var rows: Rows?
    /// Final validation metrics by name (finite values only).
    public var validation: [String: Double]?
    public var champion: Champion?
    /// False until the results are recorded in MLflow; then true.
    public var recorded: Bool?
    public var runId: String?
    public var modelVersion: String?
    public var reason: WorkloadFailureReason?
    /// The failure message, or, when the message was not a report, the log tail Kubernetes kept.
    public var error: String?

    public init(
        model: String? = nil, task: String? = nil, target: String? = nil, rows: Rows? = nil, validation: [String: Double]? = nil,
        champion: Champion? = nil, recorded: Bool? = nil, runId: String? = nil, modelVersion: String? = nil,
        reason: WorkloadFailureReason? = nil, error: String? = nil
    ) {
        self.model = model
        self.task = task
        self.target = target
        self.rows = rows
        self.validation = validation
        self.champion = champion
        self.recorded = recorded
        self.runId = runId
        self.modelVersion = modelVersion
        self.reason = reason
        self.error = error
    }

    /// Reads a termination message; one that is not a report (`FallbackToLogsOnError` put the
    /// log's last lines there, or the container was killed before writing) is kept as `error`.
    public init(terminationMessage text: String) {
        if let data = text.data(using: .utf8), let report = try? JSONDecoder().decode(TrainerReport.self, from: data) {
            self = report
        } else {
            self.init(error: text.isEmpty ? nil : text)
        }
    }

    /// The compact JSON the trainer writes (keys sorted, so the same results give the same bytes).
    public var terminationMessage: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var report = self
        report.validation = report.validation?.filter { $0.value.isFinite }
        if var champion = report.champion {
            champion.validation = champion.validation?.filter { $0.value.isFinite }
            if champion.improvementLowerBound?.isFinite == false { champion.improvementLowerBound = nil }
            report.champion = champion
        }
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public var metrics: [String: Double] { validation ?? [:] }
    public var championMetrics: [String: Double] { champion?.validation ?? [:] }
    public var improvementLowerBound: Double? { champion?.improvementLowerBound }
    public var trainRows: Int? { rows?.train }
    public var validationRows: Int? { rows?.validation }
    public var failureReason: String? { reason?.rawValue }
    public var failureMessage: String? { error }
    /// Whether another attempt could end otherwise.
    public var isRetryable: Bool { reason?.isRetryable ?? true }
}

/// Why a workload (the trainer, the scorer) failed, as the `reason` of its report: whether trying
/// again could help (a source or MLflow that was unreachable) or not (data or arguments that are
/// wrong). An open set: a reason a newer workload sends still decodes.
public struct WorkloadFailureReason: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The data could not be read (missing, unreachable, refused).
    public static let dataSourceError = Self(rawValue: "DataSourceError")
    /// The data is wrong for the job: a missing target column, bad values.
    public static let invalidData = Self(rawValue: "InvalidData")
    /// The workload's arguments are wrong.
    public static let invalidArguments = Self(rawValue: "InvalidArguments")
    /// MLflow stayed away longer than the workload waited.
    public static let trackingUnavailable = Self(rawValue: "TrackingUnavailable")

    public var isRetryable: Bool { self != .invalidData && self != .invalidArguments }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
