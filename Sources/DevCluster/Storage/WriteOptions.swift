import KubeAPI

/// Query options that shape a write: `dryRun`, `fieldManager`, `fieldValidation`, `force`.
struct WriteOptions: Sendable {
    /// How unknown fields in a request body are treated (`fieldValidation=`).
    enum FieldValidation: String, Sendable {
        case ignore = "Ignore"
        case warn = "Warn"
        case strict = "Strict"
    }

    var dryRun = false
    var fieldManager: String
    var fieldValidation: FieldValidation = .warn
    /// Server-side apply: take ownership of conflicting fields instead of failing.
    var force = false

    init(fieldManager: String) {
        self.fieldManager = fieldManager
    }
}

/// The outcome of a write: the object as stored (or as it would be, for a dry run) and warnings
/// for the `Warning` response header.
struct WriteResult: Sendable {
    var object: JSONValue
    var created: Bool
    var warnings: [String]
}
