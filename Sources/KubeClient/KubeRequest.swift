import KubeAPI

/// One REST call to the API server, before authentication, rate limiting and retries.
public struct KubeRequest: Sendable {
    /// HTTP method: GET, POST, PUT, PATCH, DELETE.
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var body: [UInt8]?
    public var contentType: String?
    /// The Kubernetes verb (get, list, watch, create, update, patch, apply, delete), for metrics
    /// and for deciding what may be retried.
    public var verb: String
    /// The resource, as `resource.group`, for metrics.
    public var resource: String

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, verb: String, resource: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.verb = verb
        self.resource = resource
    }

    /// Whether sending it twice is harmless. Creates and non-apply patches are not: the first may
    /// have landed even though its answer was lost.
    public var isIdempotent: Bool {
        switch verb {
        case "get", "list", "watch", "update", "apply", "delete": return true
        default: return false
        }
    }

    /// `VERB path?query`, for messages.
    public var summary: String { "\(method) \(path)\(queryString)" }

    var queryString: String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }
}

/// The API server's answer to a successful (2xx) call.
public struct KubeResponse: Sendable {
    public var statusCode: Int
    public var body: [UInt8]
}
