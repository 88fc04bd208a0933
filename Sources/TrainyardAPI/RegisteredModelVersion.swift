/// A model version in the MLflow Model Registry, as a TrainingJob reports the one it registered.
public struct RegisteredModelVersion: Codable, Sendable, Equatable {
    public var name: String?
    public var version: Int?

    public init(
        name: String? = nil,
        version: Int? = nil
    ) {
        self.name = name
        self.version = version
    }
}
