import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The answer to a `pods/log` request: which bytes of which log file to send, and, when following,
/// how to tell that the container attempt has ended so the response can finish.
struct PodLogStream: Sendable {
    var path: String
    /// Where sending starts (after `tailLines`).
    var start: UInt64
    /// Without `follow`: the file's size when the request came, where sending stops. Nil: follow
    /// the file as it grows.
    var end: UInt64?
    var limitBytes: Int64?
    /// For the `Warning` header: options the dev cluster cannot honour exactly.
    var warnings: [String] = []
    var pollInterval: Duration = .milliseconds(100)
    /// When following: true once the attempt can write no more (it terminated, a newer attempt
    /// started, or the pod is gone). Checked before each read, so the last bytes are still sent.
    var ended: @Sendable () -> Bool = { true }

    /// Sends the bytes through `write` until the end (or, following, until `ended` or `stopped`).
    func pump(write: (Data) async throws -> Void, stopped: () -> Bool) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        try handle.seek(toOffset: start)
        var offset = start
        var remaining = limitBytes ?? Int64.max
        while true {
            let last = end != nil || ended()
            let limit = end ?? UInt64.max
            while remaining > 0 && offset < limit {
                let want = min(UInt64(64 * 1024), limit - offset, UInt64(remaining))
                guard let data = try handle.read(upToCount: Int(want)), !data.isEmpty else { break }
                offset += UInt64(data.count)
                remaining -= Int64(data.count)
                try await write(data)
            }
            if last || remaining <= 0 || stopped() { return }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Everything there is now, without waiting for more: the answer when there is no HTTP stream
    /// to follow on (requests handled in-process, as in tests).
    func readAvailable() -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let limit = end ?? PodLogFiles.size(path)
        guard limit > start, (try? handle.seek(toOffset: start)) != nil else { return [] }
        let count = min(limit - start, UInt64(limitBytes ?? Int64.max))
        return Array((try? handle.read(upToCount: Int(count))) ?? Data())
    }

    /// The chunked response body. It also ends soon after the client goes away, not only at its next write.
    func body(request: Request) -> ResponseBody {
        let stream = self
        return ResponseBody { writer in
            let gone = Flag()
            try await request.body.consumeWithInboundCloseHandler { _ in
                try await stream.pump(write: { try await writer.write(ByteBuffer(bytes: $0)) }, stopped: { gone.isSet })
            } onInboundClosed: {
                gone.set()
            }
            try await writer.finish(nil)
        }
    }

    /// A one-way switch shared with the connection's close handler.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }
}
