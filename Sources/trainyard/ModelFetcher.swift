import Foundation
import Learn
import Tracking

/// Finds the Trainyard model a `--model` argument names: a local directory or model.json, or an
/// MLflow URI (`models:/NAME@ALIAS`, `models:/NAME/VERSION`, `runs:/RUN/PATH`, `mlflow-artifacts:/...`)
/// whose model.json is downloaded into a temporary directory.
struct ModelFetcher {
    let server: MLflowServerOptions

    /// A model read from its source, with where it came from for messages.
    struct Fetched {
        var model: TrainyardModel
        /// The URI as given, and for registry URIs the version it resolved to.
        var description: String
    }

    func fetch(_ text: String) async throws -> Fetched {
        do {
            return try await fetchOrMissing(text)
        } catch let missing as ModelMissing {
            throw CLIFailure(missing.description)
        }
    }

    /// Like `fetch`, but nil when the registry has no such model, version or alias (yet).
    func fetchIfPresent(_ text: String) async throws -> Fetched? {
        do {
            return try await fetchOrMissing(text)
        } catch is ModelMissing {
            return nil
        }
    }

    /// The registry has no such model, version or alias.
    private struct ModelMissing: Error, CustomStringConvertible {
        let description: String
    }

    private func fetchOrMissing(_ text: String) async throws -> Fetched {
        let uri: ModelURI
        do {
            uri = try ModelURI(parsing: text)
        } catch let error as MLflowError {
            throw CLIFailure("--model: \(error.message)")
        }
        if case .local(let path) = uri {
            return Fetched(model: try Self.loadLocal(path), description: path)
        }
        guard let configuration = try server.configuration(ProcessInfo.processInfo.environment) else {
            throw CLIFailure("--model \(text) is in MLflow: give --tracking-uri or set MLFLOW_TRACKING_URI")
        }
        let client = MLflowClient(configuration)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-model-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result: Result<Fetched, any Error>
        do {
            let resolved = try await client.resolve(uri)
            try await client.downloadModelFiles(
                artifactURI: resolved.artifactURI, names: [MLflowModelFiles.modelFileName], to: directory)
            let model = try Self.loadLocal(directory)
            let description = resolved.version.map { "\(text) (version \($0))" } ?? text
            result = .success(Fetched(model: model, description: description))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        switch result {
        case .success(let fetched): return fetched
        case .failure(let error as MLflowError):
            if error.code == .notFound, error.message.contains("has no \(MLflowModelFiles.modelFileName)") {
                throw CLIFailure("--model \(text) is not a Trainyard model: \(error.message)")
            }
            if error.code == .notFound, uri.isRegistryReference { throw ModelMissing(description: "--model: \(error.message)") }
            throw CLIFailure("--model: \(error.message)")
        case .failure(let error): throw error
        }
    }

    /// A model directory written by `trainyard train`, or a model.json.
    static func loadLocal(_ path: String) throws -> TrainyardModel {
        var isDirectory: ObjCBool = false
        let modelPath =
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent(MLflowModelFiles.modelFileName) : path
        return try TrainyardModel.load(path: modelPath)
    }
}
