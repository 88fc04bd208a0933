import Foundation
import KubeAPI

/// Where a schema sits, which decides how a missing `type` is reported.
enum SchemaPosition {
    case root, property, items, additionalProperties, junctor
}

/// Turns JSON into a ``StructuralSchema``, collecting every problem rather than stopping at the first.
enum SchemaParser {
    static let supportedKeys: Set<String> = [
        "type", "format", "description", "title", "nullable", "default", "example", "properties", "required",
        "items", "additionalProperties", "enum", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "multipleOf", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties",
        "minProperties", "anyOf", "oneOf", "allOf", "not", "externalDocs",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource",
        "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations",
    ]

    static func parse(_ json: JSONValue, path: String, position: SchemaPosition, errors: inout [FieldError]) -> StructuralSchema {
        var schema = StructuralSchema()
        guard case .object(let o) = json else {
            errors.append(.invalid(path, json, "must be a JSON object describing a schema"))
            return schema
        }
        for key in o.keys.sorted() where !supportedKeys.contains(key) {
            errors.append(.forbidden("\(path).\(key)", "\(key) is not supported in a structural schema"))
        }

        if let value = o["type"] {
            if case .string(let name) = value {
                if let type = StructuralSchema.SchemaType(rawValue: name) {
                    schema.type = type
                } else if !name.isEmpty {
                    errors.append(
                        .notSupported("\(path).type", value, supported: StructuralSchema.SchemaType.allCases.map(\.rawValue)))
                }
            } else {
                errors.append(.invalid("\(path).type", value, "must be a string"))
            }
        }
        schema.format = string(o, "format", path, &errors)
        schema.description = string(o, "description", path, &errors)
        schema.nullable = bool(o, "nullable", path, &errors) ?? false
        schema.defaultValue = o["default"]
        schema.preserveUnknownFields = bool(o, "x-kubernetes-preserve-unknown-fields", path, &errors) ?? false
        schema.intOrString = bool(o, "x-kubernetes-int-or-string", path, &errors) ?? false
        schema.embeddedResource = bool(o, "x-kubernetes-embedded-resource", path, &errors) ?? false

        schema.maximum = number(o, "maximum", path, &errors)
        schema.minimum = number(o, "minimum", path, &errors)
        schema.exclusiveMaximum = bool(o, "exclusiveMaximum", path, &errors) ?? false
        schema.exclusiveMinimum = bool(o, "exclusiveMinimum", path, &errors) ?? false
        schema.multipleOf = number(o, "multipleOf", path, &errors)
        if let factor = schema.multipleOf, factor <= 0 {
            errors.append(.invalid("\(path).multipleOf", .double(factor), "must be greater than zero"))
        }
        schema.maxLength = count(o, "maxLength", path, &errors)
        schema.minLength = count(o, "minLength", path, &errors)
        schema.maxItems = count(o, "maxItems", path, &errors)
        schema.minItems = count(o, "minItems", path, &errors)
        schema.maxProperties = count(o, "maxProperties", path, &errors)
        schema.minProperties = count(o, "minProperties", path, &errors)
        schema.uniqueItems = bool(o, "uniqueItems", path, &errors) ?? false

        if let pattern = string(o, "pattern", path, &errors) {
            do {
                _ = try NSRegularExpression(pattern: pattern)
                schema.pattern = pattern
            } catch {
                errors.append(.invalid("\(path).pattern", .string(pattern), "must be a valid regular expression, but isn't"))
            }
        }

        if let value = o["enum"] {
            if case .array(let values) = value {
                schema.enumValues = values
            } else {
                errors.append(.invalid("\(path).enum", value, "must be an array"))
            }
        }
        if let value = o["required"] {
            if case .array(let names) = value, names.allSatisfy({ $0.stringValue != nil }) {
                schema.required = names.compactMap(\.stringValue)
            } else {
                errors.append(.invalid("\(path).required", value, "must be an array of strings"))
            }
        }

        if let value = o["properties"] {
            if case .object(let props) = value {
                for name in props.keys.sorted() {
                    schema.properties[name] = parse(
                        props[name]!, path: "\(path).properties[\(name)]", position: .property, errors: &errors)
                }
            } else {
                errors.append(.invalid("\(path).properties", value, "must be an object of schemas"))
            }
        }
        if let value = o["items"] {
            switch value {
            case .object: schema.items = parse(value, path: "\(path).items", position: .items, errors: &errors)
            case .array: errors.append(.forbidden("\(path).items", "items must be a schema object and not an array"))
            default: errors.append(.invalid("\(path).items", value, "must be a schema object"))
            }
        }
        if let value = o["additionalProperties"] {
            switch value {
            case .bool(let allowed): schema.additionalProperties = .allowed(allowed)
            case .object:
                schema.additionalProperties = .schema(
                    parse(value, path: "\(path).additionalProperties", position: .additionalProperties, errors: &errors))
            default: errors.append(.invalid("\(path).additionalProperties", value, "must be a boolean or a schema object"))
            }
        }
        schema.anyOf = junctor(o, "anyOf", path, &errors)
        schema.oneOf = junctor(o, "oneOf", path, &errors)
        schema.allOf = junctor(o, "allOf", path, &errors)
        if let value = o["not"] {
            schema.not = parse(value, path: "\(path).not", position: .junctor, errors: &errors)
        }

        if let name = string(o, "x-kubernetes-list-type", path, &errors) {
            if let listType = StructuralSchema.ListType(rawValue: name) {
                schema.listType = listType
            } else {
                errors.append(
                    .notSupported(
                        "\(path).x-kubernetes-list-type", .string(name),
                        supported: StructuralSchema.ListType.allCases.map(\.rawValue)))
            }
        }
        if let value = o["x-kubernetes-list-map-keys"] {
            if case .array(let keys) = value, keys.allSatisfy({ $0.stringValue != nil }) {
                schema.listMapKeys = keys.compactMap(\.stringValue)
            } else {
                errors.append(.invalid("\(path).x-kubernetes-list-map-keys", value, "must be an array of strings"))
            }
        }
        if let name = string(o, "x-kubernetes-map-type", path, &errors) {
            if let mapType = StructuralSchema.MapType(rawValue: name) {
                schema.mapType = mapType
            } else {
                errors.append(
                    .notSupported(
                        "\(path).x-kubernetes-map-type", .string(name),
                        supported: StructuralSchema.MapType.allCases.map(\.rawValue)))
            }
        }

        checkStructure(schema, path: path, position: position, errors: &errors)
        return schema
    }

