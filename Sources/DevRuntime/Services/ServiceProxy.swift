import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The dev runtime's kube-proxy for one Service port: a TCP listener on a stable loopback port that hands each new
/// connection to the Service's ready endpoints in turn.
///
/// Endpoints change with ``setEndpoints(_:)`` at any time; connections already open keep their endpoint, so a rolling
/// update drops nothing in flight. A new connection goes to the next endpoint in round-robin order; if that one
/// refuses (a pod that just stopped), the others are tried once each before the client connection is closed. With no
/// endpoints, a new connection waits up to ``Configuration/endpointWaitTimeout`` for some to appear.
///
/// Bytes are copied as they arrive, with back-pressure in both directions (a slow reader slows the writer down rather
/// than filling memory), and a half-close on one side is passed to the other, so request/response protocols that
/// signal the end of a request with a FIN work.
public final class ServiceProxy: Sendable {
    /// The name used in logs and errors, e.g. `default/web:http`.
    public let name: String
    /// The address the proxy listens on.
    public let host: String
    /// The port the proxy listens on (the one chosen by the system when started with port 0).
    public let port: Int

    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(ServiceProxyState())
    private let listener: any Channel
    private let acceptLoop = Mutex<Task<Void, Never>?>(nil)

    private init(name: String, port: Int, configuration: Configuration, logger: Logger, listener: any Channel) {
        self.name = name
        self.host = configuration.host
        self.port = port
        self.configuration = configuration
        self.logger = logger
        self.listener = listener
    }

    /// Starts listening on `configuration.host`:`port` (0 for any free port) with no endpoints yet.
    public static func start(
        name: String,
        port: Int,
        endpoints: [Endpoint] = [],
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "trainyard.dev.service-proxy")
    ) async throws -> ServiceProxy {
        var logger = logger
        logger[metadataKey: "service"] = "\(name)"
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ServiceProxyError.bindFailed(service: name, host: configuration.host, port: port, underlying: error)
        }
        let proxy = ServiceProxy(
            name: name, port: server.channel.localAddress?.port ?? port, configuration: configuration, logger: logger,
            listener: server.channel)
        proxy.setEndpoints(endpoints)
        proxy.acceptLoop.withLock { $0 = Task { await proxy.acceptConnections(server) } }
        logger.debug("service proxy listening", metadata: ["address": "\(configuration.host):\(proxy.port)"])
        return proxy
    }

    /// Replaces the endpoints new connections go to. Open connections are not touched.
    public func setEndpoints(_ endpoints: [Endpoint]) {
        let (changed, resume) = state.withLock { $0.setEndpoints(endpoints) }
        for waiter in resume { waiter.resume() }
        if changed {
            logger.debug("endpoints changed", metadata: ["endpoints": "\(endpoints.map(\.description))"])
        }
    }

    /// The endpoints new connections go to now.
    public var endpoints: [Endpoint] { state.withLock { $0.endpoints } }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Closes the listener and every connection, and returns once they are closed. Later calls do nothing.
    public func stop() async {
        let (channels, waiters) = state.withLock { $0.stop() }
        for waiter in waiters { waiter.resume() }
        listener.close(promise: nil)
        for channel in channels { channel.close(promise: nil) }
        await acceptLoop.withLock { $0 }?.value
    }

    private func acceptConnections(_ server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) async {
        do {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } catch {
            logger.error("service proxy stopped accepting connections", metadata: ["error": "\(error)"])
        }
    }

    private func serve(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let accepted = state.withLock { state in
            guard state.register(client.channel) else { return false }
            state.statistics.acceptedConnections += 1
            state.statistics.activeConnections += 1
            return true
        }
        guard accepted else {
            client.channel.close(promise: nil)
            return
        }
        defer {
            state.withLock { state in
                state.unregister(client.channel)
                state.statistics.activeConnections -= 1
            }
        }
        do {
            try await client.executeThenClose { clientInbound, _ in
                guard let upstream = await self.connectToAnEndpoint(on: client.channel.eventLoop) else { return }
                guard state.withLock({ $0.register(upstream.channel) }) else {
                    upstream.channel.close(promise: nil)
                    return
                }
                defer { state.withLock { $0.unregister(upstream.channel) } }
                try await upstream.executeThenClose { upstreamInbound, _ in
                    try await Self.splice(client.channel, clientInbound, upstream.channel, upstreamInbound)
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Connects to the endpoint whose turn it is, falling back to the others once each; `nil` when none answers
    /// or none appears within the wait.
    private func connectToAnEndpoint(on eventLoop: any EventLoop) async -> NIOAsyncChannel<ByteBuffer, ByteBuffer>? {
        guard let candidates = await endpointsToTry() else {
            state.withLock { $0.statistics.rejectedConnections += 1 }
            logger.info(
                "closing a connection: the service has no ready endpoints",
                metadata: ["waited": "\(configuration.endpointWaitTimeout)"])
            return nil
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        for endpoint in candidates {
            do {
                let upstream = try await bootstrap.connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
                state.withLock { $0.statistics.proxiedConnections += 1 }
                return upstream
            } catch {
                state.withLock { $0.statistics.endpointConnectFailures += 1 }
                logger.debug("endpoint did not accept a connection", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            }
        }
        state.withLock { $0.statistics.rejectedConnections += 1 }
        logger.warning(
            "closing a connection: no endpoint accepted it", metadata: ["endpoints": "\(candidates.map(\.description))"])
        return nil
    }

    /// The endpoints to try for a new connection, waiting for some to appear if there are none; `nil` when the wait
    /// ran out or the proxy stopped.
    private func endpointsToTry() async -> [Endpoint]? {
        let deadline = ContinuousClock.now + configuration.endpointWaitTimeout
        var counted = false
        defer {
            if counted { state.withLock { $0.statistics.waitingConnections -= 1 } }
        }
        while true {
            switch state.withLock({ $0.pick() }) {
            case .tryInOrder(let endpoints):
                return endpoints
            case .stopped:
                return nil
            case .none:
                if ContinuousClock.now >= deadline { return nil }
                if !counted {
                    counted = true
                    state.withLock { $0.statistics.waitingConnections += 1 }
                }
                await waitForEndpoints(until: deadline)
            }
        }
    }

    /// Returns when the endpoints change to a non-empty list, the proxy stops, or `deadline` passes.
    private func waitForEndpoints(until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.endpointsAppeared() }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
    }

    private func endpointsAppeared() async {
        let id = state.withLock { $0.makeWaiterID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the same lock `setEndpoints` takes, so a change between the caller's look and this
                // park cannot be missed.
                let parked = state.withLock { $0.park(id, continuation, cancelled: Task.isCancelled) }
                if !parked { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.unpark(id) }?.resume()
        }
    }
}
