/// Why a `application/vnd.kubernetes.protobuf` request body could not be turned into JSON.
///
/// `code` lets the server pick the HTTP status: a body we cannot parse is a 400, while a well-formed body
/// of a kind the dev server cannot decode is a 415 (the client can resend it as JSON or YAML).
public struct ProtobufError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The class of failure, for choosing a response status.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case missingMagic, malformed, unsupportedKind, unsupportedEncoding
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The body does not start with the `k8s\0` prefix.
        public static let missingMagic = Code(.missingMagic)
        /// The bytes are not valid protobuf, or a field has the wrong wire type.
        public static let malformed = Code(.malformed)
        /// Valid envelope, but the apiVersion/kind inside is not one the dev server decodes.
        public static let unsupportedKind = Code(.unsupportedKind)
        /// The envelope declares a content encoding or content type we do not read.
        public static let unsupportedEncoding = Code(.unsupportedEncoding)

        public var description: String {
            switch base {
            case .missingMagic: "missingMagic"
            case .malformed: "malformed"
            case .unsupportedKind: "unsupportedKind"
            case .unsupportedEncoding: "unsupportedEncoding"
            }
        }
    }

    public var code: Code
    /// Byte offset in the request body where the problem was found, when it is about a position.
    public var offset: Int?
    /// The JSON path of the field being decoded (e.g. `metadata.labels`), empty at the top level.
    public var field: String
    /// What was wrong, in words a user can act on.
    public var reason: String

    public init(code: Code, offset: Int? = nil, field: String = "", reason: String) {
        self.code = code
        self.offset = offset
        self.field = field
        self.reason = reason
    }

    public var description: String {
        switch code {
        case .malformed:
            var location = ""
            if !field.isEmpty { location += " in field \(field)" }
            if let offset { location += " at byte \(offset)" }
            return "invalid protobuf request body\(location): \(reason)"
        default:
            return reason
        }
    }
}
