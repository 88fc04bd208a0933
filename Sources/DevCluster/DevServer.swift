import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import KubeAPI
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Settings of `trainyard dev`.
public struct DevServerConfiguration: Sendable {
    /// Address to listen on; the dev server is for this machine only, so loopback by default.
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one (see `DevServer.port` once running).
    public var port = 6443
    /// Where objects persist across restarts; nil keeps everything in memory.
    public var stateDirectory: String?
    /// Where to write a kubeconfig for kubectl; nil writes none.
    public var kubeconfigPath: String?
    /// The bearer token clients must send. Nil: reuse the one in the state directory, or make one.
    public var token: String?
    /// How many past changes a watch can resume from before it gets 410 Gone.
    public var watchHistoryLimit = 10_000
    /// How often a watch with allowWatchBookmarks=true gets a BOOKMARK.
    public var bookmarkInterval: Duration = .seconds(5)
    /// Largest accepted request body (the real API server's limit is 3 MiB).
    public var maxRequestBodyBytes = 3 * 1024 * 1024
    /// Where a pod runtime writes container logs, laid out as the kubelet's /var/log/pods
    /// (`<namespace>_<pod>_<uid>/<container>/<restartCount>.log`); `pods/log` reads them. Nil: no
    /// runtime, and log requests say so.
    public var podLogsDirectory: String?

    public init() {}
}

/// `trainyard dev`: a local, single-process, Kubernetes-compatible API server.
public final class DevServer: Sendable {
    public let configuration: DevServerConfiguration
    public let token: String
    public let certificates: DevCertificates
    let store: ClusterStore
    let logger: Logger
    private let boundPort = PortBox()

    public init(configuration: DevServerConfiguration, logger: Logger = Logger(label: "trainyard.dev")) throws {
        self.configuration = configuration
        self.logger = logger
        store = try ClusterStore(stateDirectory: configuration.stateDirectory, historyLimit: configuration.watchHistoryLimit)
        var token = configuration.token
        if token == nil, let dir = configuration.stateDirectory {
            token = try? String(contentsOfFile: dir + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            if token?.isEmpty ?? true { token = nil }
        }
        self.token = token ?? Self.makeToken()
        certificates = try DevCertificates.loadOrCreate(directory: configuration.stateDirectory, hosts: [configuration.host])
        if let dir = configuration.stateDirectory {
            try Journal(directory: dir).saveToken(self.token)
        }
    }

    static func makeToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// Watches currently streaming.
    public var activeWatches: Int { store.watcherCount }

    /// The port actually bound, once the server is listening.
    public var port: Int? { boundPort.value }

    /// `https://host:port` once listening.
    public var url: String? { port.map { "https://\(configuration.host):\($0)" } }

    /// Runs until SIGTERM or SIGINT, then stops cleanly. `onReady` gets the bound port;
    /// `beforeShutdown` runs when the signal arrives, while the API is still served, so what runs
    /// against it (a controller, the pods) can stop first.
    public func run(
        beforeShutdown: @escaping @Sendable () async -> Void = {}, onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = try makeApplication(onReady: onReady)
        defer { store.close() }
        // A group shuts its services down last to first: the hook first, then the server.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: app), .init(service: ShutdownHook(action: beforeShutdown))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Runs without installing signal handlers until the task is cancelled: for tests that start
    /// and stop servers in-process.
    public func runUntilCancelled(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = try makeApplication(onReady: onReady)
        defer { store.close() }
        try await withTaskCancellationHandler {
            try await app.run()
        } onCancel: {
            self.store.close()
        }
    }

    private func makeApplication(onReady: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificates.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.privateKeyPEM.utf8), format: .pem)))
        return Application(
            responder: HTTPAdapter(server: self),
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "trainyard-dev"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.port
                boundPort.set(port)
                if let path = configuration.kubeconfigPath {
                    do {
                        try Kubeconfig.write(
                            to: path, server: "https://\(configuration.host):\(port)", token: token, caPEM: certificates.caPEM)
                    } catch {
                        logger.error("could not write kubeconfig", metadata: ["path": "\(path)", "error": "\(error)"])
                    }
                }
                logger.info("serving the Kubernetes API", metadata: ["url": "https://\(configuration.host):\(port)"])
                await onReady(port)
            },
            logger: logger
        )
    }
}

/// A thread-safe slot for the bound port.
final class PortBox: Sendable {
    private let lock = Mutex<Int?>(nil)
    var value: Int? { lock.withLock { $0 } }
    func set(_ v: Int) { lock.withLock { $0 = v } }
}

/// Bridges Hummingbird requests to `APIHandler`: authentication, body limits, watch streaming.
struct HTTPAdapter: HTTPResponder {
    typealias Context = BasicRequestContext
    let server: DevServer
    let handler: APIHandler

    init(server: DevServer) {
        self.server = server
        handler = APIHandler(
            store: server.store, serverAddress: { "\(server.configuration.host):\(server.port ?? server.configuration.port)" },
            bookmarkInterval: server.configuration.bookmarkInterval, podLogsDirectory: server.configuration.podLogsDirectory)
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let path = request.uri.path
        let isHealth = ["/healthz", "/livez", "/readyz"].contains(path)
        if !isHealth {
            let auth = request.headers[.authorization] ?? ""
            guard auth == "Bearer \(server.token)" else { return Self.json(401, APIError.unauthorized.status, warnings: []) }
        }
        var bytes: [UInt8] = []
        // GETs carry no body; leaving it unread lets a watch notice when the client hangs up.
        do {
            if request.method != .get {
                var buffer = try await request.body.collect(upTo: server.configuration.maxRequestBodyBytes)
                bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            }
        } catch {
            let e = APIError(
                code: 413, reason: "RequestEntityTooLarge",
                message: "Request entity too large: limit is \(server.configuration.maxRequestBodyBytes)")
            return Self.json(413, e.status, warnings: [])
        }
        let apiRequest = APIRequest(
            method: request.method.rawValue, path: path, query: RequestInfo.parseQuery(request.uri.query ?? ""),
            accept: request.headers[.accept] ?? "application/json",
            contentType: request.headers[.contentType] ?? "application/json",
            userAgent: request.headers[.userAgent] ?? "", body: bytes)
        let response: APIResponse
        switch handler.respond(apiRequest) {
        case .response(let r):
            response = r
        case .podLog(let stream):
            var headers: HTTPFields = [.contentType: "text/plain"]
            Self.addWarnings(stream.warnings, to: &headers)
            return Response(status: .ok, headers: headers, body: stream.body(request: request))
        }
        switch response {
        case .json(let status, let body, let warnings):
            return Self.json(status, body, warnings: warnings)
        case .text(let status, let body):
            return Response(
                status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        case .watch(let plan):
            return Response(status: .ok, headers: [.contentType: "application/json"], body: WatchWriter(plan: plan).body(request: request))
        }
    }

    /// `Warning: 299 - "..."` headers, which kubectl prints as `Warning: ...`.
    static func addWarnings(_ warnings: [String], to headers: inout HTTPFields) {
        for w in warnings {
            headers.append(
                HTTPField(name: HTTPField.Name("Warning")!, value: "299 - \"\(w.replacingOccurrences(of: "\"", with: "\\\""))\""))
        }
    }

    static func json(_ status: Int, _ body: JSONValue, warnings: [String]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        addWarnings(warnings, to: &headers)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.serialized())))
    }
}

/// A service that does nothing until graceful shutdown begins, then runs `action`.
private struct ShutdownHook: Service {
    let action: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await action()
    }
}
