import AsyncHTTPClient
import KubeAPI
import NIOCore

/// The events of one watch request, read line by line from the streamed answer. It ends when the
/// server closes the stream (its `timeoutSeconds` ran out); an `ERROR` event is thrown as a
/// `KubeError` (`.gone` for an expired resourceVersion). `Watcher` builds a never-ending,
/// relisting watch on top of it.
public struct WatchStream: AsyncSequence, Sendable {
    public typealias Element = WatchEvent
    let body: HTTPClientResponse.Body
    let request: String
    /// A single event larger than this is refused: a runaway line must not exhaust memory.
    static let maxLineBytes = 16 << 20

    public func makeAsyncIterator() -> Iterator {
        Iterator(body: body.makeAsyncIterator(), request: request)
    }

    /// Reads the body and cuts it into events.
    public struct Iterator: AsyncIteratorProtocol {
        var body: HTTPClientResponse.Body.AsyncIterator
        let request: String
        var buffer: [UInt8] = []
        /// Where the unread part of `buffer` starts; consumed bytes are dropped in bulk.
        var start = 0
        var scanned = 0
        var finished = false

        public mutating func next() async throws -> WatchEvent? {
            while true {
                if let newline = buffer[Swift.max(start, scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[start..<newline]
                    start = newline + 1
                    scanned = start
                    if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                    return try event(from: line)
                }
                scanned = buffer.count
                if finished {
                    guard start < buffer.count else { return nil }
                    defer { buffer.removeAll(); start = 0; scanned = 0 }
                    return try event(from: buffer[start...])
                }
                if start > 0 {
                    buffer.removeSubrange(..<start)
                    scanned -= start
                    start = 0
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await body.next()
                } catch {
                    throw KubeError(code: .transport, message: "the watch stream broke: \(error)", request: request, underlying: error)
                }
                guard let chunk else {
                    finished = true
                    continue
                }
                buffer.append(contentsOf: chunk.readableBytesView)
                if buffer.count > WatchStream.maxLineBytes {
                    throw KubeError(
                        code: .decoding, message: "a watch event is larger than \(WatchStream.maxLineBytes) bytes", request: request)
                }
            }
        }

        func event(from line: ArraySlice<UInt8>) throws -> WatchEvent {
            let json: JSONValue
            do {
                json = try JSONValue.parse(bytes: line)
            } catch {
                throw KubeError(code: .decoding, message: "a watch event is not JSON: \(error)", request: request, underlying: error)
            }
            guard let typeName = json["type"]?.stringValue, let type = WatchEvent.EventType(rawValue: typeName),
                let object = json["object"]
            else {
                throw KubeError(
                    code: .decoding, message: "a watch event has no known type and object: \(json.serialized().prefix(200))",
                    request: request)
            }
            if type == .error {
                let status = try? object.decode(as: Status.self)
                let code = status?.code ?? 500
                throw KubeError.fromResponse(statusCode: code, body: Array(object.serialized().utf8), request: request, retryAfter: nil)
            }
            return WatchEvent(type: type, object: object)
        }
    }
}

extension KubeClient {
    /// Opens one raw watch. Most callers want `watcher(...)`, which lists first and never ends.
    public func watch(
        _ type: ResourceType, namespace: String?, options: ListOptions = ListOptions(), bookmarks: Bool = true
    ) async throws -> WatchStream {
        var query = options.queryItems
        query.append(("watch", "1"))
        if bookmarks { query.append(("allowWatchBookmarks", "true")) }
        let request = KubeRequest(
            method: "GET", path: type.path(namespace: namespace), query: query, verb: "watch", resource: type.description)
        // The server ends the stream after timeoutSeconds; give it room before the client gives up.
        let deadline = Duration.seconds((options.timeoutSeconds ?? 1800) + 60)
        let response = try await stream(request, deadline: deadline)
        return WatchStream(body: response.body, request: request.summary)
    }
}
