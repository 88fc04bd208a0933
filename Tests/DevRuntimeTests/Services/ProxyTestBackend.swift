import DevRuntime
import NIOCore
import NIOPosix

/// A tiny TCP server standing in for a pod behind a Service.
final class ProxyTestBackend: Sendable {
    enum Behavior: Sendable {
        /// Sends `id:<name>\n`, echoes everything it receives, and shuts its output once the client half-closes.
        case echo
        /// Reads nothing until the gate opens, then counts bytes until the client half-closes and answers
        /// `received <count>\n`.
        case sink(ProxyTestGate)
        /// Sends `bytes` bytes, adding each chunk to `progress` once the socket took it, then closes.
        case source(bytes: Int, progress: ProxyTestCounter)
    }

    let name: String
    let port: Int
    /// Connections accepted so far.
    let connections: ProxyTestCounter
    private let listener: any Channel
    private let open: ProxyTestChannelSet
    private let task: Task<Void, Never>

    var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: port) }

    private init(
        name: String, port: Int, connections: ProxyTestCounter, listener: any Channel, open: ProxyTestChannelSet,
        task: Task<Void, Never>
    ) {
        self.name = name
        self.port = port
        self.connections = connections
        self.listener = listener
        self.open = open
        self.task = task
    }

    static func start(name: String, behavior: Behavior = .echo) async throws -> ProxyTestBackend {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let connections = ProxyTestCounter()
        let open = ProxyTestChannelSet()
        let task = Task {
            _ = try? await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        connections.add(1)
                        open.insert(connection.channel)
                        group.addTask {
                            try? await serve(connection, name: name, behavior: behavior)
                            open.remove(connection.channel)
                        }
                    }
                }
            }
        }
        return ProxyTestBackend(
            name: name, port: server.channel.localAddress!.port!, connections: connections, listener: server.channel,
            open: open, task: task)
    }

    /// Closes the listener and every open connection.
    func stop() async {
        listener.close(promise: nil)
        open.closeAll()
        await task.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, name: String, behavior: Behavior
    ) async throws {
        let channel = connection.channel
        try await connection.executeThenClose { inbound, _ in
            switch behavior {
            case .echo:
                try await channel.writeAndFlush(ByteBuffer(string: "id:\(name)\n"))
                for try await chunk in inbound {
                    try await channel.writeAndFlush(chunk)
                }
            case .sink(let gate):
                await gate.wait()
                var total = 0
                for try await chunk in inbound {
                    total += chunk.readableBytes
                }
                try await channel.writeAndFlush(ByteBuffer(string: "received \(total)\n"))
            case .source(let count, let progress):
                let chunk = ByteBuffer(bytes: ProxyTestPayload.bytes(count: 65536, seed: 7))
                var sent = 0
                while sent < count {
                    let part = chunk.getSlice(at: 0, length: min(chunk.readableBytes, count - sent))!
                    try await channel.writeAndFlush(part)
                    sent += part.readableBytes
                    progress.add(part.readableBytes)
                }
            }
            try? await channel.close(mode: .output)
        }
    }
}
