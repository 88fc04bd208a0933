/// A failed MLflow call: the kind (for code that reacts), MLflow's own `error_code` when the server
/// sent one, the HTTP status, and a message that names the server and the call.
public struct MLflowError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The configuration is unusable (no URI, a non-HTTP URI, half of basic auth).
        public static let configuration = Code("configuration")
        /// `RESOURCE_DOES_NOT_EXIST` / 404.
        public static let notFound = Code("notFound")
        /// `RESOURCE_ALREADY_EXISTS`.
        public static let alreadyExists = Code("alreadyExists")
        /// `INVALID_PARAMETER_VALUE` and other 400s: the request was wrong; retrying will not help.
        public static let invalidRequest = Code("invalidRequest")
        /// 401 / `UNAUTHENTICATED`.
        public static let unauthenticated = Code("unauthenticated")
        /// 403 / `PERMISSION_DENIED`.
        public static let permissionDenied = Code("permissionDenied")
        /// 5xx or 429 after the retries ran out.
        public static let server = Code("server")
        /// No connection, or it broke, after the retries ran out.
        public static let unreachable = Code("unreachable")
        /// The answer was not what the MLflow API documents.
        public static let decoding = Code("decoding")

        public var description: String { name }
    }

    public let code: Code
    /// MLflow's `error_code`, such as `RESOURCE_ALREADY_EXISTS`, when the server sent one.
    public let mlflowCode: String?
    public let statusCode: Int?
    public let message: String

    public init(_ code: Code, _ message: String, mlflowCode: String? = nil, statusCode: Int? = nil) {
        self.code = code
        self.message = message
        self.mlflowCode = mlflowCode
        self.statusCode = statusCode
    }

    public var description: String { message }

    /// The kind for an error answer.
    static func code(status: Int, mlflowCode: String?) -> Code {
        switch mlflowCode {
        case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "ENDPOINT_NOT_FOUND": return .notFound
        case "RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS": return .alreadyExists
        case "UNAUTHENTICATED": return .unauthenticated
        case "PERMISSION_DENIED": return .permissionDenied
        case "INVALID_PARAMETER_VALUE", "INVALID_STATE", "BAD_REQUEST", "MALFORMED_REQUEST": return .invalidRequest
        default: break
        }
        switch status {
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404: return .notFound
        case 409: return .alreadyExists
        case 400..<500 where status != 429: return .invalidRequest
        default: return .server
        }
    }
}
