import AsyncHTTPClient
import Foundation
import KubeAPI
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client for the Kubernetes REST API: authenticated, rate limited, retrying, and speaking
/// JSON. One instance is shared by everything in a process; call `shutdown()` when done.
///
/// Every failure is thrown as a `KubeError`.
public final class KubeClient: Sendable {
    public let configuration: KubeClientConfiguration
    public let retryPolicy: RetryPolicy
    let logger: Logger
    let http: HTTPClient
    let credentials: CredentialProvider
    let limiter: Mutex<TokenBucket>?
    let observer: (any KubeClientObserver)?
    /// Responses larger than this are refused rather than buffered (a list of everything in a big
    /// cluster should be paged instead).
    static let maxResponseBytes = 256 << 20

    public init(
        configuration: KubeClientConfiguration,
        retryPolicy: RetryPolicy = RetryPolicy(),
        observer: (any KubeClientObserver)? = nil,
        logger: Logger = Logger(label: "trainyard.kubeclient")
    ) throws {
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.observer = observer
        self.logger = logger
        guard configuration.server.hasPrefix("https://") || configuration.server.hasPrefix("http://") else {
            throw KubeError(
                code: .configuration,
                message: "\(configuration.source): server \"\(configuration.server)\" must start with https:// or http://")
        }
        var httpConfiguration = HTTPClient.Configuration()
        if configuration.server.hasPrefix("https://") {
            do {
                httpConfiguration.tlsConfiguration = try configuration.makeTLSConfiguration()
            } catch {
                throw KubeError(code: .configuration, message: "\(error)", underlying: error)
            }
        }
        httpConfiguration.timeout = .init(connect: .seconds(5))
        httpConfiguration.redirectConfiguration = .disallow
        // Each watch holds an HTTP/1.1 connection for minutes; the default of 8 would queue
        // requests behind a handful of informers.
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        // Fail a refused or untrusted connection at once; `retryPolicy` and the watchers' back-off
        // decide about retrying, instead of the request silently waiting out its deadline.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        // kubeconfig tls-server-name: the URL carries the name to verify, DNS maps it back.
        httpConfiguration.dnsOverride = configuration.dnsOverride
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.credentials = CredentialProvider(configuration.authentication)
        self.limiter = configuration.qps > 0 ? Mutex(TokenBucket(rate: configuration.qps, burst: max(configuration.burst, 1))) : nil
    }

    /// Closes connections. Streams still open fail.
    public func shutdown() async throws {
        do {
            try await http.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {}
    }

    deinit {
        // A client dropped without shutdown() (a thrown error skipped it) still lets go of its
        // connections; the shutdown keeps the HTTP client alive until it completes.
        _ = http.shutdown()
    }

    /// The default namespace: the context's or the pod's own.
    public var defaultNamespace: String { configuration.namespace ?? "default" }

    /// Sends `request` and returns a 2xx answer, retrying as `retryPolicy` allows.
    public func perform(_ request: KubeRequest) async throws -> KubeResponse {
        var attempt = 0
        var reauthenticated = false
        while true {
            do {
                return try await performOnce(request)
            } catch let error as KubeError {
                if Task.isCancelled { throw error }
                if error.code == .unauthorized, !reauthenticated, configuration.authentication.canRefresh {
                    // Tokens from files and plugins rotate; a 401 means ours went stale.
                    reauthenticated = true
                    await credentials.invalidate()
                    continue
                }
                guard let delay = retryPolicy.delay(after: error, request: request, attempt: attempt) else { throw error }
                logger.debug(
                    "retrying API request",
                    metadata: ["request": "\(request.summary)", "error": "\(error)", "delay": "\(delay)", "attempt": "\(attempt + 1)"])
                attempt += 1
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw KubeError(code: .transport, message: "cancelled", request: request.summary, underlying: error)
                }
            }
        }
    }

