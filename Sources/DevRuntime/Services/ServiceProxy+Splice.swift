import NIOCore

extension ServiceProxy {
    /// Copies bytes both ways between a client and an endpoint until both directions have ended.
    static func splice(
        _ client: any Channel,
        _ clientInbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        _ upstream: any Channel,
        _ upstreamInbound: NIOAsyncChannelInboundStream<ByteBuffer>
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pump(clientInbound, into: upstream, peer: client) }
            group.addTask { try await pump(upstreamInbound, into: client, peer: upstream) }
            try await group.waitForAll()
        }
    }

    /// Copies one direction. Each write is awaited before the next chunk is taken, so at most one chunk is in
    /// flight and the inbound side stops reading (its buffer is bounded) while the outbound side cannot keep up.
    ///
    /// At the end of input the output is shut down, passing the half-close on. Awaiting every write first is what
    /// makes that safe: NIO turns an output shutdown into a full close when the channel's input has already ended,
    /// and a full close drops writes still queued.
    private static func pump(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        into output: any Channel,
        peer: any Channel
    ) async throws {
        do {
            for try await chunk in inbound {
                try await output.writeAndFlush(chunk)
            }
            try? await output.close(mode: .output)
        } catch {
            // One direction failed (a reset, a write to a closed socket): the connection is over both ways, and
            // closing both channels also ends the other direction's loop.
            output.close(promise: nil)
            peer.close(promise: nil)
            throw error
        }
    }
}
