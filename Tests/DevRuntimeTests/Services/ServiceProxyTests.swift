import DevRuntime
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite("ServiceProxy", .timeLimit(.minutes(2)))
struct ServiceProxyTests {
    @Test("new connections go round-robin across the endpoints")
    func roundRobin() async throws {
        try await ProxyTest.withEchoBackends(["a", "b", "c"]) { backends in
            try await ProxyTest.withServiceProxy(endpoints: backends.map(\.endpoint)) { proxy in
                var seen: [String] = []
                for _ in 0..<6 {
                    seen.append(try #require(try await ProxyTestClient.firstLine(from: proxy.port)))
                }
                #expect(Set(seen[0..<3]) == ["id:a", "id:b", "id:c"])
                #expect(Array(seen[3..<6]) == Array(seen[0..<3]))
                #expect(backends.map(\.connections.value) == [2, 2, 2])
                try await ProxyTest.waitUntil { proxy.statistics.activeConnections == 0 }
                let statistics = proxy.statistics
                #expect(statistics.acceptedConnections == 6)
                #expect(statistics.proxiedConnections == 6)
                #expect(statistics.rejectedConnections == 0)
            }
        }
    }

    @Test("changing endpoints leaves open connections alone and sends new ones to the new set")
    func endpointChange() async throws {
        try await ProxyTest.withEchoBackends(["a", "b", "c"]) { backends in
            try await ProxyTest.withServiceProxy(endpoints: [backends[0].endpoint]) { proxy in
                try await ProxyTestClient.withConnection(to: proxy.port) { first in
                    #expect(try await first.readLine() == "id:a")

                    proxy.setEndpoints([backends[1].endpoint, backends[2].endpoint])
                    let second = try await ProxyTestClient.firstLine(from: proxy.port)
                    let third = try await ProxyTestClient.firstLine(from: proxy.port)
                    #expect(Set([second, third]) == ["id:b", "id:c"])
                    #expect(backends[0].connections.value == 1)

                    try await first.write("still here\n")
                    #expect(try await first.readLine() == "still here")
                    try await first.shutdownOutput()
                    let rest = await first.readUntilClosed()
                    #expect(rest.bytes.isEmpty)
                    #expect(rest.error == nil)
                }
            }
        }
    }

    @Test("an endpoint that refuses is skipped for the next one")
    func refusedEndpointSkipped() async throws {
        let refusing = Endpoint(host: "127.0.0.1", port: try await ProxyTest.refusingPort())
        try await ProxyTest.withEchoBackends(["a"]) { backends in
            try await ProxyTest.withServiceProxy(endpoints: [refusing, backends[0].endpoint]) { proxy in
                // The first connection's turn is the refusing endpoint; the second starts at "a".
                #expect(try await ProxyTestClient.firstLine(from: proxy.port) == "id:a")
                #expect(try await ProxyTestClient.firstLine(from: proxy.port) == "id:a")
                var statistics = proxy.statistics
                #expect(statistics.endpointConnectFailures == 1)
                #expect(statistics.proxiedConnections == 2)
                #expect(statistics.rejectedConnections == 0)

                proxy.setEndpoints([refusing])
                let outcome = try await ProxyTestClient.withConnection(to: proxy.port) { await $0.readUntilClosed() }
                #expect(outcome.bytes.isEmpty)
                statistics = proxy.statistics
                #expect(statistics.endpointConnectFailures == 2)
                #expect(statistics.rejectedConnections == 1)
            }
        }
    }

    @Test("a connection waits for an endpoint to appear, keeping what the client sent meanwhile")
    func waitsForEndpoints() async throws {
        try await ProxyTest.withEchoBackends(["a"]) { backends in
            let configuration = ServiceProxy.Configuration(endpointWaitTimeout: .seconds(100))
            try await ProxyTest.withServiceProxy(configuration: configuration) { proxy in
                try await ProxyTestClient.withConnection(to: proxy.port) { client in
                    try await client.write("sent early\n")
                    try await ProxyTest.waitUntil { proxy.statistics.waitingConnections == 1 }
                    proxy.setEndpoints([backends[0].endpoint])
                    #expect(try await client.readLine() == "id:a")
                    #expect(try await client.readLine() == "sent early")
                }
                let statistics = proxy.statistics
                #expect(statistics.waitingConnections == 0)
                #expect(statistics.proxiedConnections == 1)
                #expect(statistics.rejectedConnections == 0)
            }
        }
    }

    @Test("without endpoints a connection is closed after the wait")
    func closedAfterWait() async throws {
        let wait = Duration.milliseconds(300)
        try await ProxyTest.withServiceProxy(configuration: ServiceProxy.Configuration(endpointWaitTimeout: wait)) { proxy in
            let started = ContinuousClock.now
            let outcome = try await ProxyTestClient.withConnection(to: proxy.port) { await $0.readUntilClosed() }
            #expect(ContinuousClock.now - started >= wait)
            #expect(outcome.bytes.isEmpty)
            let statistics = proxy.statistics
            #expect(statistics.rejectedConnections == 1)
            #expect(statistics.proxiedConnections == 0)
            #expect(statistics.waitingConnections == 0)
        }
    }

    @Test("a half-close from the client reaches the endpoint and the answer still comes back")
    func halfClose() async throws {
        try await ProxyTest.withEchoBackends(["a"]) { backends in
            try await ProxyTest.withServiceProxy(endpoints: [backends[0].endpoint]) { proxy in
                try await ProxyTestClient.withConnection(to: proxy.port) { client in
                    try await client.write("last words")
                    try await client.shutdownOutput()
                    // The echo backend only closes once it has seen the end of its input.
                    let outcome = await client.readUntilClosed()
                    #expect(String(decoding: outcome.bytes, as: UTF8.self) == "id:a\nlast words")
                    #expect(outcome.error == nil)
                }
            }
        }
    }

    @Test("20 MB pass through intact in both directions at once")
    func largeTransfer() async throws {
        let payload = ProxyTestPayload.bytes(count: 20 << 20, seed: 42)
        try await ProxyTest.withEchoBackends(["a"]) { backends in
            try await ProxyTest.withServiceProxy(endpoints: [backends[0].endpoint]) { proxy in
                try await ProxyTestClient.withConnection(to: proxy.port) { client in
                    let channel = client.channel
                    let upload = Task {
                        var offset = 0
                        while offset < payload.count {
                            let end = min(offset + 65536, payload.count)
                            try await channel.writeAndFlush(ByteBuffer(bytes: payload[offset..<end]))
                            offset = end
                        }
                        try await channel.close(mode: .output)
                    }
                    let outcome = await client.readUntilClosed()
                    try await upload.value
                    #expect(outcome.error == nil)
                    let expected = Array("id:a\n".utf8) + payload
                    #expect(outcome.bytes.count == expected.count)
                    #expect(outcome.bytes == expected)
                }
            }
        }
    }

    @Test("stop() closes open connections and the listener")
    func stop() async throws {
        try await ProxyTest.withEchoBackends(["a"]) { backends in
            let proxy = try await ServiceProxy.start(name: "default/test:http", port: 0, endpoints: [backends[0].endpoint])
            try await ProxyTestClient.withConnection(to: proxy.port) { client in
                let identity = try await client.readLine()
                #expect(identity == "id:a")
                await proxy.stop()
                // Ends with EOF or a reset; either way the read returns instead of hanging.
                let outcome = await client.readUntilClosed()
                #expect(outcome.bytes.isEmpty)
            }
            #expect(proxy.statistics.activeConnections == 0)
            await #expect(throws: (any Error).self) {
                try await ProxyTestClient.withConnection(to: proxy.port) { _ in }
            }
        }
    }

    @Test("a port in use is reported as such")
    func portInUse() async throws {
        try await ProxyTest.withServiceProxy { running in
            let error = await #expect(throws: ServiceProxyError.self) {
                try await ServiceProxy.start(name: "default/other:http", port: running.port)
            }
            #expect(error?.code == .bindFailed)
            #expect(error?.isAddressInUse == true)
            #expect(error?.description.contains("127.0.0.1:\(running.port)") == true)
        }
    }
}
