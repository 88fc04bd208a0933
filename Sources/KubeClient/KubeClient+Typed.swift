import Foundation
import KubeAPI

/// CRUD with Swift types: objects are encoded and decoded at the edge, so callers never handle
/// JSON. The resource type comes from the object type; the namespace from the object's metadata.
extension KubeClient {
    public func get<T: KubernetesResource>(_: T.Type, namespace: String?, name: String) async throws -> T {
        try decode(T.self, try await get(T.resourceType, namespace: namespace, name: name))
    }

    /// Reads an object of any type as `T` (for example `DynamicObject`).
    public func get<T: KubernetesObject>(_: T.Type, type: ResourceType, namespace: String?, name: String) async throws -> T {
        try decode(T.self, try await get(type, namespace: namespace, name: name))
    }

    public func list<T: KubernetesResource>(
        _: T.Type, namespace: String?, options: ListOptions = ListOptions()
    ) async throws -> ObjectList<T> {
        let page = try await list(T.resourceType, namespace: namespace, options: options)
        return ObjectList(
            items: try page.items.map { try decode(T.self, $0) }, resourceVersion: page.resourceVersion, continueToken: page.continueToken)
    }

    public func create<T: KubernetesResource>(_ object: T, fieldManager: String? = nil) async throws -> T {
        try decode(
            T.self,
            try await create(T.resourceType, namespace: object.metadata.namespace, object: try encode(object), fieldManager: fieldManager))
    }

    public func update<T: KubernetesResource>(_ object: T, fieldManager: String? = nil) async throws -> T {
        try decode(
            T.self,
            try await update(
                T.resourceType, namespace: object.metadata.namespace, name: try name(of: object), object: try encode(object),
                fieldManager: fieldManager))
    }

    /// Writes `status` only, through the status subresource.
    public func updateStatus<T: KubernetesResource>(_ object: T, fieldManager: String? = nil) async throws -> T {
        try decode(
            T.self,
            try await update(
                T.resourceType, namespace: object.metadata.namespace, name: try name(of: object), object: try encode(object),
                subresource: "status", fieldManager: fieldManager))
    }

    public func patch<T: KubernetesResource>(
        _: T.Type, namespace: String?, name: String, patch: JSONValue, patchType: PatchType, subresource: String? = nil
    ) async throws -> T {
        try decode(
            T.self,
            try await self.patch(
                T.resourceType, namespace: namespace, name: name, patch: patch, patchType: patchType, subresource: subresource))
    }

    /// Server-side apply of `object` as `fieldManager`'s intent.
    public func apply<T: KubernetesResource>(
        _ object: T, fieldManager: String, force: Bool = false, subresource: String? = nil
    ) async throws -> T {
        var json = try encode(object)
        json["apiVersion"] = .string(T.resourceType.apiVersion)
        json["kind"] = .string(T.resourceType.kind)
        return try await patch(
            T.self, namespace: object.metadata.namespace, name: try name(of: object), patch: json,
            patchType: .apply(fieldManager: fieldManager, force: force), subresource: subresource)
    }

    public func delete<T: KubernetesResource>(
        _: T.Type, namespace: String?, name: String, options: DeleteOptions = DeleteOptions()
    ) async throws {
        try await delete(T.resourceType, namespace: namespace, name: name, options: options)
    }

    func decode<T: Decodable>(_: T.Type, _ json: JSONValue) throws -> T {
        if T.self == JSONValue.self { return json as! T }
        do {
            if T.self == DynamicObject.self { return try DynamicObject(json: json) as! T }
            return try json.decode(as: T.self)
        } catch {
            throw KubeError(code: .decoding, message: "cannot read the server's \(T.self): \(error)", underlying: error)
        }
    }

    func encode<T: Encodable>(_ object: T) throws -> JSONValue {
        do {
            return try JSONValue(encoding: object)
        } catch {
            throw KubeError(code: .decoding, message: "cannot encode \(T.self): \(error)", underlying: error)
        }
    }

    private func name<T: KubernetesObject>(of object: T) throws -> String {
        guard let name = object.metadata.name, !name.isEmpty else {
            throw KubeError(code: .invalid, message: "metadata.name: Required value: the \(T.self) has no name")
        }
        return name
    }
}
