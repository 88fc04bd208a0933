import HTTPTypes
import Hummingbird
import NIOCore

/// A request the server refuses, with the status and a message saying what was wrong, where, and
/// what would be right. It is answered in the dialect of the route: MLflow's
/// `{"error_code": ..., "message": ...}` on the scoring routes, `{"error": ...}` on the Open
/// Inference Protocol routes.
public struct ServingError: HTTPResponseError, CustomStringConvertible {
    /// Which protocol's error shape to answer with.
    public enum Dialect: Sendable {
        case mlflow
        case inference
    }

    enum Kind: Sendable {
        case badRequest
        case notFound
        case tooLarge
        case unsupportedMediaType
        case unavailable
        case internalError

        var status: HTTPResponse.Status {
            switch self {
            case .badRequest: .badRequest
            case .notFound: .notFound
            case .tooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .unavailable: .serviceUnavailable
            case .internalError: .internalServerError
            }
        }

        /// MLflow's `error_code` for the status (`mlflow.protos.databricks_pb2`).
        var mlflowCode: String {
            switch self {
            case .badRequest, .unsupportedMediaType: "BAD_REQUEST"
            case .notFound: "RESOURCE_DOES_NOT_EXIST"
            case .tooLarge: "RESOURCE_LIMIT_EXCEEDED"
            case .unavailable: "TEMPORARILY_UNAVAILABLE"
            case .internalError: "INTERNAL_ERROR"
            }
        }
    }

    let kind: Kind
    public let message: String
    var dialect: Dialect

    init(_ kind: Kind, _ message: String, dialect: Dialect = .mlflow) {
        self.kind = kind
        self.message = message
        self.dialect = dialect
    }

    public var status: HTTPResponse.Status { kind.status }
    public var description: String { "\(status.code) \(message)" }

    func inDialect(_ dialect: Dialect) -> ServingError {
        var copy = self
        copy.dialect = dialect
        return copy
    }

    /// The JSON body.
    var body: String {
        var out = JSONWriter()
        out.beginObject()
        switch dialect {
        case .mlflow:
            out.key("error_code")
            out.string(kind.mlflowCode)
            out.key("message")
            out.string(message)
        case .inference:
            out.key("error")
            out.string(message)
        }
        out.endObject()
        return out.text
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
