import Foundation
import KubeAPI

/// An `intstr.IntOrString` as the rolling-update fields use it: a count (`2`) or a percentage of the
/// desired replicas (`"25%"`).
public enum IntOrPercent: Sendable, Equatable, CustomStringConvertible {
    case count(Int)
    case percent(Int)

    /// Parses the field the way the API validates it: a non-negative integer or `"<n>%"`; a string
    /// without `%` is rejected as `intstr.GetScaledValueFromIntOrPercent` rejects it.
    public init(_ json: JSONValue, field: String) throws(WorkloadSpecError) {
        if let number = json.intValue {
            guard number >= 0 else { throw .invalid(field, "must be greater than or equal to 0, got \(number)") }
            self = .count(Int(number))
            return
        }
        guard let text = json.stringValue else {
            throw .invalid(field, "must be an integer or a percentage like \"25%\", got \(json.serialized())")
        }
        guard text.hasSuffix("%"), let number = Int(text.dropLast()) else {
            throw .invalid(field, "\"\(text)\" must be an integer or a percentage like \"25%\"")
        }
        guard number >= 0 else { throw .invalid(field, "must be greater than or equal to 0, got \"\(text)\"") }
        self = .percent(number)
    }

    /// `GetScaledValueFromIntOrPercent`: a count as is, a percentage of `total` rounded up or down.
    public func scaled(total: Int, roundUp: Bool) -> Int {
        switch self {
        case .count(let value):
            return value
        case .percent(let percent):
            let exact = Double(percent) * Double(total) / 100
            return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
        }
    }

    public var description: String {
        switch self {
        case .count(let value): return String(value)
        case .percent(let percent): return "\(percent)%"
        }
    }
}
