import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A file or directory in an artifact store listing.
public struct ArtifactFile: Sendable, Codable, Equatable {
    public var path: String
    public var isDir: Bool?
    @FlexibleInt64 public var fileSize: Int64?
}

extension MLflowClient {
    /// The proxy path (under `/api/2.0/mlflow-artifacts/artifacts/`) of `relative` inside a run's
    /// artifacts, from the run's `artifact_uri` (`mlflow-artifacts:/1/RUN/artifacts` or
    /// `mlflow-artifacts://host:port/1/RUN/artifacts`). Throws when the server does not proxy
    /// artifacts (it was started without `--serve-artifacts`).
    public static func proxyPath(artifactURI: String, _ relative: String = "") throws -> String {
        guard artifactURI.hasPrefix("mlflow-artifacts:") else {
            throw MLflowError(
                .configuration,
                "the run's artifact URI is \(artifactURI); Trainyard uploads through the MLflow artifact proxy, so start the server with --serve-artifacts (artifact URIs mlflow-artifacts:/...)"
            )
        }
        var rest = String(artifactURI.dropFirst("mlflow-artifacts:".count))
        if rest.hasPrefix("//") {
            // Drop the authority: the proxy is the tracking server itself.
            rest = String(rest.dropFirst(2))
            rest = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
        }
        let base = rest.split(separator: "/").joined(separator: "/")
        let tail = relative.split(separator: "/").joined(separator: "/")
        return tail.isEmpty ? base : (base.isEmpty ? tail : base + "/" + tail)
    }

    private static func artifactsURLPath(_ proxyPath: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#;")
        return "/api/2.0/mlflow-artifacts/artifacts/" + (proxyPath.addingPercentEncoding(withAllowedCharacters: allowed) ?? proxyPath)
    }

    /// Uploads the file at `localPath` to `proxyPath`, streaming it in 1 MiB chunks (memory does
    /// not grow with the file). Retried while transient, re-reading the file each time.
    public func uploadArtifact(file localPath: String, to proxyPath: String) async throws {
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: localPath)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw MLflowError(.invalidRequest, "cannot read \(localPath) to upload it: \((error as NSError).localizedDescription)")
        }
        let makeBody: () throws -> HTTPClientRequest.Body = {
            guard let handle = FileHandle(forReadingAtPath: localPath) else {
                throw MLflowError(.invalidRequest, "cannot open \(localPath) to upload it")
            }
            let chunks = FileChunks(handle: handle)
            return .stream(chunks, length: .known(Int64(size)))
        }
        _ = try await send(
            .PUT, Self.artifactsURLPath(proxyPath), contentType: "application/octet-stream", retry: .whileTransient, body: makeBody
        ) { response in
            _ = try await response.body.collect(upTo: 1 << 20)
        }
    }

    /// Uploads every file under `directory` (recursively) below `proxyPath`.
    public func uploadArtifacts(directory: String, to proxyPath: String) async throws {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw MLflowError(.invalidRequest, "cannot read directory \(directory) to upload it")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        for relative in files.sorted() {
            try await uploadArtifact(file: directory + "/" + relative, to: proxyPath + "/" + relative)
        }
    }

    /// The files and directories directly under `proxyPath`.
    public func listArtifacts(_ proxyPath: String) async throws -> [ArtifactFile] {
        struct Answer: Decodable { var files: [ArtifactFile]? }
        let bytes = try await send(.GET, "/api/2.0/mlflow-artifacts/artifacts", query: [("path", proxyPath)], retry: .whileTransient)
        do {
            return try Self.decoder.decode(Answer.self, from: Data(bytes)).files ?? []
        } catch {
            throw MLflowError(
                .decoding, "MLflow at \(configuration.trackingURI): listing artifacts \(proxyPath): unexpected answer (\(error))")
        }
    }

    /// Downloads `proxyPath` to `localPath`, streaming (memory does not grow with the file).
    public func downloadArtifact(_ proxyPath: String, to localPath: String) async throws {
        let directory = (localPath as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try await send(.GET, Self.artifactsURLPath(proxyPath), retry: .whileTransient, body: nil) { response in
            guard FileManager.default.createFile(atPath: localPath, contents: nil), let handle = FileHandle(forWritingAtPath: localPath)
            else {
                throw MLflowError(.invalidRequest, "cannot write \(localPath)")
            }
            defer { try? handle.close() }
            for try await chunk in response.body {
                handle.write(Data(chunk.readableBytesView))
            }
        }
    }
}

/// A file read in 1 MiB chunks, as an async sequence of buffers for a streamed request body.
private struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let handle: FileHandle

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        mutating func next() async throws -> ByteBuffer? {
            let data = try handle.read(upToCount: 1 << 20) ?? Data()
            if data.isEmpty {
                try? handle.close()
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }
}
