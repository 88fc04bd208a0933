import KubeAPI

/// One kind of object the dev API server serves: where it lives in the URL space and how it behaves.
public struct ResourceInfo: Sendable, Equatable {
    /// API group; empty for the core group.
    public var group: String
    public var version: String
    /// Plural, lower-case resource name as used in URLs (`trainingjobs`).
    public var resource: String
    public var singular: String
    public var kind: String
    public var listKind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Whether a `/status` subresource exists; when it does the main endpoint ignores status changes.
    public var hasStatusSubresource: Bool
    /// Whether `metadata.generation` is kept and bumped on spec changes.
    public var tracksGeneration: Bool
    /// For custom resources: the structural schema CRs are validated, pruned and defaulted against.
    public var schema: StructuralSchema?
    /// The CRD's `openAPIV3Schema` as written, published in the OpenAPI documents for `kubectl explain`.
    public var openAPISchema: JSONValue?
    /// Printer columns beyond Name; for custom resources from `additionalPrinterColumns`.
    public var printerColumns: [PrinterColumn]
    /// The CustomResourceDefinition that defines this resource, if any.
    public var definedBy: String?
    /// For custom resources whose CRD declares `subresources.scale`: where `/scale` reads and writes.
    public var scaleSubresource: CustomResourceScale?

    /// `group/version`, or just `version` for the core group.
    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `resource.group`, or just `resource` for the core group: how errors name the resource.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }
    /// `Kind.group`, as the server names a kind in Invalid errors.
    public var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }
    /// The storage key of this resource (group and resource, version-free).
    public var storageKey: String { "\(group)/\(resource)" }
    /// URL prefix of this resource's group-version (`/api/v1` or `/apis/G/V`).
    public var apiPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public init(
        group: String, version: String, resource: String, singular: String, kind: String,
        namespaced: Bool, shortNames: [String] = [], categories: [String] = [],
        hasStatusSubresource: Bool = false, tracksGeneration: Bool = false,
        schema: StructuralSchema? = nil, openAPISchema: JSONValue? = nil, printerColumns: [PrinterColumn] = [], definedBy: String? = nil,
        scaleSubresource: CustomResourceScale? = nil
    ) {
        self.group = group
        self.version = version
        self.resource = resource
        self.singular = singular
        self.kind = kind
        self.listKind = kind + "List"
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.hasStatusSubresource = hasStatusSubresource
        self.tracksGeneration = tracksGeneration
        self.schema = schema
        self.openAPISchema = openAPISchema
        self.printerColumns = printerColumns
        self.definedBy = definedBy
        self.scaleSubresource = scaleSubresource
    }

    public static func == (lhs: ResourceInfo, rhs: ResourceInfo) -> Bool {
        lhs.group == rhs.group && lhs.version == rhs.version && lhs.resource == rhs.resource
            && lhs.kind == rhs.kind && lhs.namespaced == rhs.namespaced && lhs.shortNames == rhs.shortNames
            && lhs.categories == rhs.categories && lhs.hasStatusSubresource == rhs.hasStatusSubresource
            && lhs.printerColumns == rhs.printerColumns && lhs.definedBy == rhs.definedBy
            && lhs.scaleSubresource == rhs.scaleSubresource
    }
}

/// A column of `kubectl get` output, as in a CRD's `additionalPrinterColumns`.
public struct PrinterColumn: Sendable, Equatable {
    public var name: String
    /// OpenAPI type of the cell: string, integer, number, boolean or date.
    public var type: String
    public var format: String
    public var description: String
    /// Columns with priority above 0 appear only in `-o wide`.
    public var priority: Int
    public var jsonPath: String

    public init(name: String, type: String, format: String = "", description: String = "", priority: Int = 0, jsonPath: String) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
        self.jsonPath = jsonPath
    }
}
