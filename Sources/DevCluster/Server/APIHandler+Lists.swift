import Foundation
import KubeAPI

/// Collections: list (with selectors, pages and tables) and delete-collection.
extension APIHandler {
    struct Selection: Sendable {
        var labels: LabelSelector
        var fields: FieldSelector
        var resource: ResourceInfo

        func matches(_ object: JSONValue) -> Bool {
            if !labels.isEmpty {
                let l = (object[path: ["metadata", "labels"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
                if !labels.matches(l) { return false }
            }
            if !fields.requiredFields.isEmpty, !fields.matches(FieldSelectors.fields(of: object, resource: resource)) { return false }
            return true
        }
    }

    func selection(_ request: APIRequest, _ r: ResourceInfo, name: String?) throws(APIError) -> Selection {
        let labels: LabelSelector
        do {
            labels = try LabelSelector.parse(request.query["labelSelector"] ?? "")
        } catch {
            throw .badRequest(error.description)
        }
        var fieldText = request.query["fieldSelector"] ?? ""
        if let name { fieldText = fieldText.isEmpty ? "metadata.name=\(name)" : "\(fieldText),metadata.name=\(name)" }
        let fields: FieldSelector
        do {
            fields = try FieldSelector.parse(fieldText)
        } catch {
            throw .badRequest(error.description)
        }
        let supported = FieldSelectors.supported(r)
        if let bad = fields.requiredFields.sorted().first(where: { !supported.contains($0) }) {
            throw .badRequest("field label not supported: \(bad)")
        }
        return Selection(labels: labels, fields: fields, resource: r)
    }

    func list(_ request: APIRequest, _ r: ResourceInfo, namespace: String?) throws(APIError) -> APIResponse {
        let selection = try selection(request, r, name: nil)
        var limit = 0
        if let l = request.query["limit"], !l.isEmpty {
            guard let n = Int(l), n >= 0 else { throw .badRequest("limit: Invalid value: \"\(l)\": must be a non-negative integer") }
            limit = n
        }
        var startAfter: String?
        var listVersion: Int64?
        if let token = request.query["continue"], !token.isEmpty {
            guard let decoded = ContinueToken.decode(token) else {
                throw .badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
            }
            startAfter = decoded.key
            listVersion = decoded.resourceVersion
        }
        let ns = r.namespaced ? namespace : nil
        let (items, remaining, version, lastKey) = store.read { s -> ([JSONValue], Int, Int64, String?) in
            var all = s.list(r, namespace: ns).filter(selection.matches)
            if let startAfter {
                all = Array(all.drop { ClusterState.ref(r.storageKey, $0).key <= startAfter })
            }
            if limit > 0 && all.count > limit {
                let page = Array(all.prefix(limit))
                return (page, all.count - limit, s.resourceVersion, ClusterState.ref(r.storageKey, page.last!).key)
            }
            return (all, 0, s.resourceVersion, nil)
        }
        var metadata: JSONValue = ["resourceVersion": .string(String(listVersion ?? version))]
        if let lastKey {
            metadata["continue"] = .string(ContinueToken.encode(key: lastKey, resourceVersion: listVersion ?? version))
            metadata["remainingItemCount"] = .int(Int64(remaining))
        }
        switch request.representation {
        case .object:
            return .json(
                status: 200,
                body: [
                    "kind": .string(r.listKind), "apiVersion": .string(r.groupVersion), "metadata": metadata, "items": .array(items),
                ], warnings: [])
        case .partialMetadata(let apiVersion):
            let partial = items.map { APIRequest.Representation.partialMetadata($0, apiVersion: apiVersion) }
            return .json(
                status: 200,
                body: [
                    "kind": "PartialObjectMetadataList", "apiVersion": .string(apiVersion), "metadata": metadata, "items": .array(partial),
                ], warnings: [])
        case .table(let apiVersion):
            var converter = TableConverter(resource: r, now: Date())
            converter.apiVersion = apiVersion
            return .json(
                status: 200,
                body: converter.table(items, includeObject: request.query["includeObject"] ?? "Metadata", listMetadata: metadata),
                warnings: [])
        }
    }

    func deleteCollection(_ request: APIRequest, _ r: ResourceInfo, namespace: String?, options: DeleteOptions) throws(APIError)
        -> APIResponse
    {
        let selection = try selection(request, r, name: nil)
        let ns = r.namespaced ? namespace : nil
        let deleted = try store.withState { (s: inout ClusterState) throws(APIError) -> [JSONValue] in
            var out: [JSONValue] = []
            for object in s.list(r, namespace: ns) where selection.matches(object) {
                let ref = ClusterState.ref(r.storageKey, object)
                let (last, _) = try s.delete(r, namespace: ref.namespace, name: ref.name, options: options)
                out.append(last)
            }
            return out
        }
        return .json(
            status: 200,
            body: [
                "kind": .string(r.listKind), "apiVersion": .string(r.groupVersion),
                "metadata": ["resourceVersion": .string(String(store.resourceVersion))], "items": .array(deleted),
            ], warnings: [])
    }
}
