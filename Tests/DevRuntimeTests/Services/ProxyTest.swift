import DevRuntime
import NIOCore
import NIOPosix

/// Helpers shared by the service proxy tests.
enum ProxyTest {
    /// Starts echo backends with these names, runs `body`, and stops them.
    static func withEchoBackends<Result>(
        _ names: [String], _ body: ([ProxyTestBackend]) async throws -> Result
    ) async throws -> Result {
        var backends: [ProxyTestBackend] = []
        do {
            for name in names {
                backends.append(try await ProxyTestBackend.start(name: name))
            }
            let result = try await body(backends)
            for backend in backends { await backend.stop() }
            return result
        } catch {
            for backend in backends { await backend.stop() }
            throw error
        }
    }

    /// Starts a proxy on a free port, runs `body`, and stops it.
    static func withServiceProxy<Result>(
        endpoints: [Endpoint] = [],
        configuration: ServiceProxy.Configuration = ServiceProxy.Configuration(),
        _ body: (ServiceProxy) async throws -> Result
    ) async throws -> Result {
        let proxy = try await ServiceProxy.start(
            name: "default/test:http", port: 0, endpoints: endpoints, configuration: configuration)
        do {
            let result = try await body(proxy)
            await proxy.stop()
            return result
        } catch {
            await proxy.stop()
            throw error
        }
    }

    /// A loopback port nothing listens on: bound by the system, then closed again.
    static func refusingPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    /// Waits until `condition` holds, checking every few milliseconds. No deadline of its own: the suite's time limit
    /// ends a test that never gets there.
    static func waitUntil(_ condition: () -> Bool) async throws {
        while !condition() {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
