import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client for MLflow's REST API (`/api/2.0/mlflow/...`): experiments, runs, batched logging,
/// and (in extensions) the registry and the artifact proxy.
///
/// Calls that are safe to repeat are retried while the failure may pass (connection refused or
/// reset, timeouts, 5xx, 429), with exponential back-off, for up to `retryFor`; then the call fails
/// with ``MLflowError/Code/unreachable`` or ``MLflowError/Code/server`` naming the server and the
/// last error. Calls that are not safe to repeat (creating a run) are tried once. MLflow's error
/// answers become ``MLflowError``s with its `error_code`.
public final class MLflowClient: Sendable {
    public let configuration: MLflowConfiguration
    let http: HTTPClient
    let logger: Logger

    /// Answers larger than this are refused (artifact downloads stream instead).
    static let maxResponseBytes = 64 << 20

    public init(_ configuration: MLflowConfiguration, logger: Logger = Logger(label: "trainyard.mlflow")) {
        self.configuration = configuration
        self.logger = logger
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .seconds(5))
        http.redirectConfiguration = .disallow
        http.connectionPool.retryConnectionEstablishment = false
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Closes connections.
    public func shutdown() async throws {
        do {
            try await http.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {}
    }

    deinit {
        try? http.syncShutdown()
    }

    // MARK: Requests

    /// Whether a failed call may be sent again.
    enum Retry {
        case whileTransient
        case never
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Calls `path` (under `/api/2.0/mlflow`) and decodes the JSON answer.
    func call<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: (any Encodable)? = nil, retry: Retry,
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let bytes = try await send(
            method, "/api/2.0/mlflow" + path, query: query, body: body.map { try Self.encoder.encode($0) }, retry: retry)
        do {
            return try Self.decoder.decode(Response.self, from: Data(bytes))
        } catch {
            throw MLflowError(
                .decoding,
                "\(configuration.trackingURI): \(method) \(path): the answer is not what the MLflow API documents (\(error)): \(String(decoding: bytes.prefix(300), as: UTF8.self))"
            )
        }
    }

    /// Sends a request, retrying as `retry` allows, and returns the body of a 2xx answer.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil, contentType: String = "application/json",
        retry: Retry
    ) async throws -> [UInt8] {
        let bytes = body.map { ByteBuffer(bytes: $0) }
        let makeBody: (() throws -> HTTPClientRequest.Body)? = bytes.map { buffer in { .bytes(buffer) } }
        return try await send(method, path, query: query, contentType: contentType, retry: retry, body: makeBody) { response in
            Array(try await response.body.collect(upTo: Self.maxResponseBytes).readableBytesView)
        }
    }

    /// Sends a request, retrying as `retry` allows; `body` makes a fresh body for every attempt
    /// (so a file can be streamed again), and `read` consumes a 2xx answer.
    func send<Answer: Sendable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], contentType: String = "application/json", retry: Retry,
        body: (() throws -> HTTPClientRequest.Body)?, read: (HTTPClientResponse) async throws -> Answer
    ) async throws -> Answer {
        let url = configuration.trackingURI + path + Self.queryString(query)
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.retryFor
        var attempt = 0
        while true {
            let outcome: Result<Answer, MLflowError>
            var transient = false
            do {
                var request = HTTPClientRequest(url: url)
                request.method = method
                request.headers.add(name: "Accept", value: "application/json")
                request.headers.add(name: "User-Agent", value: "trainyard")
                if let authorization = configuration.authorization { request.headers.add(name: "Authorization", value: authorization) }
                if let body {
                    request.headers.add(name: "Content-Type", value: contentType)
                    request.body = try body()
                }
                let response = try await http.execute(
                    request, timeout: .nanoseconds(Int64(seconds(configuration.requestTimeout) * 1e9)), logger: logger)
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return try await read(response) }
                let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
                let error = errorAnswer(status: status, bytes: Array(buffer.readableBytesView), method: method, path: path)
                transient = status >= 500 || status == 429
                outcome = .failure(error)
            } catch let error as MLflowError {
                throw error
            } catch is CancellationError {
                throw MLflowError(.unreachable, "\(configuration.trackingURI): \(method) \(path): cancelled")
            } catch {
                transient = true
                outcome = .failure(
                    MLflowError(
                        .unreachable, "cannot reach MLflow at \(configuration.trackingURI) (\(method) \(path)): \(Self.describe(error))"))
            }
            guard case .failure(let error) = outcome else { continue }
            let delay = Self.delay(attempt: attempt, configuration)
            guard transient, retry == .whileTransient, clock.now + delay < deadline else {
                guard transient, retry == .whileTransient else { throw error }
                let spent = Int(seconds(clock.now - (deadline - configuration.retryFor)).rounded())
                throw MLflowError(
                    error.code,
                    "\(error.message) (gave up after \(attempt + 1) \(attempt == 0 ? "attempt" : "attempts") over \(spent) s)",
                    mlflowCode: error.mlflowCode, statusCode: error.statusCode)
            }
            logger.debug(
                "MLflow call failed, retrying", metadata: ["path": "\(path)", "attempt": "\(attempt + 1)", "error": "\(error.message)"])
            try? await Task.sleep(for: delay)
            if Task.isCancelled { throw MLflowError(.unreachable, "\(configuration.trackingURI): \(method) \(path): cancelled") }
            attempt += 1
        }
    }

    private func errorAnswer(status: Int, bytes: [UInt8], method: HTTPMethod, path: String) -> MLflowError {
        struct Body: Decodable {
            var errorCode: String?
            var message: String?
        }
        let body = try? Self.decoder.decode(Body.self, from: Data(bytes))
        let code = MLflowError.code(status: status, mlflowCode: body?.errorCode)
        let text = body?.message ?? String(decoding: bytes.prefix(300), as: UTF8.self)
        // MLflow appends SQL details to some messages; the first line says what matters.
        let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return MLflowError(
            code, "MLflow at \(configuration.trackingURI): \(method) \(path): \(status) \(body?.errorCode ?? ""): \(firstLine)",
            mlflowCode: body?.errorCode, statusCode: status)
    }

    static func delay(attempt: Int, _ configuration: MLflowConfiguration) -> Duration {
        let base = seconds(configuration.retryDelay)
        let cap = seconds(configuration.maxRetryDelay)
        return .milliseconds(Int64(min(cap, base * pow(2, Double(min(attempt, 30)))) * 1000))
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return "no answer within the request timeout" }
            if error == .connectTimeout { return "connection timed out" }
        }
        let text = "\(error)"
        if text.contains("connection refused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
