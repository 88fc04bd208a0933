import KubeAPI

/// Removes unknown fields, recording where each was.
struct SchemaPruner {
    var unknownFields: [String] = []

    /// The fields ObjectMeta has; anything else in `metadata` is unknown.
    static let objectMetaFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    ]

    mutating func prune(_ value: JSONValue, _ schema: StructuralSchema?, path: String) -> JSONValue {
        if let schema, schema.preserveUnknownFields || schema.additionalProperties == .allowed(true) {
            return skipPrune(value, schema, path: path)
        }
        switch value {
        case .object(let object):
            var kept: [String: JSONValue] = [:]
            for key in object.keys.sorted() {
                let child = object[key]!
                let childPath = Self.join(path, key)
                guard let schema else {
                    unknownFields.append(childPath)
                    continue
                }
                if schema.embeddedResource, let meta = keptMetaField(key, child, path: childPath) {
                    kept[key] = meta
                } else if let property = schema.properties[key] {
                    kept[key] = prune(child, property, path: childPath)
                } else if let valueSchema = schema.additionalProperties?.schema {
                    kept[key] = prune(child, valueSchema, path: childPath)
                } else {
                    unknownFields.append(childPath)
                }
            }
            return .object(kept)
        case .array(let array):
            return .array(
                array.enumerated().map { index, element in
                    prune(element, schema?.items, path: "\(path)[\(index)]")
                })
        default:
            return value
        }
    }

    /// Under preserve-unknown-fields, unknown keys stay but known ones are still pruned by their schemas.
    private mutating func skipPrune(_ value: JSONValue, _ schema: StructuralSchema?, path: String) -> JSONValue {
        guard let schema else { return value }
        switch value {
        case .object(var object):
            for key in object.keys.sorted() {
                let childPath = Self.join(path, key)
                if schema.embeddedResource, ["apiVersion", "kind", "metadata"].contains(key) {
                    if let meta = keptMetaField(key, object[key]!, path: childPath) { object[key] = meta }
                } else if let property = schema.properties[key] {
                    object[key] = prune(object[key]!, property, path: childPath)
                } else if let valueSchema = schema.additionalProperties?.schema {
                    object[key] = prune(object[key]!, valueSchema, path: childPath)
                }
            }
            return .object(object)
        case .array(let array):
            return .array(
                array.enumerated().map { index, element in
                    skipPrune(element, schema.items, path: "\(path)[\(index)]")
                })
        default:
            return value
        }
    }

    /// `apiVersion` and `kind` strings and a `metadata` object of a resource are always kept;
    /// `nil` means the field is not one of those and is pruned like any other.
    private mutating func keptMetaField(_ key: String, _ value: JSONValue, path: String) -> JSONValue? {
        switch (key, value) {
        case ("apiVersion", .string), ("kind", .string):
            return value
        case ("metadata", .object(var metadata)):
            for metaKey in metadata.keys.sorted() where !Self.objectMetaFields.contains(metaKey) {
                unknownFields.append("\(path).\(metaKey)")
                metadata[metaKey] = nil
            }
            return .object(metadata)
        default:
            return nil
        }
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
