import Foundation
import KubeAPI

/// How a write records field ownership in `metadata.managedFields`.
enum Ownership {
    /// An ordinary create, update or patch: the manager takes the fields it changed.
    case update(manager: String)
    /// Server-side apply: the manager's field set is exactly what it applied (already computed).
    case apply(entries: [ManagedFieldsEntry])
}

extension ClusterState {
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    var nowString: String { Self.timestamp(now()) }

    // MARK: Create

    mutating func create(_ r: ResourceInfo, namespace: String, body: JSONValue, options: WriteOptions) throws(APIError) -> WriteResult {
        var body = body
        let name = body[path: ["metadata", "name"]]?.stringValue ?? ""
        if r.namespaced {
            let bodyNamespace = body[path: ["metadata", "namespace"]]?.stringValue ?? ""
            if !bodyNamespace.isEmpty && bodyNamespace != namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            try checkNamespaceAcceptsContent(namespace, resource: r, name: name)
        }
        if name.isEmpty, let generate = body[path: ["metadata", "generateName"]]?.stringValue, !generate.isEmpty {
            var candidate = ""
            repeat {
                candidate = generate + Self.randomSuffix()
            } while get(r, namespace: r.namespaced ? namespace : "", name: candidate) != nil
            body[path: ["metadata", "name"]] = .string(candidate)
        }
        let finalName = body[path: ["metadata", "name"]]?.stringValue ?? ""
        if !finalName.isEmpty, get(r, namespace: r.namespaced ? namespace : "", name: finalName) != nil {
            throw .alreadyExists(r, name: finalName)
        }
        return try commit(
            r, namespace: namespace, new: body, old: nil, subresource: nil, options: options,
            ownership: .update(manager: options.fieldManager))
    }

