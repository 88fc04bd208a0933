import Foundation
import KubeAPI

/// The Kubernetes API semantics of the dev server, independent of HTTP: routes a request to
/// discovery, OpenAPI or a resource verb and returns the answer. Never throws; every failure
/// becomes a `metav1.Status`.
final class APIHandler: Sendable {
    let store: ClusterStore
    /// host:port as clients reach the server (the port is known only once it is bound).
    let serverAddress: @Sendable () -> String
    let bookmarkInterval: Duration
    /// Where a pod runtime writes container logs (see `PodLogFiles`); nil when none runs.
    let podLogsDirectory: String?

    init(
        store: ClusterStore, serverAddress: @escaping @Sendable () -> String, bookmarkInterval: Duration = .seconds(5),
        podLogsDirectory: String? = nil
    ) {
        self.store = store
        self.serverAddress = serverAddress
        self.bookmarkInterval = bookmarkInterval
        self.podLogsDirectory = podLogsDirectory
    }

    /// What the HTTP layer sends: an answer of `handle`, or a pod log to stream.
    enum Answer: Sendable {
        case response(APIResponse)
        case podLog(PodLogStream)
    }

    /// Answers a request as the HTTP layer needs it: pod logs as streams, the rest as `handle` does.
    func respond(_ request: APIRequest) -> Answer {
        if let target = Self.podLogTarget(RequestInfo.parse(path: request.path).target) {
            switch podLog(request, namespace: target.namespace, name: target.name) {
            case .failure(let error): return .response(.json(status: error.code, body: error.status, warnings: []))
            case .stream(let stream): return .podLog(stream)
            }
        }
        return .response(handle(request))
    }

