/// A registered MLflow model to serve or score with: by alias, which follows promotions, or by a
/// fixed version. The schema requires exactly one of the two.
public struct ModelReference: Codable, Sendable, Equatable {
    /// Registered model name.
    public var name: String
    /// Alias such as `champion`; the version it points at can change.
    public var alias: String?
    /// A fixed version number.
    public var version: Int?

    public init(
        name: String,
        alias: String? = nil,
        version: Int? = nil
    ) {
        self.name = name
        self.alias = alias
        self.version = version
    }

    /// The MLflow model URI: `models:/NAME@ALIAS`, or `models:/NAME/VERSION` when no alias is set.
    public var uri: String {
        if let alias { return "models:/\(name)@\(alias)" }
        if let version { return "models:/\(name)/\(version)" }
        return "models:/\(name)"
    }
}
