import Foundation
import KubeAPI

/// A list answer decoded straight into Swift types in one pass.
struct ListBody<Item: Decodable>: Decodable {
    struct Metadata: Decodable {
        var resourceVersion: String?
        var `continue`: String?
    }
    var metadata: Metadata?
    var items: [Item]?
}

extension KubeClient {
    /// Every object of `type` as `T`, a page at a time, for informers. Each page is decoded in
    /// one pass; a page with an object that does not decode is read object by object instead, and
    /// the keys of the objects that failed are returned rather than failing the whole list.
    func listAllDecoded<T: KubernetesObject>(
        _: T.Type, type: ResourceType, namespace: String?, options: ListOptions, pageSize: Int
    ) async throws -> (items: [T], resourceVersion: String, undecodable: Set<ObjectKey>) {
        var options = options
        options.limit = pageSize
        var items: [T] = []
        var undecodable: Set<ObjectKey> = []
        var firstVersion: String?
        while true {
            let request = KubeRequest(
                method: "GET", path: type.path(namespace: namespace), query: options.queryItems, verb: "list",
                resource: type.description)
            let response = try await perform(request)
            let version: String
            let next: String?
            if T.self != DynamicObject.self, let page = try? JSONDecoder().decode(ListBody<T>.self, from: Data(response.body)) {
                items.append(contentsOf: page.items ?? [])
                version = page.metadata?.resourceVersion ?? ""
                next = page.metadata?.continue
            } else {
                let body = try parse(response, request: request)
                for item in body["items"]?.arrayValue ?? [] {
                    if let object = try? decode(T.self, item) {
                        items.append(object)
                    } else {
                        logger.error(
                            "skipping an object that does not decode",
                            metadata: ["resource": "\(type)", "name": "\(item[path: ["metadata", "name"]]?.stringValue ?? "?")"])
                        undecodable.insert(
                            ObjectKey(
                                namespace: item[path: ["metadata", "namespace"]]?.stringValue,
                                name: item[path: ["metadata", "name"]]?.stringValue ?? ""))
                    }
                }
                version = body[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
                next = body[path: ["metadata", "continue"]]?.stringValue
            }
            if firstVersion == nil { firstVersion = version }
            guard let next, !next.isEmpty else { break }
            options.continueToken = next
            options.resourceVersion = nil
        }
        return (items, firstVersion ?? "", undecodable)
    }
}
