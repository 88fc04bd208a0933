import Foundation
import KubeAPI

/// Does to a custom resource what the Kubernetes API server does with a CRD version's structural
/// schema, in the server's order: ``prune(_:)`` unknown fields, ``applyDefaults(_:)``, then
/// ``validate(_:)``. Messages match the real server's (kube-openapi's wording inside
/// apimachinery `field.Error`s), so kubectl users read what they would read against a real cluster.
public struct SchemaValidator: Sendable {
    public let schema: StructuralSchema

    public init(schema: StructuralSchema) {
        self.schema = schema
    }

    /// Reads the schema first; throws when it is not a usable structural schema.
    public init(openAPIV3Schema: JSONValue) throws(SchemaError) {
        self.schema = try StructuralSchema(json: openAPIV3Schema)
    }

    // MARK: - Pruning

    /// Removes every field the schema does not describe and returns it with the removed paths
    /// (`spec.foo`, `spec.items[0].bar`), which the server reports as `unknown field "spec.foo"`
    /// warnings, or refuses with `fieldValidation=Strict`.
    ///
    /// Kept: anything under `x-kubernetes-preserve-unknown-fields: true` or `additionalProperties: true`;
    /// `apiVersion`, `kind` and `metadata` of the root and of embedded resources (unknown
    /// `metadata` fields are dropped and reported, as ObjectMeta has a fixed shape).
    public func prune(_ object: JSONValue) -> (JSONValue, unknownFields: [String]) {
        var root = schema
        root.embeddedResource = true
        var pruner = SchemaPruner()
        let result = pruner.prune(object, root, path: "")
        return (result, pruner.unknownFields)
    }

    // MARK: - Defaulting

    /// Fills in `default`s where a field is absent, or null and not nullable. A parent's default is
    /// applied before its children's, so a defaulted object receives its own fields' defaults too,
    /// as the real server does. Afterwards, null values of non-nullable fields without a default are
    /// dropped (the server's `PruneNonNullableNullsWithoutDefaults`), so they read as absent.
    public func applyDefaults(_ object: JSONValue) -> JSONValue {
        let defaulted = Self.defaulted(object, schema)
        return Self.droppingNonNullableNulls(defaulted, schema)
    }

    private static func defaulted(_ value: JSONValue, _ schema: StructuralSchema?) -> JSONValue {
        guard let schema else { return value }
        switch value {
        case .object(var object):
            for (key, property) in schema.properties {
                guard let defaultValue = property.defaultValue else { continue }
                let current = object[key]
                if current == nil || (current == .null && !property.nullable) {
                    object[key] = Self.prunedDefault(defaultValue, property)
                }
            }
            for key in object.keys {
                if let property = schema.properties[key] {
                    object[key] = defaulted(object[key]!, property)
                } else if let valueSchema = schema.additionalProperties?.schema {
                    if object[key] == .null, !valueSchema.nullable, let defaultValue = valueSchema.defaultValue {
                        object[key] = Self.prunedDefault(defaultValue, valueSchema)
                    }
                    object[key] = defaulted(object[key]!, valueSchema)
                }
            }
            return .object(object)
        case .array(var array):
            guard let items = schema.items else { return value }
            for index in array.indices {
                if array[index] == .null, !items.nullable, let defaultValue = items.defaultValue {
                    array[index] = Self.prunedDefault(defaultValue, items)
                }
                array[index] = defaulted(array[index], items)
            }
            return .array(array)
        default:
            return value
        }
    }

    /// The server prunes defaults when the CRD is stored, so a default never brings unknown fields.
    private static func prunedDefault(_ value: JSONValue, _ schema: StructuralSchema) -> JSONValue {
        var pruner = SchemaPruner()
        return pruner.prune(value, schema, path: "")
    }

    private static func droppingNonNullableNulls(_ value: JSONValue, _ schema: StructuralSchema?) -> JSONValue {
        guard let schema else { return value }
        switch value {
        case .object(var object):
            for (key, child) in object {
                if child == .null, let property = schema.properties[key], property.defaultValue == nil, !property.nullable {
                    object[key] = nil
                }
            }
            for key in object.keys {
                if let property = schema.properties[key] {
                    object[key] = droppingNonNullableNulls(object[key]!, property)
                } else if let valueSchema = schema.additionalProperties?.schema {
                    object[key] = droppingNonNullableNulls(object[key]!, valueSchema)
                }
            }
            return .object(object)
        case .array(let array):
            return .array(array.map { droppingNonNullableNulls($0, schema.items) })
        default:
            return value
        }
    }

    // MARK: - Validation

    /// Every schema violation in `object` (not just the first): types, enums, ranges, lengths,
    /// patterns, formats, required fields, item and property counts, `anyOf`/`oneOf`/`allOf`/`not`,
    /// then `x-kubernetes-list-type` set/map uniqueness. Paths are relative to the object root.
    public func validate(_ object: JSONValue) -> [FieldError] {
        var run = SchemaValueValidation()
        run.validate(object, schema, path: "")
        var errors = run.errors
        if case .object = object {
            errors += Self.listTypeErrors(object, schema, path: "")
        }
        return errors
    }

    /// What the server checks on create: the object's metadata first, then its schema.
    public func validateCustomResource(_ object: JSONValue, namespaced: Bool) -> [FieldError] {
        Self.validateObjectMeta(object["metadata"], namespaced: namespaced) + validate(object)
    }
}
