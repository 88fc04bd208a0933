/// Why a CRD's `openAPIV3Schema` cannot be used: every problem found, each with the path inside
/// the schema (e.g. `openAPIV3Schema.properties[spec].type: Required value: must not be empty for
/// specified object fields`).
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(errors: [FieldError]) {
        self.errors = errors
    }

    /// One error as is; several in brackets, comma-separated, as Kubernetes aggregates them.
    public var description: String {
        if errors.count == 1 { return errors[0].message }
        return "[" + errors.map(\.message).joined(separator: ", ") + "]"
    }
}
