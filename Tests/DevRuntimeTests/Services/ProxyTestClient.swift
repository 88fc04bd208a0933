import NIOCore
import NIOPosix

/// A TCP client for talking to a proxy in tests: reads lines or everything until the connection closes.
final class ProxyTestClient {
    let channel: any Channel
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var buffer = ByteBuffer()

    private init(channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>) {
        self.channel = channel
        self.iterator = inbound.makeAsyncIterator()
    }

    /// Connects to 127.0.0.1:`port`, runs `body`, and closes the connection.
    static func withConnection<Result>(
        to port: Int, _ body: (ProxyTestClient) async throws -> Result
    ) async throws -> Result {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await connection.executeThenClose { inbound, _ in
            try await body(ProxyTestClient(channel: connection.channel, inbound: inbound))
        }
    }

    /// Connects, reads the first line and closes: the identity line of an echo backend.
    static func firstLine(from port: Int) async throws -> String? {
        try await withConnection(to: port) { try await $0.readLine() }
    }

    func write(_ string: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: string))
    }

    /// Sends FIN: the peer sees the end of the input while this side can still read.
    func shutdownOutput() async throws {
        try await channel.close(mode: .output)
    }

    /// The next line without its newline, or `nil` when the connection ends first.
    func readLine() async throws -> String? {
        while true {
            if let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - buffer.readerIndex
                let line = buffer.readString(length: length)
                buffer.moveReaderIndex(forwardBy: 1)
                return line
            }
            guard var chunk = try await iterator.next() else { return nil }
            buffer.writeBuffer(&chunk)
        }
    }

    /// Everything until the peer closes its side; a reset or close by this side also ends the read, with the error.
    func readUntilClosed() async -> (bytes: [UInt8], error: (any Error)?) {
        var bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            while var chunk = try await iterator.next() {
                bytes += chunk.readBytes(length: chunk.readableBytes) ?? []
            }
            return (bytes, nil)
        } catch {
            return (bytes, error)
        }
    }
}
