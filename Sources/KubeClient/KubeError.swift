import Foundation
import KubeAPI

/// A failed Kubernetes API call: what kind of failure (`code`), the HTTP status and the server's
/// metav1.Status when there was one, and the underlying cause for transport failures.
///
/// Controllers branch on the kind (`error.isNotFound`, `error.isConflict`), users read `description`.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, named as the API server's `reason` names it.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case badRequest = "BadRequest"
            case unauthorized = "Unauthorized"
            case forbidden = "Forbidden"
            case notFound = "NotFound"
            case alreadyExists = "AlreadyExists"
            case conflict = "Conflict"
            case gone = "Expired"
            case invalid = "Invalid"
            case unsupportedMediaType = "UnsupportedMediaType"
            case requestEntityTooLarge = "RequestEntityTooLarge"
            case tooManyRequests = "TooManyRequests"
            case serverError = "InternalError"
            case serviceUnavailable = "ServiceUnavailable"
            case timeout = "Timeout"
            case transport = "Transport"
            case decoding = "Decoding"
            case configuration = "Configuration"
            case unknown = "Unknown"
        }
        fileprivate var base: Base
        public var description: String { base.rawValue }

        public static let badRequest = Code(base: .badRequest)
        public static let unauthorized = Code(base: .unauthorized)
        public static let forbidden = Code(base: .forbidden)
        public static let notFound = Code(base: .notFound)
        public static let alreadyExists = Code(base: .alreadyExists)
        /// The object changed since it was read (resourceVersion precondition failed).
        public static let conflict = Code(base: .conflict)
        /// HTTP 410: a watch or list asked for a resourceVersion the server no longer has.
        public static let gone = Code(base: .gone)
        public static let invalid = Code(base: .invalid)
        public static let unsupportedMediaType = Code(base: .unsupportedMediaType)
        public static let requestEntityTooLarge = Code(base: .requestEntityTooLarge)
        public static let tooManyRequests = Code(base: .tooManyRequests)
        public static let serverError = Code(base: .serverError)
        public static let serviceUnavailable = Code(base: .serviceUnavailable)
        public static let timeout = Code(base: .timeout)
        /// The request never got an HTTP answer: connection refused, TLS failure, reset.
        public static let transport = Code(base: .transport)
        /// The answer was not what the API promises (bad JSON, a wrong shape).
        public static let decoding = Code(base: .decoding)
        public static let configuration = Code(base: .configuration)
        public static let unknown = Code(base: .unknown)
    }

    public var code: Code
    /// The HTTP status code, 0 when there was no answer.
    public var statusCode: Int
    public var message: String
    /// The server's explanation, when it sent one.
    public var status: Status?
    /// The request, as `VERB path`, for messages and logs.
    public var request: String
    /// Seconds the server asked us to wait (Retry-After), if any.
    public var retryAfterSeconds: Int?
    /// The transport or decoding error behind this one.
    public var underlying: (any Error)?

    public init(
        code: Code, statusCode: Int = 0, message: String, status: Status? = nil, request: String = "",
        retryAfterSeconds: Int? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.statusCode = statusCode
        self.message = message
        self.status = status
        self.request = request
        self.retryAfterSeconds = retryAfterSeconds
        self.underlying = underlying
    }

    /// Field-level causes of an `Invalid` answer, as `field: message`.
    public var causes: [Status.Cause] { status?.details?.causes ?? [] }

    public var isNotFound: Bool { code == .notFound }
    public var isConflict: Bool { code == .conflict }
    public var isAlreadyExists: Bool { code == .alreadyExists }
    public var isGone: Bool { code == .gone }
    public var isInvalid: Bool { code == .invalid }

    public var description: String {
        var text = request.isEmpty ? message : "\(request): \(message)"
        if statusCode != 0 { text += " (HTTP \(statusCode) \(code))" }
        return text
    }

    /// Builds the error for a non-2xx answer from its body, which is a metav1.Status when the API
    /// server wrote it, and anything at all (HTML from a proxy, nothing) otherwise.
    static func fromResponse(statusCode: Int, body: [UInt8], request: String, retryAfter: Int?) -> KubeError {
        let status: Status? = (try? JSONValue.parse(bytes: body))
            .flatMap { $0["kind"]?.stringValue == "Status" ? (try? $0.decode(as: Status.self)) : nil }
        var code = Self.code(forHTTPStatus: statusCode)
        if let reason = status?.reason, let base = Code.Base(rawValue: reason) {
            code = Code(base: base)
        }
        // The API server answers an expired watch or list with 410 and reason Expired or Gone.
        if statusCode == 410 || status?.reason == "Gone" { code = .gone }
        let message: String
        if let text = status?.message, !text.isEmpty {
            message = text
        } else if body.isEmpty {
            message = "the server answered HTTP \(statusCode) with no body"
        } else {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            message = "the server answered HTTP \(statusCode): \(text)"
        }
        return KubeError(
            code: code, statusCode: statusCode, message: message, status: status, request: request,
            retryAfterSeconds: retryAfter ?? status?.details?.retryAfterSeconds)
    }

    static func code(forHTTPStatus status: Int) -> Code {
        switch status {
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 409: return .conflict
        case 410: return .gone
        case 413: return .requestEntityTooLarge
        case 415: return .unsupportedMediaType
        case 422: return .invalid
        case 429: return .tooManyRequests
        case 503: return .serviceUnavailable
        case 504: return .timeout
        case 500...599: return .serverError
        default: return .unknown
        }
    }
}
