import Foundation

/// A model URI resolved against the tracking server: the artifact URI of its directory, and for
/// registry URIs the version it named.
public struct ResolvedModel: Sendable, Equatable {
    public var artifactURI: String
    public var name: String?
    public var version: String?
}

extension MLflowClient {
    /// The artifact directory `uri` names. Aliases and `latest` are read now, so a caller that
    /// downloads later gets the version that was current when it asked.
    public func resolve(_ uri: ModelURI) async throws -> ResolvedModel {
        switch uri {
        case .alias(let name, let alias):
            guard let version = try await modelVersion(name: name, alias: alias) else {
                throw MLflowError(.notFound, "\(uri): registered model \(name) has no alias \(alias) (or no such model)")
            }
            return ResolvedModel(
                artifactURI: try await downloadURI(name: name, version: version.version), name: name, version: version.version)
        case .version(let name, let version):
            do {
                return ResolvedModel(artifactURI: try await downloadURI(name: name, version: version), name: name, version: version)
            } catch let error as MLflowError where error.code == .notFound {
                throw MLflowError(.notFound, "\(uri): registered model \(name) has no version \(version)", mlflowCode: error.mlflowCode)
            }
        case .latest(let name):
            let versions: [ModelVersion]
            do {
                versions = try await modelVersions(name: name)
            } catch let error as MLflowError where error.code == .notFound {
                versions = []
            }
            guard let newest = versions.first(where: { $0.status == nil || $0.status == "READY" }) else {
                throw MLflowError(.notFound, "\(uri): registered model \(name) has no ready version")
            }
            return ResolvedModel(
                artifactURI: try await downloadURI(name: name, version: newest.version), name: name, version: newest.version)
        case .run(let id, let path):
            let run: Run
            do {
                run = try await self.run(id: id)
            } catch let error as MLflowError where error.code == .notFound {
                throw MLflowError(.notFound, "\(uri): no run \(id)", mlflowCode: error.mlflowCode)
            }
            guard let base = run.info.artifactUri else { throw MLflowError(.decoding, "\(uri): run \(id) has no artifact URI") }
            return ResolvedModel(artifactURI: base.hasSuffix("/") ? base + path : base + "/" + path)
        case .artifacts(let artifactURI):
            return ResolvedModel(artifactURI: artifactURI)
        case .local(let path):
            return ResolvedModel(artifactURI: path)
        }
    }

    /// Downloads the files `names` (relative to the model directory, e.g. `MLmodel`, `model.json`)
    /// of the model at `artifactURI` into `directory`. A missing file is an error naming what the
    /// model directory holds.
    public func downloadModelFiles(artifactURI: String, names: [String], to directory: String) async throws {
        let base = try Self.proxyPath(artifactURI: artifactURI)
        let listing = try await listArtifacts(base)
        let present = Set(listing.map { ($0.path as NSString).lastPathComponent })
        if let missing = names.first(where: { !present.contains($0) }) {
            let holds =
                listing.isEmpty
                ? "nothing (no such directory?)" : listing.map { ($0.path as NSString).lastPathComponent }.sorted().joined(separator: ", ")
            throw MLflowError(.notFound, "\(artifactURI) has no \(missing); it holds \(holds)")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in names {
            try await downloadArtifact(base + "/" + name, to: (directory as NSString).appendingPathComponent(name))
        }
    }
}
