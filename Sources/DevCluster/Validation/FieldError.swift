import KubeAPI

/// One problem with one field of an object, worded exactly as the Kubernetes API server words it
/// (k8s.io/apimachinery `field.Error`), so that kubectl users see the messages they know.
///
/// The API server turns a list of these into a 422 `Invalid` status: each becomes a
/// `metav1.StatusCause` with `reason` = ``ErrorType/reason``, `field` = ``field`` and
/// `message` = ``bodyMessage``.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem; each has the `reason` string used in `metav1.StatusCause`.
    public enum ErrorType: String, Sendable, Equatable, CaseIterable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case notSupported = "FieldValueNotSupported"
        case duplicate = "FieldValueDuplicate"
        case tooLong = "FieldValueTooLong"
        case tooMany = "FieldValueTooMany"
        case forbidden = "FieldValueForbidden"
        case typeInvalid = "FieldValueTypeInvalid"

        /// The `reason` of a `metav1.StatusCause`, e.g. `FieldValueRequired`.
        public var reason: String { rawValue }

        /// The words that open the message, e.g. `Required value`.
        public var title: String {
            switch self {
            case .required: return "Required value"
            case .invalid, .typeInvalid: return "Invalid value"
            case .notSupported: return "Unsupported value"
            case .duplicate: return "Duplicate value"
            case .tooLong: return "Too long"
            case .tooMany: return "Too many"
            case .forbidden: return "Forbidden"
            }
        }
    }

    public var type: ErrorType
    /// Dotted path from the object root, e.g. `spec.model.type` or `spec.items[0].name`.
    public var field: String
    /// The offending value. `nil` leaves the value out of the message; `.null` prints `null`.
    public var badValue: JSONValue?
    public var detail: String

    public init(_ type: ErrorType, field: String, badValue: JSONValue? = nil, detail: String = "") {
        self.type = type
        self.field = field
        self.badValue = badValue
        self.detail = detail
    }

    /// The message without the field, like Go's `ErrorBody()`, e.g.
    /// `Unsupported value: "foo": supported values: "gbdt", "linear"`.
    public var bodyMessage: String {
        var text = type.title
        switch type {
        case .required, .forbidden, .tooLong:
            break
        case .invalid, .typeInvalid, .notSupported, .duplicate, .tooMany:
            if let badValue { text += ": " + GoFormat.value(badValue) }
        }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }

    /// The full message, like Go's `Error()`: `field: body`.
    public var message: String { "\(field): \(bodyMessage)" }

    public var description: String { message }
}

extension FieldError {
    /// A value that must be given is missing.
    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(.required, field: field, badValue: nil, detail: detail)
    }

    /// A value is malformed or out of range.
    public static func invalid(_ field: String, _ value: JSONValue?, _ detail: String) -> FieldError {
        FieldError(.invalid, field: field, badValue: value, detail: detail)
    }

    /// A value has the wrong JSON type for its schema.
    public static func typeInvalid(_ field: String, _ value: JSONValue?, _ detail: String) -> FieldError {
        FieldError(.typeInvalid, field: field, badValue: value, detail: detail)
    }

    /// A value is not one of an enumeration; `supported` is listed quoted, in the order given.
    public static func notSupported(_ field: String, _ value: JSONValue?, supported: [String]) -> FieldError {
        let detail = supported.isEmpty ? "" : "supported values: " + supported.map(GoFormat.quote).joined(separator: ", ")
        return FieldError(.notSupported, field: field, badValue: value, detail: detail)
    }

    /// A value that must be unique appears again.
    public static func duplicate(_ field: String, _ value: JSONValue?) -> FieldError {
        FieldError(.duplicate, field: field, badValue: value, detail: "")
    }

    /// A string is longer than `maxLength`; the value itself is never echoed.
    public static func tooLong(_ field: String, maxLength: Int) -> FieldError {
        let detail = maxLength >= 0 ? "may not be more than \(maxLength) \(maxLength == 1 ? "byte" : "bytes")" : "value is too long"
        return FieldError(.tooLong, field: field, badValue: nil, detail: detail)
    }

    /// A list or map has more than `max` entries.
    public static func tooMany(_ field: String, actual: Int?, max: Int?) -> FieldError {
        let detail: String
        if let max, max >= 0 {
            detail = "must have at most \(max) \(max == 1 ? "item" : "items")"
        } else {
            detail = "has too many items"
        }
        let value: JSONValue? = actual.flatMap { $0 >= 0 ? .int(Int64($0)) : nil }
        return FieldError(.tooMany, field: field, badValue: value, detail: detail)
    }

    /// A value is well-formed but not allowed here.
    public static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(.forbidden, field: field, badValue: nil, detail: detail)
    }
}