    /// The structural rules the API server enforces on a CRD schema, reduced to those that matter
    /// for pruning, defaulting and validation.
    private static func checkStructure(
        _ schema: StructuralSchema, path: String, position: SchemaPosition, errors: inout [FieldError]
    ) {
        let typeOptional = schema.preserveUnknownFields || schema.intOrString
        if schema.type == nil, !typeOptional {
            switch position {
            case .root: errors.append(.required("\(path).type", "must not be empty at the root"))
            case .property, .additionalProperties:
                errors.append(.required("\(path).type", "must not be empty for specified object fields"))
            case .items: errors.append(.required("\(path).type", "must not be empty for specified array items"))
            case .junctor: break
            }
        }
        if position == .root, let type = schema.type, type != .object {
            errors.append(.invalid("\(path).type", .string(type.rawValue), "must be object at the root"))
        }
        if schema.intOrString, schema.type != nil, position != .junctor {
            errors.append(.invalid("\(path).type", .string(schema.type!.rawValue), "must be empty if x-kubernetes-int-or-string is true"))
        }
        if schema.type == .array, schema.items == nil {
            errors.append(.required("\(path).items", "must be specified"))
        }
        if !schema.properties.isEmpty, schema.additionalProperties?.schema != nil {
            errors.append(.forbidden("\(path).additionalProperties", "additionalProperties and properties are mutual exclusive"))
        }
        if schema.embeddedResource, schema.type != .object {
            errors.append(
                .invalid(
                    "\(path).type", schema.type.map { .string($0.rawValue) } ?? .string(""),
                    "must be object if x-kubernetes-embedded-resource is true"))
        }
        if let listType = schema.listType, schema.type != .array {
            errors.append(.invalid("\(path).x-kubernetes-list-type", .string(listType.rawValue), "must only be used if type is array"))
        }
        if schema.listType == .map {
            if schema.listMapKeys.isEmpty {
                errors.append(.required("\(path).x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"))
            }
            if let items = schema.items, items.type != .object {
                errors.append(
                    .invalid(
                        "\(path).items.type", items.type.map { .string($0.rawValue) } ?? .string(""),
                        "must be object for an array of list-type map"))
            }
            if let items = schema.items {
                for key in schema.listMapKeys where items.properties[key] == nil {
                    errors.append(
                        .invalid("\(path).x-kubernetes-list-map-keys", .string(key), "entries must all be names of item properties"))
                }
            }
        } else if !schema.listMapKeys.isEmpty {
            errors.append(.forbidden("\(path).x-kubernetes-list-map-keys", "must not be specified if x-kubernetes-list-type is not map"))
        }
        if let mapType = schema.mapType, schema.type != .object {
            errors.append(.invalid("\(path).x-kubernetes-map-type", .string(mapType.rawValue), "must only be used if type is object"))
        }
    }

    private static func junctor(_ o: [String: JSONValue], _ key: String, _ path: String, _ errors: inout [FieldError]) -> [StructuralSchema]
    {
        guard let value = o[key] else { return [] }
        guard case .array(let list) = value else {
            errors.append(.invalid("\(path).\(key)", value, "must be an array of schemas"))
            return []
        }
        return list.enumerated().map { index, element in
            parse(element, path: "\(path).\(key)[\(index)]", position: .junctor, errors: &errors)
        }
    }

    private static func string(_ o: [String: JSONValue], _ key: String, _ path: String, _ errors: inout [FieldError]) -> String? {
        guard let value = o[key] else { return nil }
        if case .string(let s) = value { return s }
        errors.append(.invalid("\(path).\(key)", value, "must be a string"))
        return nil
    }

    private static func bool(_ o: [String: JSONValue], _ key: String, _ path: String, _ errors: inout [FieldError]) -> Bool? {
        guard let value = o[key] else { return nil }
        if case .bool(let b) = value { return b }
        errors.append(.invalid("\(path).\(key)", value, "must be a boolean"))
        return nil
    }

    private static func number(_ o: [String: JSONValue], _ key: String, _ path: String, _ errors: inout [FieldError]) -> Double? {
        guard let value = o[key] else { return nil }
        if let d = value.doubleValue, d.isFinite { return d }
        errors.append(.invalid("\(path).\(key)", value, "must be a number"))
        return nil
    }

    private static func count(_ o: [String: JSONValue], _ key: String, _ path: String, _ errors: inout [FieldError]) -> Int? {
        guard let value = o[key] else { return nil }
        if let i = value.intValue, i >= 0, i <= Int64(Int32.max) { return Int(i) }
        errors.append(.invalid("\(path).\(key)", value, "must be a non-negative integer"))
        return nil
    }
}
