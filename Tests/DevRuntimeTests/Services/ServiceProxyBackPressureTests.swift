import DevRuntime
import NIOCore
import Testing

/// A proxy in front of a reader that stops reading must stop reading from the writer too, rather than take in
/// everything the writer sends. The test counts what the writing side got rid of while the reading side reads
/// nothing: with back-pressure that stalls at a few socket buffers' worth; a proxy that buffers without bound lets
/// the whole transfer through.
@Suite("ServiceProxy back-pressure", .timeLimit(.minutes(3)))
struct ServiceProxyBackPressureTests {
    /// Well above what the kernel buffers on both hops can hold (send buffers up to 4 MB, and receive buffers that
    /// only grow while the receiver keeps reading).
    static let total = 96 << 20

    @Test("a large upload to an endpoint that does not read stalls, then completes when it reads")
    func upload() async throws {
        let gate = ProxyTestGate()
        let backend = try await ProxyTestBackend.start(name: "sink", behavior: .sink(gate))
        defer { gate.open() }
        try await ProxyTest.withServiceProxy(endpoints: [backend.endpoint]) { proxy in
            try await ProxyTestClient.withConnection(to: proxy.port) { client in
                let sent = ProxyTestCounter()
                let channel = client.channel
                let upload = Task {
                    let chunk = ByteBuffer(bytes: ProxyTestPayload.bytes(count: 65536, seed: 3))
                    while sent.value < Self.total {
                        try await channel.writeAndFlush(chunk)
                        sent.add(chunk.readableBytes)
                    }
                    try await channel.close(mode: .output)
                }
                let stalledAt = try await Self.progressWhenStalled(sent)
                #expect(stalledAt < Self.total, "the proxy took in the whole upload while the endpoint read nothing")

                gate.open()
                try await upload.value
                #expect(try await client.readLine() == "received \(Self.total)")
            }
        }
        gate.open()
        await backend.stop()
    }

    /// The client half-closes first, as a client that has sent its whole request does, so the proxy also has to
    /// shut its output towards a client whose input already ended without dropping what is still queued for it.
    @Test("a large download to a client that does not read stalls, then completes when it reads")
    func download() async throws {
        let produced = ProxyTestCounter()
        let backend = try await ProxyTestBackend.start(
            name: "source", behavior: .source(bytes: Self.total, progress: produced))
        try await ProxyTest.withServiceProxy(endpoints: [backend.endpoint]) { proxy in
            try await ProxyTestClient.withConnection(to: proxy.port) { client in
                try await client.shutdownOutput()
                // The client reads nothing until the endpoint has stalled.
                let stalledAt = try await Self.progressWhenStalled(produced)
                #expect(stalledAt < Self.total, "the proxy took in the whole download while the client read nothing")

                let outcome = await client.readUntilClosed()
                #expect(outcome.error == nil)
                #expect(outcome.bytes.count == Self.total)
            }
        }
        await backend.stop()
    }

    /// Returns the counter's value once it has not moved for a second, or the total if it gets there first.
    /// On a starved machine a stall may be declared early; that can only make the test pass, never fail, wrongly.
    private static func progressWhenStalled(_ counter: ProxyTestCounter) async throws -> Int {
        var last = -1
        var unchanged = 0
        while unchanged < 20 {
            try await Task.sleep(for: .milliseconds(50))
            let now = counter.value
            if now >= total { return now }
            if now == last && now > 0 {
                unchanged += 1
            } else {
                unchanged = 0
            }
            last = now
        }
        return last
    }
}
