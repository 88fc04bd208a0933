import Crypto
import Foundation

/// Content digests of data files, for run tags (which data a model was trained on).
enum FileDigest {
    /// The SHA-256 of the file at `path` as lowercase hex, read in 4 MiB blocks.
    static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw WorkloadFailure("\(path): cannot open to compute its SHA-256") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty {
            hasher.update(data: block)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