    func performOnce(_ request: KubeRequest) async throws -> KubeResponse {
        let response = try await send(request, deadline: configuration.requestTimeout)
        let started = response.started
        do {
            let body = try await response.response.body.collect(upTo: Self.maxResponseBytes)
            let bytes = Array(body.readableBytesView)
            let code = Int(response.response.status.code)
            observer?.requestFinished(verb: request.verb, resource: request.resource, statusCode: code, duration: .now - started)
            guard (200..<300).contains(code) else {
                throw KubeError.fromResponse(
                    statusCode: code, body: bytes, request: request.summary,
                    retryAfter: response.response.headers.first(name: "Retry-After").flatMap { Int($0) })
            }
            return KubeResponse(statusCode: code, body: bytes)
        } catch let error as KubeError {
            throw error
        } catch {
            observer?.requestFinished(verb: request.verb, resource: request.resource, statusCode: 0, duration: .now - started)
            throw transportError(error, request: request)
        }
    }

    /// Opens a streaming request (a watch): the caller reads the body. Non-2xx answers are thrown.
    func stream(_ request: KubeRequest, deadline: Duration) async throws -> HTTPClientResponse {
        let response = try await send(request, deadline: deadline)
        let code = Int(response.response.status.code)
        observer?.requestFinished(verb: request.verb, resource: request.resource, statusCode: code, duration: .now - response.started)
        guard (200..<300).contains(code) else {
            let body = (try? await response.response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
            throw KubeError.fromResponse(
                statusCode: code, body: body, request: request.summary,
                retryAfter: response.response.headers.first(name: "Retry-After").flatMap { Int($0) })
        }
        return response.response
    }

    private func send(_ request: KubeRequest, deadline: Duration) async throws -> (
        response: HTTPClientResponse, started: ContinuousClock.Instant
    ) {
        if let wait = limiter?.withLock({ $0.reserve() }), wait > .zero {
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw KubeError(code: .transport, message: "cancelled", request: request.summary, underlying: error)
            }
        }
        var http = HTTPClientRequest(url: configuration.requestBaseURL + request.path + request.queryString)
        http.method = HTTPMethod(rawValue: request.method)
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        let header: String?
        do {
            header = try await credentials.authorizationHeader()
        } catch let error as KubeConfigurationError {
            throw KubeError(code: .configuration, message: error.message, request: request.summary, underlying: error)
        }
        if let header { http.headers.add(name: "Authorization", value: header) }
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        let started = ContinuousClock.now
        do {
            let response = try await self.http.execute(http, timeout: .nanoseconds(Int64(deadline.seconds * 1e9)), logger: logger)
            return (response, started)
        } catch {
            observer?.requestFinished(verb: request.verb, resource: request.resource, statusCode: 0, duration: .now - started)
            throw transportError(error, request: request)
        }
    }

    func transportError(_ error: any Error, request: KubeRequest) -> KubeError {
        if let error = error as? KubeError { return error }
        if error is NIOTooManyBytesError {
            // Not a transport failure: fetching it again would fail the same way.
            return KubeError(
                code: .decoding, statusCode: 200,
                message: "the answer is larger than \(Self.maxResponseBytes >> 20) MiB; list it in pages (limit)",
                request: request.summary, underlying: error)
        }
        if error is CancellationError {
            return KubeError(code: .transport, message: "cancelled", request: request.summary, underlying: error)
        }
        if let tls = describeTLSFailure(error, configuration: configuration) {
            return KubeError(code: .transport, message: tls, request: request.summary, underlying: error)
        }
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return KubeError(
                code: .timeout, message: "no answer from \(configuration.server) within the request timeout",
                request: request.summary, underlying: error)
        }
        return KubeError(
            code: .transport, message: "cannot reach the API server at \(configuration.server): \(error)",
            request: request.summary, underlying: error)
    }
}

extension Authentication {
    /// Whether a fresh credential might differ from the one the server just refused.
    var canRefresh: Bool {
        switch self {
        case .tokenFile, .exec: return true
        default: return false
        }
    }
}
