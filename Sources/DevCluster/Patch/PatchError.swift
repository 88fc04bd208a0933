/// Why a PATCH request could not be applied, with the HTTP status and `Status` reason the
/// Kubernetes API server answers with for that failure.
///
/// `message` is the detailed, actionable text (the wording of evanphx/json-patch and
/// k8s.io/apimachinery's strategicpatch, e.g. `replace operation does not apply: doc is missing
/// key: /spec/x: missing value`). `statusMessage` is what the real server puts into
/// `Status.message`; for JSON patch failures it hides the detail behind a generic sentence, which
/// is what kubectl prints.
public struct PatchError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case badRequest
        case unprocessable
        case unsupportedMediaType
        case tooLarge
        case internalError
    }

    private let code: Code

    /// The detailed reason, naming the operation, path or element that was wrong.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The patch document itself is malformed (not JSON of the right shape, a bad directive). HTTP 400.
    public static func badRequest(_ message: String) -> PatchError { PatchError(.badRequest, message) }

    /// A well-formed patch that does not apply to this object (missing path, failed test). HTTP 422.
    public static func unprocessable(_ message: String) -> PatchError { PatchError(.unprocessable, message) }

    /// More JSON patch operations than the server accepts. HTTP 413.
    public static func tooLarge(_ message: String) -> PatchError { PatchError(.tooLarge, message) }

    /// A strategic merge patch the merge algorithm rejects (no merge key, bad order list). The real
    /// server surfaces these as plain errors, i.e. HTTP 500 with the message as is.
    public static func mergeFailed(_ message: String) -> PatchError { PatchError(.internalError, message) }

    /// The patch content type is not accepted for this resource, e.g. a strategic merge patch on a
    /// custom resource. HTTP 415.
    public static func unsupportedMediaType(accepted: [String]) -> PatchError {
        PatchError(
            .unsupportedMediaType,
            "the body of the request was in an unknown format - accepted media types include: "
                + accepted.joined(separator: ", "))
    }

    /// The HTTP status code the API server answers with.
    public var httpStatus: Int {
        switch code {
        case .badRequest: return 400
        case .unprocessable: return 422
        case .unsupportedMediaType: return 415
        case .tooLarge: return 413
        case .internalError: return 500
        }
    }

    /// `Status.reason` as the API server sets it (empty for an unclassified error, as there).
    public var reason: String {
        switch code {
        case .badRequest: return "BadRequest"
        case .unprocessable: return "Invalid"
        case .unsupportedMediaType: return "UnsupportedMediaType"
        case .tooLarge: return "RequestEntityTooLarge"
        case .internalError: return ""
        }
    }

    /// `Status.message` exactly as the real API server words it for this failure.
    public var statusMessage: String {
        switch code {
        case .unprocessable: return "the server rejected our request due to an error in our request"
        case .tooLarge: return "Request entity too large: " + message
        case .badRequest, .unsupportedMediaType, .internalError: return message
        }
    }

    public var description: String { message }
}
