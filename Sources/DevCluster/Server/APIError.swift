import KubeAPI

/// An API failure, carried back to the client as a `metav1.Status` with the real server's reason and wording.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    /// The `metav1.StatusReason`, e.g. `NotFound`, `Conflict`, `Invalid`.
    public var reason: String
    public var message: String
    public var details: JSONValue?

    public init(code: Int, reason: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The `metav1.Status` object for this error.
    public var status: JSONValue {
        var status: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let details { status["details"] = details }
        return status
    }

    static func details(_ resource: ResourceInfo, name: String) -> JSONValue {
        var d: JSONValue = ["kind": .string(resource.resource)]
        if !name.isEmpty { d["name"] = .string(name) }
        if !resource.group.isEmpty { d["group"] = .string(resource.group) }
        return d
    }

    static func notFound(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedResource) \"\(name)\" not found",
            details: details(resource, name: name))
    }

    static func alreadyExists(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedResource) \"\(name)\" already exists",
            details: details(resource, name: name))
    }

    static func conflict(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message:
                "Operation cannot be fulfilled on \(resource.qualifiedResource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            details: details(resource, name: name))
    }

    static func invalid(_ resource: ResourceInfo, name: String, errors: [FieldError]) -> APIError {
        let summary = errors.count == 1 ? errors[0].message : "[" + errors.map(\.message).joined(separator: ", ") + "]"
        var d = details(resource, name: name)
        d["kind"] = .string(resource.kind)
        d["causes"] = .array(
            errors.map { e in
                ["reason": .string(e.type.reason), "message": .string(e.bodyMessage), "field": .string(e.field)]
            })
        return APIError(code: 422, reason: "Invalid", message: "\(resource.qualifiedKind) \"\(name)\" is invalid: \(summary)", details: d)
    }

    /// A 422 for an object that is not a stored resource (`PodLogOptions`, `Scale.autoscaling`,
    /// `Binding`): `<qualifiedKind> "<name>" is invalid: <errors>`.
    static func invalid(kind: String, group: String = "", name: String, errors: [FieldError]) -> APIError {
        let summary = errors.count == 1 ? errors[0].message : "[" + errors.map(\.message).joined(separator: ", ") + "]"
        var d: JSONValue = ["kind": .string(kind), "name": .string(name)]
        if !group.isEmpty { d["group"] = .string(group) }
        d["causes"] = .array(
            errors.map { e in
                ["reason": .string(e.type.reason), "message": .string(e.bodyMessage), "field": .string(e.field)]
            })
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        return APIError(code: 422, reason: "Invalid", message: "\(qualified) \"\(name)\" is invalid: \(summary)", details: d)
    }

    /// A 409 naming the resource and the reason, as `errors.NewConflict(resource, name, err)` words it.
    static func conflict(_ qualifiedResource: String, kind: String, group: String, name: String, _ why: String) -> APIError {
        var d: JSONValue = ["kind": .string(kind), "name": .string(name)]
        if !group.isEmpty { d["group"] = .string(group) }
        return APIError(
            code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(qualifiedResource) \"\(name)\": \(why)", details: d)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// A 500 as `errors.NewInternalError(err)` words it: the server holds something it cannot serve.
    static func internalError(_ cause: String) -> APIError {
        APIError(
            code: 500, reason: "InternalError", message: "Internal error occurred: \(cause)",
            details: ["causes": [["message": .string(cause)]]])
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }

    static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func forbidden(_ resource: ResourceInfo, name: String, _ why: String) -> APIError {
        APIError(
            code: 403, reason: "Forbidden", message: "\(resource.qualifiedResource) \"\(name)\" is forbidden: \(why)",
            details: details(resource, name: name))
    }

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: " + accepted.joined(separator: ", "))
    }
}
