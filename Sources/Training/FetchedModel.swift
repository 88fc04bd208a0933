import Foundation
import Learn
import Tracking

/// A Trainyard model loaded from what a `--model` argument names: a local directory (or its
/// model.json), or an MLflow URI (`models:/NAME@ALIAS`, `models:/NAME/VERSION`, `runs:/RUN/PATH`,
/// `mlflow-artifacts:/...`) fetched through the `ModelStore`.
public struct FetchedModel: Sendable {
    public var model: TrainyardModel
    /// The URI as given, and for registry URIs the version it resolved to.
    public var description: String

    /// Loads the model; a registry without that model, version or alias is an error saying so.
    public static func fetch(_ text: String, tracking: MLflowConfiguration?, cacheDirectory: String? = nil) async throws -> FetchedModel {
        do {
            return try await fetchOrMissing(text, tracking: tracking, cacheDirectory: cacheDirectory)
        } catch let missing as ModelMissing {
            throw WorkloadFailure(missing.description)
        }
    }

    /// Like `fetch`, but nil when the registry has no such model, version or alias (yet).
    public static func fetchIfPresent(_ text: String, tracking: MLflowConfiguration?, cacheDirectory: String? = nil) async throws
        -> FetchedModel?
    {
        do {
            return try await fetchOrMissing(text, tracking: tracking, cacheDirectory: cacheDirectory)
        } catch is ModelMissing {
            return nil
        }
    }

    /// The registry has no such model, version or alias.
    private struct ModelMissing: Error, CustomStringConvertible {
        let description: String
    }

    private static func fetchOrMissing(_ text: String, tracking: MLflowConfiguration?, cacheDirectory: String?) async throws
        -> FetchedModel
    {
        let uri: ModelURI
        do {
            uri = try ModelURI(parsing: text)
        } catch let error as MLflowError {
            throw WorkloadFailure("--model: \(error.message)")
        }
        if case .local(let path) = uri {
            return FetchedModel(model: try loadLocal(path), description: path)
        }
        guard let tracking else {
            throw WorkloadFailure("--model \(text) is in MLflow: give --tracking-uri or set MLFLOW_TRACKING_URI")
        }
        let client = MLflowClient(tracking)
        let result: Result<FetchedModel, any Error>
        do {
            let download = try await ModelStore(client: client, cacheDirectory: cacheDirectory)
                .download(uri, files: [MLflowModelFiles.modelFileName])
            defer { if download.isTemporary { try? FileManager.default.removeItem(atPath: download.directory) } }
            let description = download.resolved.version.map { "\(text) (version \($0))" } ?? text
            result = .success(FetchedModel(model: try loadLocal(download.directory), description: description))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        switch result {
        case .success(let fetched): return fetched
        case .failure(let error as MLflowError):
            if error.code == .notFound, error.message.contains("has no \(MLflowModelFiles.modelFileName)") {
                throw WorkloadFailure("--model \(text) is not a Trainyard model: \(error.message)")
            }
            if error.code == .notFound, uri.isRegistryReference { throw ModelMissing(description: "--model: \(error.message)") }
            throw WorkloadFailure("--model: \(error.message)")
        case .failure(let error): throw error
        }
    }

    /// A model directory written by `trainyard train`, or a model.json.
    public static func loadLocal(_ path: String) throws -> TrainyardModel {
        var isDirectory: ObjCBool = false
        let modelPath =
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent(MLflowModelFiles.modelFileName) : path
        return try TrainyardModel.load(path: modelPath)
    }
}
