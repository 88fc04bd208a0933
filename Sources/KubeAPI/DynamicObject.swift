/// An object of any kind, kept as JSON: for resource types without a Swift type, and for tools
/// that handle many kinds at once. `metadata` is decoded once so stores and queues can key it.
public struct DynamicObject: KubernetesObject, Equatable {
    public var json: JSONValue
    public var metadata: ObjectMeta {
        didSet { json["metadata"] = (try? JSONValue(encoding: metadata)) ?? json["metadata"] }
    }

    public init(json: JSONValue) throws {
        self.json = json
        self.metadata = try (json["metadata"] ?? .object([:])).decode(as: ObjectMeta.self)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
