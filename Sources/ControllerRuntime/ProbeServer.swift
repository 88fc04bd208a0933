import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The manager's HTTP endpoints: `/healthz` (the process is alive), `/readyz` (caches synced,
/// ready for work) and Prometheus `/metrics`. Which of them a server answers is chosen per
/// address, so metrics and probes can listen on different ports as controller-runtime's do.
public final class ProbeServer: Service, Sendable {
    /// Which endpoints to serve.
    public struct Endpoints: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let health = Endpoints(rawValue: 1)
        public static let metrics = Endpoints(rawValue: 2)
    }

    public let address: BindAddress
    let endpoints: Endpoints
    let isReady: @Sendable () -> (ready: Bool, reason: String)
    let metrics: RuntimeMetrics
    let logger: Logger
    private let bound = Mutex<Int?>(nil)

    public init(
        address: BindAddress, endpoints: Endpoints, metrics: RuntimeMetrics, logger: Logger,
        isReady: @escaping @Sendable () -> (ready: Bool, reason: String)
    ) {
        self.address = address
        self.endpoints = endpoints
        self.metrics = metrics
        self.logger = logger
        self.isReady = isReady
    }

    /// The port bound, once listening (useful with port 0).
    public var port: Int? { bound.withLock { $0 } }

    public func run() async throws {
        let router = Router()
        if endpoints.contains(.health) {
            router.get("healthz") { _, _ in "ok" }
            router.get("readyz") { [isReady] _, _ -> Response in
                let state = isReady()
                return Response(
                    status: state.ready ? .ok : .serviceUnavailable,
                    headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: state.ready ? "ok" : "not ready: \(state.reason)")))
            }
        }
        if endpoints.contains(.metrics) {
            router.get("metrics") { [metrics] _, _ -> Response in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
            }
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: "trainyard-controller"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? address.port
                bound.withLock { $0 = port }
                let paths =
                    (endpoints.contains(.health) ? ["/healthz", "/readyz"] : []) + (endpoints.contains(.metrics) ? ["/metrics"] : [])
                logger.info("serving \(paths.joined(separator: " "))", metadata: ["address": "\(address.host):\(port)"])
            },
            logger: logger)
        try await app.run()
    }
}