    func checkNamespaceAcceptsContent(_ namespace: String, resource r: ResourceInfo, name: String) throws(APIError) {
        guard let ns = namespaceExists(namespace) else {
            throw APIError(
                code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                details: ["name": .string(namespace), "kind": "namespaces"])
        }
        if ns[path: ["metadata", "deletionTimestamp"]] != nil {
            throw APIError(
                code: 403, reason: "Forbidden",
                message:
                    "\(r.resource) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                details: APIError.details(r, name: name))
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }

    // MARK: Update (PUT)

    mutating func update(
        _ r: ResourceInfo, namespace: String, name: String, body: JSONValue, subresource: String?, options: WriteOptions
    ) throws(APIError) -> WriteResult {
        let bodyName = body[path: ["metadata", "name"]]?.stringValue ?? ""
        if bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if r.namespaced, let ns = body[path: ["metadata", "namespace"]]?.stringValue, !ns.isEmpty, ns != namespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        guard let old = get(r, namespace: r.namespaced ? namespace : "", name: name) else {
            throw .notFound(r, name: name)
        }
        if (body[path: ["metadata", "resourceVersion"]]?.stringValue ?? "").isEmpty, r.definedBy != nil, subresource == nil {
            // The real store names the resource here, not the kind, and prints the parsed version
            // as Go's %#v of uint64(0): `trainingjobs.trainyard.dev "x" is invalid: ...: Invalid value: 0x0: ...`.
            let problem = "Invalid value: 0x0: must be specified for an update"
            var details = APIError.details(r, name: name)
            details["causes"] = [["reason": "FieldValueInvalid", "message": .string(problem), "field": "metadata.resourceVersion"]]
            throw APIError(
                code: 422, reason: "Invalid",
                message: "\(r.qualifiedResource) \"\(name)\" is invalid: metadata.resourceVersion: \(problem)",
                details: details)
        }
        return try commit(
            r, namespace: namespace, new: body, old: old, subresource: subresource, options: options,
            ownership: .update(manager: options.fieldManager))
    }

    // MARK: Patch

    mutating func patch(
        _ r: ResourceInfo, namespace: String, name: String, contentType: String, body: [UInt8],
        subresource: String?, options: WriteOptions
    ) throws(APIError) -> WriteResult {
        let ns = r.namespaced ? namespace : ""
        if contentType == "application/apply-patch+yaml" || contentType == "application/apply-patch+cbor" {
            let applied = try Self.decodeApplyBody(body)
            return try apply(r, namespace: namespace, name: name, applied: applied, subresource: subresource, options: options)
        }
        guard let current = get(r, namespace: ns, name: name) else { throw .notFound(r, name: name) }
        let patch: JSONValue
        do {
            patch = try JSONValue.parse(bytes: body)
        } catch {
            throw .badRequest("error decoding patch: \(error.description)")
        }
        var patched: JSONValue
        switch contentType {
        case "application/merge-patch+json":
            patched = JSONMergePatch.apply(patch, to: current)
        case "application/json-patch+json":
            do {
                patched = try JSONPatch.apply(patch, to: current)
            } catch {
                throw Self.apiError(error)
            }
        case "application/strategic-merge-patch+json":
            guard StrategicMergePatch.supports(kind: r.kind) else {
                throw .unsupportedMediaType(contentType, accepted: Self.patchTypes(for: r))
            }
            do {
                patched = try StrategicMergePatch(kind: r.kind).apply(patch, to: current)
            } catch {
                throw Self.apiError(error)
            }
        default:
            throw .unsupportedMediaType(contentType, accepted: Self.patchTypes(for: r))
        }
        if patched.objectValue == nil { throw .badRequest("the patched object is not a JSON object") }
        // A patch that does not mention resourceVersion applies to whatever is current.
        if patch[path: ["metadata", "resourceVersion"]] == nil {
            patched[path: ["metadata", "resourceVersion"]] = current[path: ["metadata", "resourceVersion"]]
        }
        return try commit(
            r, namespace: namespace, new: patched, old: current, subresource: subresource, options: options,
            ownership: .update(manager: options.fieldManager))
    }

    /// The real server's status code and reason, with the detailed message (the real one for a JSON
    /// patch that does not apply says only "the server rejected our request", which helps nobody).
    static func apiError(_ error: PatchError) -> APIError {
        APIError(code: error.httpStatus, reason: error.reason.isEmpty ? "InternalError" : error.reason, message: error.message)
    }

    static func patchTypes(for r: ResourceInfo) -> [String] {
        var types = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
        if StrategicMergePatch.supports(kind: r.kind) { types.insert("application/strategic-merge-patch+json", at: 2) }
        return types
    }

    static func decodeApplyBody(_ body: [UInt8]) throws(APIError) -> JSONValue {
        if let json = try? JSONValue.parse(bytes: body) { return json }
        do {
            guard let value = try YAMLDocuments.parse(String(decoding: body, as: UTF8.self)).first else {
                throw APIError.badRequest("error decoding YAML: the apply patch is empty")
            }
            return value
        } catch let error as APIError {
            throw error
        } catch {
            throw .badRequest("error decoding YAML: \(error)")
        }
    }

    // MARK: Server-side apply

    mutating func apply(
        _ r: ResourceInfo, namespace: String, name: String, applied: JSONValue, subresource: String?, options: WriteOptions
    ) throws(APIError) -> WriteResult {
        guard applied.objectValue != nil else { throw .badRequest("the apply patch must be a JSON or YAML object") }
        if let kind = applied["kind"]?.stringValue, kind != r.kind {
            throw .badRequest("the kind in the apply patch (\(kind)) does not match the resource's kind (\(r.kind))")
        }
        let appliedName = applied[path: ["metadata", "name"]]?.stringValue ?? ""
        if !appliedName.isEmpty && appliedName != name {
            throw .badRequest("the name of the object (\(appliedName)) does not match the name on the URL (\(name))")
        }
        let ns = r.namespaced ? namespace : ""
        let current = get(r, namespace: ns, name: name)
        if current == nil, r.namespaced { try checkNamespaceAcceptsContent(namespace, resource: r, name: name) }
        let merge = try ManagedFields.apply(
            applied, to: current, manager: options.fieldManager, apiVersion: r.groupVersion,
            subresource: subresource, force: options.force, time: nowString)
        var new = merge.object
        new[path: ["metadata", "name"]] = .string(name)
        if current == nil {
            return try commit(
                r, namespace: namespace, new: new, old: nil, subresource: nil, options: options, ownership: .apply(entries: merge.entries))
        }
        new[path: ["metadata", "resourceVersion"]] =
            applied[path: ["metadata", "resourceVersion"]] ?? current?[path: ["metadata", "resourceVersion"]]
        return try commit(
            r, namespace: namespace, new: new, old: current, subresource: subresource, options: options,
            ownership: .apply(entries: merge.entries))
    }
}
