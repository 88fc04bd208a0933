import KubeAPI

extension SchemaValidator {
    /// `x-kubernetes-list-type: set` items, and `map` keys, must be unique. Paths here follow
    /// `field.Path`: map values are `[key]`, list items `[index]`.
    static func listTypeErrors(_ value: JSONValue, _ schema: StructuralSchema?, path: String) -> [FieldError] {
        guard let schema else { return [] }
        switch value {
        case .object(let object):
            var errors: [FieldError] = []
            for key in object.keys.sorted() {
                if let property = schema.properties[key] {
                    errors += listTypeErrors(object[key]!, property, path: path.isEmpty ? key : "\(path).\(key)")
                } else if let valueSchema = schema.additionalProperties?.schema {
                    errors += listTypeErrors(object[key]!, valueSchema, path: "\(path)[\(key)]")
                }
            }
            return errors
        case .array(let array):
            var errors: [FieldError] = []
            switch schema.listType {
            case .set:
                for index in nonUniqueIndices(array.map(UniquenessKey.init)) {
                    errors.append(.duplicate("\(path)[\(index)]", array[index]))
                }
            case .map:
                errors += listMapErrors(array, keys: schema.listMapKeys, path: path)
            case .atomic, nil:
                break
            }
            if let items = schema.items {
                for (index, element) in array.enumerated() {
                    errors += listTypeErrors(element, items, path: "\(path)[\(index)]")
                }
            }
            return errors
        default:
            return []
        }
    }

    private static func listMapErrors(_ array: [JSONValue], keys: [String], path: String) -> [FieldError] {
        for (index, element) in array.enumerated() {
            switch element {
            case .object, .null: continue
            default: return [.invalid("\(path)[\(index)]", element, "must be an object for an array of list-type map")]
            }
        }
        guard array.count > 1 else { return [] }
        // The key of an item is the subset of its key fields that are present; null items have none.
        let itemKeys: [JSONValue] = array.map { element in
            var key: [String: JSONValue] = [:]
            for field in keys {
                if let value = element[field] { key[field] = value }
            }
            return .object(key)
        }
        return nonUniqueIndices(itemKeys.map(UniquenessKey.init)).map { index in
            .duplicate("\(path)[\(index)]", itemKeys[index])
        }
    }

    /// The index of the second appearance of each repeated value, in order.
    private static func nonUniqueIndices(_ keys: [UniquenessKey]) -> [Int] {
        var seen: [UniquenessKey: Int] = [:]
        var indices: [Int] = []
        for (index, key) in keys.enumerated() {
            let times = seen[key, default: 0]
            seen[key] = times + 1
            if times == 1 { indices.append(index) }
        }
        return indices
    }
}

/// How uniqueness is judged in a list-type set or map: scalars by value and JSON type (as Go's map
/// keys do), compound values by their canonical JSON.
private enum UniquenessKey: Hashable {
    case scalar(JSONValue)
    case compound(String)

    init(_ value: JSONValue) {
        switch value {
        case .array, .object: self = .compound(value.serialized())
        default: self = .scalar(value)
        }
    }
}
