import Foundation
import Tracking

/// A registered model version as a controller needs it: its number and the run that made it.
public struct RegisteredVersion: Sendable, Equatable {
    public var version: Int
    public var runId: String?

    public init(version: Int, runId: String? = nil) {
        self.version = version
        self.runId = runId
    }
}

/// The model registry as the ModelDeployment and BatchPrediction controllers read it: which version
/// an alias names, and whether a version exists. nil means the registry answered that there is no
/// such alias, version or model; a thrown error means it could not be asked (see
/// ``TrackingFailure``). The MLflow registry in production, an in-memory one in fast tests.
public protocol ModelRegistry: Sendable {
    func version(model: String, alias: String) async throws -> RegisteredVersion?
    func version(model: String, version: Int) async throws -> RegisteredVersion?
}

/// The registry of an MLflow tracking server.
public struct MLflowModelRegistry: ModelRegistry {
    let client: MLflowClient

    public init(_ configuration: MLflowConfiguration) {
        client = MLflowClient(configuration)
    }

    public func version(model: String, alias: String) async throws -> RegisteredVersion? {
        guard let found = try await client.modelVersion(name: model, alias: alias) else { return nil }
        return Int(found.version).map { RegisteredVersion(version: $0, runId: found.runId) }
    }

    public func version(model: String, version: Int) async throws -> RegisteredVersion? {
        do {
            let found = try await client.modelVersion(name: model, version: String(version))
            return RegisteredVersion(version: version, runId: found.runId)
        } catch let error as MLflowError where error.code == .notFound && error.mlflowCode == "RESOURCE_DOES_NOT_EXIST" {
            return nil
        }
    }
}
