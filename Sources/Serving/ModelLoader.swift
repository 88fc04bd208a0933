import Foundation
import Learn
import Tracking

/// Loads the model `trainyard serve --model` names: a directory written by `trainyard train` (or
/// its model.json), or an MLflow URI (`models:/NAME/VERSION`, `models:/NAME@ALIAS`,
/// `runs:/RUN/PATH`, `mlflow-artifacts:/...`) fetched through the ``ModelStore`` cache.
public struct ModelLoader: Sendable {
    public var tracking: MLflowConfiguration?
    public var cacheDirectory: String?
    /// The name served under for a model that is not from the registry (default: the
    /// directory's name).
    public var name: String?

    public init(tracking: MLflowConfiguration?, cacheDirectory: String? = nil, name: String? = nil) {
        self.tracking = tracking
        self.cacheDirectory = cacheDirectory
        self.name = name
    }

    /// Why a model could not be loaded, in words for the log and the pod's termination message.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public func load(_ text: String) async throws -> ServedModel {
        let uri: ModelURI
        do {
            uri = try ModelURI(parsing: text)
        } catch let error as MLflowError {
            throw Failure(description: "--model: \(error.message)")
        }
        if case .local(let path) = uri {
            let model = try Self.loadLocal(path)
            let directory = path.hasSuffix(".json") ? (path as NSString).deletingLastPathComponent : path
            let fallback = (((directory as NSString).standardizingPath) as NSString).lastPathComponent
            return ServedModel(
                model: model, name: name ?? (fallback.isEmpty ? "model" : fallback), runId: Self.runID(inModelDirectory: directory),
                source: text)
        }
        guard let tracking else {
            throw Failure(description: "--model \(text) is in MLflow: give --tracking-uri or set MLFLOW_TRACKING_URI")
        }
        let client = MLflowClient(tracking)
        do {
            let served = try await fetch(uri, text: text, client: client)
            try? await client.shutdown()
            return served
        } catch {
            try? await client.shutdown()
            // MLflow's messages name the URI already.
            if let error = error as? MLflowError { throw Failure(description: "--model: \(error.message)") }
            throw error
        }
    }

    private func fetch(_ uri: ModelURI, text: String, client: MLflowClient) async throws -> ServedModel {
        let download = try await ModelStore(client: client, cacheDirectory: cacheDirectory)
            .download(uri, files: [MLflowModelFiles.modelFileName])
        defer { if download.isTemporary { try? FileManager.default.removeItem(atPath: download.directory) } }
        let model = try Self.loadLocal(download.directory)
        var runId: String?
        if let registered = download.resolved.name, let version = download.resolved.version {
            runId = try? await client.modelVersion(name: registered, version: version).runId
        } else if case .run(let id, _) = uri {
            runId = id
        }
        let servedName: String
        switch uri {
        case .alias(let registered, _), .version(let registered, _), .latest(let registered): servedName = name ?? registered
        default: servedName = name ?? "model"
        }
        return ServedModel(model: model, name: servedName, version: download.resolved.version, runId: runId, source: text)
    }

    /// A model directory written by `trainyard train`, or a model.json.
    static func loadLocal(_ path: String) throws -> TrainyardModel {
        var isDirectory: ObjCBool = false
        let modelPath =
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent(MLflowModelFiles.modelFileName) : path
        do {
            return try TrainyardModel.load(path: modelPath)
        } catch let error as ModelError {
            throw Failure(description: "--model: \(error.message)")
        }
    }

    /// The `run_id` in a model directory's MLmodel file, if it has one.
    static func runID(inModelDirectory directory: String) -> String? {
        guard let text = try? String(contentsOfFile: (directory as NSString).appendingPathComponent("MLmodel"), encoding: .utf8) else {
            return nil
        }
        for line in text.split(separator: "\n") where line.hasPrefix("run_id:") {
            let value = line.dropFirst("run_id:".count).trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "'\""))
            return value.isEmpty || value == "null" ? nil : value
        }
        return nil
    }
}
