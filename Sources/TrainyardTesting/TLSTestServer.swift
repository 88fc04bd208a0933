import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import X509

/// A small HTTPS server on 127.0.0.1 (a free port) for TLS client tests. By default it
/// requires a client certificate signed by the test authority and answers `GET /version` like
/// an API server does; tests can pass their own handler and read the requests it received.
public final class TLSTestServer: Sendable {
    /// A request as the handler sees it; header names are lower-cased.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        /// The common name of the client certificate, when the client presented one.
        public var clientCommonName: String?
    }

    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String
        public init(status: Int = 200, contentType: String = "application/json", body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public typealias Handler = @Sendable (Request) -> Response

    /// `GET /version` answers like kube-apiserver; anything else is a 404 Status.
    public static let versionHandler: Handler = { request in
        guard request.method == "GET", request.path == "/version" else {
            return Response(
                status: 404,
                body: #"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#)
        }
        return Response(
            body: #"{"major":"1","minor":"31","gitVersion":"v1.31.0-trainyard-test","platform":"linux/amd64"}"#)
    }

    public let port: Int
    /// `https://127.0.0.1:PORT`.
    public var url: String { "https://127.0.0.1:\(port)" }
    public var receivedRequests: [Request] { requests.all }

    private let channel: any Channel
    private let requests: RequestLog

    private init(channel: any Channel, port: Int, requests: RequestLog) {
        self.channel = channel
        self.port = port
        self.requests = requests
    }

    /// Serves with a certificate from `authority` for `dnsNames` and `ipAddresses`. With
    /// `requireClientCertificate`, the handshake fails unless the client presents a certificate
    /// signed by `authority`.
    public static func start(
        authority: TestCertificateAuthority, requireClientCertificate: Bool = true,
        dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"],
        handler: @escaping Handler = versionHandler
    ) async throws -> TLSTestServer {
        let issued = try authority.issueServerCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses)
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = NIOSSLPrivateKeySource.privateKey(
            try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem))
        var configuration: TLSConfiguration
        if requireClientCertificate {
            let roots = try NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8))
            configuration = .makeServerConfigurationWithMTLS(
                certificateChain: chain, privateKey: key, trustRoots: .certificates(roots))
        } else {
            configuration = .makeServerConfiguration(certificateChain: chain, privateKey: key)
        }
        return try await start(tlsConfiguration: configuration, handler: handler)
    }

    /// Serves with any server TLS configuration.
    public static func start(
        tlsConfiguration: TLSConfiguration, handler: @escaping Handler = versionHandler
    ) async throws -> TLSTestServer {
        let context = try NIOSSLContext(configuration: tlsConfiguration)
        let requests = RequestLog()
        let record: @Sendable (Request) -> Response = { request in
            requests.append(request)
            return handler(request)
        }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(NIOSSLServerHandler(context: context))
                    try operations.configureHTTPServerPipeline()
                    try operations.addHandler(HTTPHandler(handler: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw TestCertificateError(message: "TLS test server bound without a port")
        }
        return TLSTestServer(channel: channel, port: port, requests: requests)
    }

    public func shutdown() async throws {
        try await channel.close()
    }
}

private final class RequestLog: Sendable {
    private let requests = Mutex<[TLSTestServer.Request]>([])
    var all: [TLSTestServer.Request] { requests.withLock { $0 } }
    func append(_ request: TLSTestServer.Request) { requests.withLock { $0.append(request) } }
}

private final class HTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: TLSTestServer.Handler
    private var head: HTTPRequestHead?

    init(handler: @escaping TLSTestServer.Handler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let peer = try? context.channel.pipeline.syncOperations.nioSSL_peerCertificate()
            let request = TLSTestServer.Request(
                method: head.method.rawValue, path: head.uri, headers: headers,
                clientCommonName: peer.flatMap(Self.commonName))
            let response = handler(request)
            let body = context.channel.allocator.buffer(string: response.body)
            var responseHeaders = HTTPHeaders()
            responseHeaders.add(name: "content-type", value: response.contentType)
            responseHeaders.add(name: "content-length", value: String(body.readableBytes))
            let status = HTTPResponseStatus(statusCode: response.status)
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: responseHeaders))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Handshake failures are what several tests provoke on purpose.
        context.close(promise: nil)
    }

    private static func commonName(_ certificate: NIOSSLCertificate) -> String? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        for relativeName in parsed.subject {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                return attribute.value.description
            }
        }
        return nil
    }
}
