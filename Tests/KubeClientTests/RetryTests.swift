import Hummingbird
import KubeAPI
import KubeClient
import Logging
import NIOCore
import Synchronization
import Testing

/// A plain-HTTP server that answers each request with the next scripted status, recording when
/// requests arrived: the client's retry behaviour seen from the server's side.
final class ScriptedServer: Sendable {
    let script: Mutex<[(status: HTTPResponse.Status, retryAfter: String?)]>
    let arrivals = Mutex<[(method: String, at: ContinuousClock.Instant)]>([])
    let port = Mutex<Int?>(nil)

    init(_ script: [(status: HTTPResponse.Status, retryAfter: String?)]) {
        self.script = Mutex(script)
    }

    var times: [ContinuousClock.Instant] { arrivals.withLock { $0.map(\.at) } }

    func run() async throws {
        let router = Router()
        router.on("/api/v1/namespaces/default/configmaps/x", method: .get) { _, _ in try self.answer("GET") }
        router.on("/api/v1/namespaces/default/configmaps", method: .post) { _, _ in try self.answer("POST") }
        var logger = Logger(label: "scripted")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        try await app.run()
    }

    func answer(_ method: String) throws -> Response {
        arrivals.withLock { $0.append((method, .now)) }
        let next = script.withLock { $0.isEmpty ? (.ok, nil) : $0.removeFirst() }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = next.retryAfter { headers[.retryAfter] = retryAfter }
        let body: String
        if next.status == .ok || next.status == .created {
            body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"}}"#
        } else {
            body =
                #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"busy","reason":"\#(next.status == .tooManyRequests ? "TooManyRequests" : next.status == .serviceUnavailable ? "ServiceUnavailable" : "InternalError")","code":\#(next.status.code)}"#
        }
        return Response(status: next.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

@Suite("Retries and rate limits")
struct RetryTests {
    func withServer(
        _ script: [(status: HTTPResponse.Status, retryAfter: String?)], policy: RetryPolicy, qps: Double = 0,
        _ body: (KubeClient, ScriptedServer) async throws -> Void
    ) async throws {
        let server = ScriptedServer(script)
        let task = Task { try await server.run() }
        while server.port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        var configuration = KubeClientConfiguration(server: "http://127.0.0.1:\(server.port.withLock { $0 }!)")
        configuration.qps = qps
        configuration.burst = 1
        let client = try KubeClient(configuration: configuration, retryPolicy: policy)
        try await body(client, server)
        try await client.shutdown()
        task.cancel()
        _ = try? await task.value
    }

    @Test("429 and 5xx on a GET are retried with growing delays until it succeeds")
    func growingDelays() async throws {
        let policy = RetryPolicy(maxRetries: 5, backoff: Backoff(base: .milliseconds(50), cap: .seconds(5)))
        try await withServer([(.tooManyRequests, nil), (.internalServerError, nil), (.serviceUnavailable, nil)], policy: policy) {
            client, server in
            let object = try await client.get(ConfigMap.self, namespace: "default", name: "x")
            #expect(object.metadata.name == "x")
            let times = server.times
            #expect(times.count == 4)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            #expect(gaps[0] >= .milliseconds(50))
            #expect(gaps[1] >= .milliseconds(100))
            #expect(gaps[2] >= .milliseconds(200))
        }
    }

    @Test("Retry-After is honoured over the back-off")
    func retryAfter() async throws {
        let policy = RetryPolicy(maxRetries: 3, backoff: Backoff(base: .milliseconds(1), cap: .milliseconds(1)))
        try await withServer([(.tooManyRequests, "1")], policy: policy) { client, server in
            _ = try await client.get(ConfigMap.self, namespace: "default", name: "x")
            let times = server.times
            #expect(times.count == 2)
            #expect(times[1] - times[0] >= .milliseconds(950))
        }
    }

    @Test("a POST answered 500 is not retried (it may have been applied); 429 is")
    func nonIdempotent() async throws {
        let policy = RetryPolicy(maxRetries: 3, backoff: Backoff(base: .milliseconds(10), cap: .milliseconds(10)))
        try await withServer([(.internalServerError, nil)], policy: policy) { client, server in
            await #expect {
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "x", namespace: "default")))
            } throws: { error in
                let error = error as? KubeError
                return error?.code == .serverError && error?.statusCode == 500 && error?.message == "busy"
            }
            #expect(server.times.count == 1)
        }
        try await withServer([(.tooManyRequests, nil)], policy: policy) { client, server in
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "x", namespace: "default")))
            #expect(server.times.count == 2)
        }
    }

    @Test("retries stop after maxRetries with the last error")
    func givesUp() async throws {
        let policy = RetryPolicy(maxRetries: 2, backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(5)))
        try await withServer(Array(repeating: (.serviceUnavailable, nil), count: 10), policy: policy) { client, server in
            await #expect {
                _ = try await client.get(ConfigMap.self, namespace: "default", name: "x")
            } throws: { ($0 as? KubeError)?.code == .serviceUnavailable }
            #expect(server.times.count == 3)
        }
    }

    @Test("the client-side QPS limit spaces requests out")
    func qpsLimit() async throws {
        try await withServer([], policy: .none, qps: 20) { client, server in
            let started = ContinuousClock.now
            for _ in 0..<6 { _ = try await client.get(ConfigMap.self, namespace: "default", name: "x") }
            // Burst 1 at 20 qps: the last five requests each wait for a token, 50 ms apart.
            #expect(ContinuousClock.now - started >= .milliseconds(245))
            #expect(server.times.count == 6)
        }
    }

    @Test("connection refused is a transport error naming the server")
    func connectionRefused() async throws {
        var configuration = KubeClientConfiguration(server: "http://127.0.0.1:1")
        configuration.qps = 0
        let client = try KubeClient(configuration: configuration, retryPolicy: .none)
        await #expect {
            _ = try await client.get(ConfigMap.self, namespace: "default", name: "x")
        } throws: { error in
            let error = error as? KubeError
            return error?.code == .transport && error?.message.contains("cannot reach the API server at http://127.0.0.1:1") == true
        }
        try await client.shutdown()
    }

    @Test(
        "backoff, token bucket and retry policy rules",
        arguments: [
            (429, "POST", nil as Int?, true), (500, "GET", nil, true), (500, "POST", nil, false), (503, "POST", 2, true),
            (404, "GET", nil, false), (409, "PUT", nil, false), (0, "GET", nil, true), (0, "POST", nil, false),
        ])
    func policyTable(status: Int, method: String, retryAfter: Int?, retried: Bool) {
        let verb = ["GET": "get", "POST": "create", "PUT": "update"][method]!
        let request = KubeRequest(method: method, path: "/x", verb: verb, resource: "configmaps")
        let error = KubeError(code: status == 0 ? .transport : .unknown, statusCode: status, message: "", retryAfterSeconds: retryAfter)
        let delay = RetryPolicy().delay(after: error, request: request, attempt: 0)
        #expect((delay != nil) == retried)
        if let retryAfter, retried { #expect(delay == .seconds(retryAfter)) }
    }

    @Test("token bucket: a burst goes at once, then one token per 1/rate")
    func tokenBucket() {
        let t0 = ContinuousClock.now
        var bucket = TokenBucket(rate: 10, burst: 3, now: t0)
        #expect((0..<3).map { _ in bucket.reserve(now: t0) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(now: t0) == .milliseconds(100))
        #expect(bucket.reserve(now: t0) == .milliseconds(200))
        #expect(bucket.reserve(now: t0 + .seconds(1)) == .zero, "refilled after a second")
    }
}
