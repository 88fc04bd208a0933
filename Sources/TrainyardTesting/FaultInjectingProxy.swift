import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A plain-HTTP reverse proxy in front of a real server that fails on purpose:
/// - a request whose path starts with one of `dropAnswerTo` reaches the server, and the proxy then
///   closes the connection instead of answering: the failure a client cannot tell from "not done",
///   to check what a client does when a non-idempotent call may have succeeded;
/// - while `answer(status:body:)` is set, every request gets that answer without reaching the
///   server (a server refusing credentials, say), until `forward()`.
/// Every request is logged with the time it arrived, so tests can wait for a call and measure
/// the gaps between retries instead of guessing how fast the machine is.
public final class FaultInjectingProxy: Sendable {
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }
    private let channel: any Channel
    private let log: ProxyLog

    /// One request the proxy received.
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var at: ContinuousClock.Instant
    }

    /// Paths whose answers were dropped, in order.
    public var droppedRequests: [String] { log.paths.withLock { $0 } }

    /// Every request so far, in the order they arrived.
    public var received: [Received] { log.received.withLock { $0 } }

    /// Answers every request with `status` and `body` (JSON) from now on, without forwarding it.
    public func answer(status: Int, body: String) {
        log.answer.withLock { $0 = (status, body) }
    }

    /// Forwards requests to the server again.
    public func forward() {
        log.answer.withLock { $0 = nil }
    }

    private init(channel: any Channel, port: Int, log: ProxyLog) {
        self.channel = channel
        self.port = port
        self.log = log
    }

    public static func start(upstream: String, dropAnswerTo prefixes: [String]) async throws -> FaultInjectingProxy {
        let log = ProxyLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.configureHTTPServerPipeline()
                    try operations.addHandler(ProxyHandler(upstream: upstream, prefixes: prefixes, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw ProxyError(message: "the proxy bound without a port")
        }
        return FaultInjectingProxy(channel: channel, port: port, log: log)
    }

    public func shutdown() async throws {
        try await channel.close()
    }
}

struct ProxyError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

private final class ProxyLog: Sendable {
    let paths = Mutex<[String]>([])
    let received = Mutex<[FaultInjectingProxy.Received]>([])
    let answer = Mutex<(status: Int, body: String)?>(nil)
}

private final class ProxyHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let upstream: String
    private let prefixes: [String]
    private let log: ProxyLog
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(upstream: String, prefixes: [String], log: ProxyLog) {
        self.upstream = upstream
        self.prefixes = prefixes
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            self.head = nil
            var request = HTTPClientRequest(url: upstream + head.uri)
            request.method = head.method
            for (name, value) in head.headers where name.lowercased() != "host" && name.lowercased() != "connection" {
                request.headers.add(name: name, value: value)
            }
            if body.readableBytes > 0 { request.body = .bytes(body) }
            let path = String(head.uri.split(separator: "?").first ?? "")
            let drop = prefixes.contains { path.hasPrefix($0) }
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let version = head.version
            let log = log
            log.received.withLock { $0.append(.init(method: head.method.rawValue, path: path, at: .now)) }
            let fixed = log.answer.withLock { $0 }
            Task {
                let answer: (HTTPResponseStatus, HTTPHeaders, ByteBuffer)
                if let fixed {
                    answer = (
                        HTTPResponseStatus(statusCode: fixed.status), ["content-type": "application/json"], ByteBuffer(string: fixed.body)
                    )
                } else {
                    do {
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        let bytes = try await response.body.collect(upTo: 256 << 20)
                        answer = (response.status, response.headers, bytes)
                    } catch {
                        answer = (.badGateway, HTTPHeaders(), ByteBuffer(string: "proxy: \(error)"))
                    }
                }
                bound.eventLoop.execute {
                    let context = bound.value
                    if drop && fixed == nil {
                        log.paths.withLock { $0.append(path) }
                        context.close(promise: nil)
                        return
                    }
                    var headers = HTTPHeaders()
                    for (name, value) in answer.1
                    where !["content-length", "transfer-encoding", "connection"].contains(name.lowercased()) {
                        headers.add(name: name, value: value)
                    }
                    headers.add(name: "content-length", value: String(answer.2.readableBytes))
                    context.write(
                        NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: answer.0, headers: headers))),
                        promise: nil)
                    context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(answer.2))), promise: nil)
                    context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
