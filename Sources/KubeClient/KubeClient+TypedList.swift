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
        var undecodable: Set<ObjectKey> = []
        let list = try await forEachPage(type, namespace: namespace, options: options, pageSize: pageSize) {
            response, request -> ObjectList<T> in
            if T.self != DynamicObject.self, let page = try? JSONDecoder().decode(ListBody<T>.self, from: Data(response.body)) {
                let next = page.metadata?.continue
                return ObjectList(
                    items: page.items ?? [], resourceVersion: page.metadata?.resourceVersion ?? "",
                    continueToken: (next?.isEmpty ?? true) ? nil : next)
            }
            let page = try listPage(response, request: request)
            var items: [T] = []
            for item in page.items {
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
            return ObjectList(items: items, resourceVersion: page.resourceVersion, continueToken: page.continueToken)
        }
        return (list.items, list.resourceVersion, undecodable)
    }
}