    /// Answers one request. A pod log comes back as text of what its file holds now, without
    /// following it: `respond` is what streams.
    func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch {
            return .json(status: error.code, body: error.status, warnings: [])
        }
    }

    private func route(_ request: APIRequest) throws(APIError) -> APIResponse {
        let info = RequestInfo.parse(path: request.path)
        switch info.target {
        case .health:
            return .text(status: 200, body: "ok")
        case .version:
            return .json(status: 200, body: Discovery.version(), warnings: [])
        case .discovery(let group, let version, let legacy):
            let resources = store.resources
            if legacy {
                if version == nil { return .json(status: 200, body: Discovery.apiVersions(serverAddress: serverAddress()), warnings: []) }
                guard let list = Discovery.resourceList(group: "", version: version!, resources) else { throw .pathNotFound }
                return .json(status: 200, body: list, warnings: [])
            }
            guard let group else { return .json(status: 200, body: Discovery.groupList(resources), warnings: []) }
            if let version {
                guard let list = Discovery.resourceList(group: group, version: version, resources) else { throw .pathNotFound }
                return .json(status: 200, body: list, warnings: [])
            }
            guard let g = Discovery.group(group, resources) else { throw .pathNotFound }
            return .json(status: 200, body: g, warnings: [])
        case .openAPIRoot:
            return .json(status: 200, body: OpenAPIDocuments.root(store.resources), warnings: [])
        case .openAPIGroupVersion(let path):
            guard let doc = OpenAPIDocuments.document(path, store.resources) else { throw .pathNotFound }
            return .json(status: 200, body: doc, warnings: [])
        case .resource("", "v1", "bindings", let namespace?, nil, nil):
            return try binding(request, namespace: namespace, podName: nil)
        case .resource(let group, let version, let name, let namespace, let objectName, let subresource):
            guard let r = store.read({ $0.resource(group: group, version: version, name: name) }) else { throw .pathNotFound }
            return try resourceRequest(
                request, r, namespace: namespace, name: objectName, subresource: subresource, legacyWatch: info.legacyWatch)
        case .unknown:
            throw .pathNotFound
        }
    }

    // MARK: Resources

    private func resourceRequest(
        _ request: APIRequest, _ r: ResourceInfo, namespace: String?, name: String?, subresource: String?, legacyWatch: Bool
    ) throws(APIError) -> APIResponse {
        if namespace != nil && !r.namespaced { throw .pathNotFound }
        if let subresource, let name, r.namespaced == (namespace != nil) {
            let namespace = namespace ?? ""
            switch (r.storageKey, subresource) {
            case ("/pods", "log"):
                switch podLog(request, namespace: namespace, name: name) {
                case .failure(let error): throw error
                case .stream(let stream):
                    return .text(status: 200, body: String(decoding: stream.readAvailable(), as: UTF8.self))
                }
            case ("/pods", "binding"):
                guard request.method == "POST" else { throw .methodNotAllowed(request.method) }
                return try binding(request, namespace: namespace, podName: name)
            case (_, "scale") where ScaleSubresource.supports(r):
                return try scale(request, r, namespace: namespace, name: name)
            default:
                break
            }
        }
        if let subresource {
            let namespaceFinalize = r.resource == "namespaces" && r.group.isEmpty && subresource == "finalize"
            guard (subresource == "status" && r.hasStatusSubresource) || namespaceFinalize else { throw .pathNotFound }
        }
        let query = request.query
        let isWatch = legacyWatch || query["watch"] == "true" || query["watch"] == "1"
        let ns = r.namespaced ? (namespace ?? "") : ""
        switch request.method {
        case "GET":
            if isWatch { return try watch(request, r, namespace: namespace, name: name) }
            guard let name else { return try list(request, r, namespace: namespace) }
            guard let object = store.read({ $0.get(r, namespace: ns, name: name) }) else { throw .notFound(r, name: name) }
            return .json(status: 200, body: represent(request, r, single: object), warnings: [])
        case "POST":
            guard name == nil, !(r.namespaced && namespace == nil) else { throw .methodNotAllowed(request.method) }
            let body = try decodeBody(request)
            let options = try writeOptions(request)
            let result = try store.withState { (s: inout ClusterState) throws(APIError) in
                try s.create(r, namespace: ns, body: body, options: options)
            }
            return .json(status: 201, body: represent(request, r, single: result.object), warnings: result.warnings)
        case "PUT":
            guard let name else { throw .methodNotAllowed(request.method) }
            let body = try decodeBody(request)
            let options = try writeOptions(request)
            let result = try store.withState { (s: inout ClusterState) throws(APIError) in
                try s.update(
                    r, namespace: ns, name: name, body: body, subresource: subresource == "finalize" ? "finalize" : subresource,
                    options: options)
            }
            return .json(status: 200, body: represent(request, r, single: result.object), warnings: result.warnings)
        case "PATCH":
            guard let name else { throw .methodNotAllowed(request.method) }
            var options = try writeOptions(request)
            let mediaType = request.mediaType
            if mediaType == "application/apply-patch+yaml" {
                guard let manager = query["fieldManager"], !manager.isEmpty else {
                    throw APIError(
                        code: 422, reason: "Invalid",
                        message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
                }
                options.fieldManager = manager
            } else if query["force"] != nil {
                throw APIError(
                    code: 422, reason: "Invalid",
                    message: "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch")
            }
            let result = try store.withState { (s: inout ClusterState) throws(APIError) in
                try s.patch(
                    r, namespace: ns, name: name, contentType: mediaType, body: request.body, subresource: subresource, options: options)
            }
            return .json(status: result.created ? 201 : 200, body: represent(request, r, single: result.object), warnings: result.warnings)
        case "DELETE":
            let bodyJSON = request.body.isEmpty ? nil : try? JSONValue.parse(bytes: request.body)
            let options = try DeleteOptions(body: bodyJSON, query: query)
            guard let name else { return try deleteCollection(request, r, namespace: namespace, options: options) }
            let (object, _) = try store.withState { (s: inout ClusterState) throws(APIError) in
                try s.delete(r, namespace: ns, name: name, options: options)
            }
            return .json(status: 200, body: represent(request, r, single: object), warnings: [])
        default:
            throw .methodNotAllowed(request.method)
        }
    }

    func decodeBody(_ request: APIRequest) throws(APIError) -> JSONValue {
        if request.body.isEmpty { throw .badRequest("the request body is empty: expected a JSON object") }
        let media = request.mediaType
        if media == "application/yaml" || media == "application/x-yaml" || media == "text/yaml" {
            return try ClusterState.decodeApplyBody(request.body)
        }
        if media == KubernetesProtobuf.contentType {
            // kubectl's imperative generators (create namespace/configmap/secret/deployment...) send protobuf.
            do {
                return try KubernetesProtobuf.decode(request.body)
            } catch {
                if error.code == .unsupportedKind || error.code == .unsupportedEncoding {
                    throw APIError(code: 415, reason: "UnsupportedMediaType", message: error.description)
                }
                throw APIError.badRequest(error.description)
            }
        }
        if media == "application/cbor" {
            throw APIError(
                code: 415, reason: "UnsupportedMediaType",
                message:
                    "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
            )
        }
        do {
            let value = try JSONValue.parse(bytes: request.body)
            guard value.objectValue != nil else {
                throw APIError.badRequest("the request body must be a JSON object, not \(value.typeName)")
            }
            return value
        } catch let error as APIError {
            throw error
        } catch {
            throw .badRequest("couldn't get version/kind; json parse error: \(error)")
        }
    }

    func writeOptions(_ request: APIRequest) throws(APIError) -> WriteOptions {
        var options = WriteOptions(
            fieldManager: request.query["fieldManager"].flatMap { $0.isEmpty ? nil : $0 } ?? request.defaultFieldManager)
        if let dryRun = request.query["dryRun"] {
            guard dryRun == "All" else {
                throw APIError(code: 400, reason: "BadRequest", message: "Invalid dry run value: \(dryRun): supported values: \"All\"")
            }
            options.dryRun = true
        }
        if let v = request.query["fieldValidation"], !v.isEmpty {
            guard let validation = WriteOptions.FieldValidation(rawValue: v) else {
                throw .badRequest("fieldValidation: Unsupported value: \"\(v)\": supported values: \"Ignore\", \"Strict\", \"Warn\"")
            }
            options.fieldValidation = validation
        }
        if let force = request.query["force"] { options.force = force == "true" || force == "1" }
        return options
    }

    // MARK: Representations

    func represent(_ request: APIRequest, _ r: ResourceInfo, single object: JSONValue) -> JSONValue {
        request.representation.render(object, resource: r, includeObject: request.query["includeObject"] ?? "Metadata")
    }
}
