import Foundation

/// Brings the files of a model that MLflow holds (`models:/NAME@ALIAS`, `models:/NAME/VERSION`,
/// `runs:/RUN/PATH`, `mlflow-artifacts:/...`) to a local directory, for every workload that loads
/// one (the trainer's champion, the scorer, the model server). With a cache directory, a model
/// version or run artifact (which never changes once written) is downloaded once and reused; an
/// alias is resolved anew every time, so it always names the current version.
public struct ModelStore: Sendable {
    public let client: MLflowClient
    /// Where downloaded models are kept; nil: a new temporary directory per download.
    public let cacheDirectory: String?

    public init(client: MLflowClient, cacheDirectory: String? = nil) {
        self.client = client
        self.cacheDirectory = cacheDirectory
    }

    /// A model's files on local disk.
    public struct Download: Sendable {
        public var directory: String
        /// The resolved artifact URI and, for a registry URI, the version it named.
        public var resolved: ResolvedModel
        /// True when the files came from the cache without a download.
        public var fromCache: Bool
        /// True when `directory` is a temporary one the caller should remove.
        public var isTemporary: Bool
    }

    /// Resolves `uri` and brings its files `names` (relative to the model directory) to disk.
    /// A model version or a run's model that is in the cache already is used without asking
    /// MLflow at all, so a server restarting while MLflow is down still loads it.
    public func download(_ uri: ModelURI, files names: [String]) async throws -> Download {
        if let cached = cachedImmutable(uri, files: names) { return cached }
        let resolved = try await client.resolve(uri)
        guard let cacheDirectory else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-model-\(UUID().uuidString)").path
            do {
                try await client.downloadModelFiles(artifactURI: resolved.artifactURI, names: names, to: directory)
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
            return Download(directory: directory, resolved: resolved, fromCache: false, isTemporary: true)
        }
        let key = Self.cacheKey(artifactURI: resolved.artifactURI, names: names)
        let directory = (cacheDirectory as NSString).appendingPathComponent(key)
        if names.allSatisfy({ FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }) {
            rememberImmutable(uri, files: names, resolved: resolved, key: key)
            return Download(directory: directory, resolved: resolved, fromCache: true, isTemporary: false)
        }
        // Into a scratch directory beside it, then renamed: a reader never sees half a model, and
        // two downloads of the same model at once leave one complete copy.
        let scratch = (cacheDirectory as NSString).appendingPathComponent(".\(key)-\(UUID().uuidString)")
        do {
            try await client.downloadModelFiles(artifactURI: resolved.artifactURI, names: names, to: scratch)
            // An entry that appeared meanwhile is complete (entries only appear by rename) and may be in use: keep it.
            if FileManager.default.fileExists(atPath: directory) {
                try? FileManager.default.removeItem(atPath: scratch)
            } else {
                try FileManager.default.moveItem(atPath: scratch, toPath: directory)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            guard names.allSatisfy({ FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }) else {
                throw error
            }
        }
        rememberImmutable(uri, files: names, resolved: resolved, key: key)
        return Download(directory: directory, resolved: resolved, fromCache: false, isTemporary: false)
    }

    /// Where the cache notes which entry an immutable URI (a version, a run's path) resolved to.
    private func referencePath(_ uri: ModelURI, files names: [String]) -> String? {
        guard let cacheDirectory else { return nil }
        switch uri {
        case .version, .run: break
        default: return nil
        }
        return (cacheDirectory as NSString).appendingPathComponent(".refs/" + Self.cacheKey(artifactURI: uri.description, names: names))
    }

    /// The cache entry an immutable URI resolved to before, if it is still complete.
    private func cachedImmutable(_ uri: ModelURI, files names: [String]) -> Download? {
        guard let cacheDirectory, let reference = referencePath(uri, files: names),
            let text = try? String(contentsOfFile: reference, encoding: .utf8)
        else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 2, !lines[0].contains("/") else { return nil }
        let directory = (cacheDirectory as NSString).appendingPathComponent(lines[0])
        guard names.allSatisfy({ FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }) else {
            return nil
        }
        var resolved = ResolvedModel(artifactURI: lines[1])
        if case .version(let name, let version) = uri {
            resolved.name = name
            resolved.version = version
        }
        return Download(directory: directory, resolved: resolved, fromCache: true, isTemporary: false)
    }

    private func rememberImmutable(_ uri: ModelURI, files names: [String], resolved: ResolvedModel, key: String) {
        guard let reference = referencePath(uri, files: names) else { return }
        try? FileManager.default.createDirectory(
            atPath: (reference as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? Data("\(key)\n\(resolved.artifactURI)\n".utf8).write(to: URL(fileURLWithPath: reference), options: .atomic)
    }

    /// A file name for the cache entry of these files of this artifact: readable, and unique by
    /// an FNV-1a hash of the whole.
    static func cacheKey(artifactURI: String, names: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (artifactURI + "\n" + names.sorted().joined(separator: "\n")).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let tail = artifactURI.split(separator: "/").suffix(3).joined(separator: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return "\(tail.prefix(80))-\(String(hash, radix: 16))"
    }
}
