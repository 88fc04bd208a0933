/// A workload object the plans cannot act on: a field that the Kubernetes API server would have
/// rejected (the dev cluster does not validate built-in kinds) or a feature the dev runtime leaves out.
///
/// The message names the field, what was wrong and what would be right, in the words `kubectl`
/// users know from API validation errors, so the caller can put it in an Event or a log line as is.
public struct WorkloadSpecError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case missing
        case invalid
        case unsupported
    }

    private let code: Code
    /// The JSON path of the offending field, such as `spec.strategy.rollingUpdate.maxSurge`.
    public let field: String
    public let message: String

    private init(_ code: Code, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    static func missing(_ field: String) -> WorkloadSpecError {
        WorkloadSpecError(.missing, field: field, message: "Required value")
    }

    static func invalid(_ field: String, _ message: String) -> WorkloadSpecError {
        WorkloadSpecError(.invalid, field: field, message: message)
    }

    static func unsupported(_ field: String, value: String, supported: [String]) -> WorkloadSpecError {
        let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
        return WorkloadSpecError(.unsupported, field: field, message: "Unsupported value: \"\(value)\": supported values: \(list)")
    }

    /// True when the object is valid Kubernetes but uses something the dev runtime does not implement.
    public var isUnsupportedFeature: Bool { code == .unsupported }

    public var description: String { "\(field): \(message)" }
}
