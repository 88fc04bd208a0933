import KubeAPI

/// CRUD on any resource type with objects as JSON: the layer the typed calls are built on.
extension KubeClient {
    public func get(_ type: ResourceType, namespace: String?, name: String, subresource: String? = nil) async throws -> JSONValue {
        let request = KubeRequest(
            method: "GET", path: type.path(namespace: namespace, name: name, subresource: subresource),
            verb: "get", resource: Self.resourceName(type, subresource))
        return try parse(try await perform(request), request: request)
    }

    /// One page of objects.
    public func list(_ type: ResourceType, namespace: String?, options: ListOptions = ListOptions()) async throws -> ObjectList<JSONValue> {
        let request = listRequest(type, namespace: namespace, options: options)
        return try listPage(try await perform(request), request: request)
    }

    /// Every object, fetched `pageSize` at a time. The resourceVersion is the first page's, so a
    /// watch started from it sees every change made while the pages were read.
    public func listAll(
        _ type: ResourceType, namespace: String?, options: ListOptions = ListOptions(), pageSize: Int = 500
    ) async throws -> ObjectList<JSONValue> {
        try await forEachPage(type, namespace: namespace, options: options, pageSize: pageSize) { response, request in
            try listPage(response, request: request)
        }
    }

    func listRequest(_ type: ResourceType, namespace: String?, options: ListOptions) -> KubeRequest {
        KubeRequest(
            method: "GET", path: type.path(namespace: namespace), query: options.queryItems, verb: "list",
            resource: type.description)
    }

    /// Reads a list answer as JSON objects.
    func listPage(_ response: KubeResponse, request: KubeRequest) throws -> ObjectList<JSONValue> {
        let body = try parse(response, request: request)
        guard let items = (body["items"] ?? .array([])).arrayValue else {
            throw KubeError(code: .decoding, message: "the list has no items array", request: request.summary)
        }
        return ObjectList(
            items: items,
            resourceVersion: body[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
            continueToken: body[path: ["metadata", "continue"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Fetches every page of a list, `pageSize` objects at a time, and reads each answer with
    /// `read`. The result carries the first page's resourceVersion (see `listAll`).
    func forEachPage<Item>(
        _ type: ResourceType, namespace: String?, options: ListOptions, pageSize: Int,
        read: (KubeResponse, KubeRequest) throws -> ObjectList<Item>
    ) async throws -> ObjectList<Item> {
        var options = options
        options.limit = pageSize
        var all: [Item] = []
        var firstVersion: String?
        while true {
            let request = listRequest(type, namespace: namespace, options: options)
            let page = try read(try await perform(request), request)
            all.append(contentsOf: page.items)
            if firstVersion == nil { firstVersion = page.resourceVersion }
            guard let next = page.continueToken else { break }
            options.continueToken = next
            options.resourceVersion = nil
        }
        return ObjectList(items: all, resourceVersion: firstVersion ?? "", continueToken: nil)
    }

    public func create(
        _ type: ResourceType, namespace: String?, object: JSONValue, fieldManager: String? = nil, dryRun: Bool = false
    ) async throws -> JSONValue {
        let request = KubeRequest(
            method: "POST", path: type.path(namespace: namespace), query: Self.writeQuery(fieldManager, dryRun),
            body: Array(object.serialized().utf8), verb: "create", resource: type.description)
        return try parse(try await perform(request), request: request)
    }

    /// Replaces the object (or its `subresource`, such as `status`); the object's resourceVersion
    /// makes it fail with a conflict if someone else wrote it first.
    public func update(
        _ type: ResourceType, namespace: String?, name: String, object: JSONValue, subresource: String? = nil,
        fieldManager: String? = nil, dryRun: Bool = false
    ) async throws -> JSONValue {
        let request = KubeRequest(
            method: "PUT", path: type.path(namespace: namespace, name: name, subresource: subresource),
            query: Self.writeQuery(fieldManager, dryRun), body: Array(object.serialized().utf8), verb: "update",
            resource: Self.resourceName(type, subresource))
        return try parse(try await perform(request), request: request)
    }

    public func patch(
        _ type: ResourceType, namespace: String?, name: String, patch: JSONValue, patchType: PatchType,
        subresource: String? = nil, dryRun: Bool = false
    ) async throws -> JSONValue {
        var query: [(name: String, value: String)] = dryRun ? [("dryRun", "All")] : []
        var verb = "patch"
        if case .apply(let manager, let force) = patchType {
            query.append(("fieldManager", manager))
            if force { query.append(("force", "true")) }
            verb = "apply"
        }
        let request = KubeRequest(
            method: "PATCH", path: type.path(namespace: namespace, name: name, subresource: subresource), query: query,
            body: Array(patch.serialized().utf8), contentType: patchType.contentType, verb: verb,
            resource: Self.resourceName(type, subresource))
        return try parse(try await perform(request), request: request)
    }

    /// Deletes the object. Returns what the server answered: the object while finalizers or
    /// foreground deletion hold it, or a Success status once it is gone.
    @discardableResult
    public func delete(
        _ type: ResourceType, namespace: String?, name: String, options: DeleteOptions = DeleteOptions()
    ) async throws -> JSONValue {
        var body: [String: JSONValue] = ["apiVersion": "v1", "kind": "DeleteOptions"]
        if let policy = options.propagationPolicy { body["propagationPolicy"] = .string(policy.rawValue) }
        if let grace = options.gracePeriodSeconds { body["gracePeriodSeconds"] = .int(Int64(grace)) }
        var preconditions: [String: JSONValue] = [:]
        if let uid = options.preconditionUID { preconditions["uid"] = .string(uid) }
        if let version = options.preconditionResourceVersion { preconditions["resourceVersion"] = .string(version) }
        if !preconditions.isEmpty { body["preconditions"] = .object(preconditions) }
        let request = KubeRequest(
            method: "DELETE", path: type.path(namespace: namespace, name: name),
            body: Array(JSONValue.object(body).serialized().utf8), verb: "delete", resource: type.description)
        return try parse(try await perform(request), request: request)
    }

    /// How requests name what they act on, as RBAC rules do: `pods`, `trainingjobs.trainyard.dev/status`.
    static func resourceName(_ type: ResourceType, _ subresource: String?) -> String {
        subresource.map { "\(type.description)/\($0)" } ?? type.description
    }

    static func writeQuery(_ fieldManager: String?, _ dryRun: Bool) -> [(name: String, value: String)] {
        var query: [(name: String, value: String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        return query
    }

    func parse(_ response: KubeResponse, request: KubeRequest) throws -> JSONValue {
        do {
            return try JSONValue.parse(bytes: response.body)
        } catch {
            throw KubeError(
                code: .decoding, statusCode: response.statusCode, message: "the answer is not JSON: \(error)",
                request: request.summary, underlying: error)
        }
    }
}
