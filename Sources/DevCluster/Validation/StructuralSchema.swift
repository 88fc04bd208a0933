import KubeAPI

/// A CRD version's `schema.openAPIV3Schema` (apiextensions.k8s.io/v1), read into a typed model that
/// ``SchemaValidator`` uses to prune, default and validate custom resources.
///
/// Only structural schemas are accepted: every object field, array item and map value says its
/// `type` (unless it preserves unknown fields or is int-or-string), as the real API server demands.
/// `anyOf`, `oneOf`, `allOf` and `not` are kept for value validation only; they never add fields.
public struct StructuralSchema: Sendable, Equatable {
    /// The JSON types a structural schema can name.
    public enum SchemaType: String, Sendable, Equatable, CaseIterable {
        case array, boolean, integer, number, object, string
    }

    /// `x-kubernetes-list-type`: how a list is merged and whether its items must be unique.
    public enum ListType: String, Sendable, Equatable, CaseIterable {
        case atomic, map, set
    }

    /// `x-kubernetes-map-type`.
    public enum MapType: String, Sendable, Equatable, CaseIterable {
        case atomic, granular
    }

    /// `additionalProperties`: a schema for every value of a map, or a plain allow/forbid.
    public indirect enum AdditionalProperties: Sendable, Equatable {
        case allowed(Bool)
        case schema(StructuralSchema)

        /// The value schema, when one is given.
        public var schema: StructuralSchema? {
            if case .schema(let s) = self { return s }
            return nil
        }
    }

    public var type: SchemaType?
    public var format: String?
    public var description: String?
    public var nullable = false
    /// `default`, applied where the field is absent (or null and not nullable).
    public var defaultValue: JSONValue?
    public var properties: [String: StructuralSchema] = [:]
    public var required: [String] = []
    public var additionalProperties: AdditionalProperties?
    public var enumValues: [JSONValue]?
    public var maximum: Double?
    public var exclusiveMaximum = false
    public var minimum: Double?
    public var exclusiveMinimum = false
    public var multipleOf: Double?
    public var maxLength: Int?
    public var minLength: Int?
    public var pattern: String?
    public var maxItems: Int?
    public var minItems: Int?
    public var uniqueItems = false
    public var maxProperties: Int?
    public var minProperties: Int?
    public var preserveUnknownFields = false
    public var intOrString = false
    public var embeddedResource = false
    public var listType: ListType?
    public var listMapKeys: [String] = []
    public var mapType: MapType?
    public var anyOf: [StructuralSchema] = []
    public var oneOf: [StructuralSchema] = []
    public var allOf: [StructuralSchema] = []

    // Arrays give the recursion the indirection a struct needs; at most one element each.
    private var itemsStorage: [StructuralSchema] = []
    private var notStorage: [StructuralSchema] = []

    /// The schema of every array element.
    public var items: StructuralSchema? {
        get { itemsStorage.first }
        set { itemsStorage = newValue.map { [$0] } ?? [] }
    }

    /// A schema the value must not satisfy.
    public var not: StructuralSchema? {
        get { notStorage.first }
        set { notStorage = newValue.map { [$0] } ?? [] }
    }

    /// An empty schema: anything goes, nothing is kept by pruning.
    public init() {}

    /// Reads an `openAPIV3Schema`. `path` names the schema in error messages; pass e.g.
    /// `spec.versions[0].schema.openAPIV3Schema` when checking a whole CRD.
    public init(json: JSONValue, path: String = "openAPIV3Schema") throws(SchemaError) {
        var errors: [FieldError] = []
        let schema = SchemaParser.parse(json, path: path, position: .root, errors: &errors)
        if !errors.isEmpty { throw SchemaError(errors: errors) }
        self = schema
    }

    /// The types a value may have, as the OpenAPI validator sees them (`int-or-string` is both).
    var allowedTypes: [String] {
        if intOrString { return ["integer", "string"] }
        return type.map { [$0.rawValue] } ?? []
    }
}
