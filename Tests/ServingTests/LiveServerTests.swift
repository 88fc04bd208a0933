import Foundation
import KubeAPI
import Learn
import Serving
import Testing
import TrainyardTesting

/// A `ModelServer.run` on an ephemeral loopback port, in a task of its own.
private struct RunningServer: ~Copyable {
    let server: ModelServer
    let task: Task<Void, any Error>
    let url: String

    /// Starts the server and waits until it listens (its `port` is set once bound).
    init(load: @escaping @Sendable () async throws -> ServedModel) async throws {
        let server = ModelServer(configuration: ModelServerConfiguration(host: "127.0.0.1", port: 0), logger: TestServer.logger)
        self.server = server
        task = Task { try await server.run(load: load) }
        let deadline = ContinuousClock.now + .seconds(20)
        while server.port == nil {
            guard ContinuousClock.now < deadline else {
                task.cancel()
                throw LiveServerFailed(message: "the server did not listen within 20 s")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        url = "http://127.0.0.1:\(server.port!)"
    }

    /// Cancels the server's task and waits for `run` to return.
    consuming func stop() async {
        task.cancel()
        _ = await task.result
    }
}

private struct LiveServerFailed: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A gate a test opens to let a model load finish.
private final class Gate: Sendable {
    let stream: AsyncStream<Void>
    let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }

    func wait() async { for await _ in stream { return } }
    func open() { continuation.yield() }
}

@Suite("Live server on a socket (one test per protocol)", .timeLimit(.minutes(1)))
struct LiveServerTests {
    @Test("MLflow scoring protocol over HTTP: /ping, /version, /invocations (JSON and CSV)")
    func mlflowProtocol() async throws {
        let model = try ModelKind.gbdtClassifier.model()
        let expected = try ModelKind.gbdtClassifier.expected()
        let running = try await RunningServer { ServedModel(model: model, name: "churn", source: "test") }
        // The model loads in the server's own task: wait for readiness.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await HTTPFetch.get(running.url + "/ping").status != 200, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let ping = try await HTTPFetch.get(running.url + "/ping")
        #expect(ping.status == 200 && ping.body == "\n")
        #expect(try await HTTPFetch.get(running.url + "/version").body == TrainyardVersion.current)
        for (body, contentType) in [(Payload.dataframeSplit(), "application/json"), (Payload.csv(), "text/csv")] {
            let answer = try await HTTPFetch.post(running.url + "/invocations", body: body, contentType: contentType)
            expectScoringAnswer(
                Answer(status: answer.status, headers: [:], text: answer.body), equals: expected, "live \(contentType)")
            #expect(answer.headers["content-type"] == "application/json")
            #expect(answer.headers["x-request-id"]?.isEmpty == false)
        }
        let refused = try await HTTPFetch.post(running.url + "/invocations", body: "{}")
        #expect(refused.status == 400 && refused.body.contains(#""error_code":"BAD_REQUEST""#))
        await running.stop()
    }

    @Test("Open Inference Protocol over HTTP: live at once, ready once the model has loaded, then infer")
    func inferenceProtocol() async throws {
        let model = try ModelKind.gbdtRegressor.model()
        let expected = try ModelKind.gbdtRegressor.expected()
        let gate = Gate()
        let running = try await RunningServer {
            await gate.wait()
            return ServedModel(model: model, name: "price", version: "2", source: "test")
        }
        // Listening, loading: live but not ready.
        #expect(try await HTTPFetch.get(running.url + "/v2/health/live").status == 200)
        let loading = try await HTTPFetch.get(running.url + "/v2/health/ready")
        #expect(loading.status == 503 && loading.body.contains("still loading"), "\(loading)")
        #expect(try await HTTPFetch.post(running.url + "/v2/models/price/infer", body: Payload.matrix()).status == 503)

        gate.open()
        let deadline = ContinuousClock.now + .seconds(10)
        while try await HTTPFetch.get(running.url + "/v2/health/ready").status != 200, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(running.server.model?.name == "price")
        let answer = try await HTTPFetch.post(running.url + "/v2/models/price/versions/2/infer", body: Payload.perFeature(id: "live-1"))
        #expect(answer.status == 200, "\(answer)")
        let json = try JSONValue.parse(answer.body)
        #expect(json["id"] == "live-1" && json["model_version"] == "2")
        #expect(json["outputs"]?[0]?["data"]?.arrayValue?.compactMap(\.doubleValue) == expected.values)
        #expect(answer.headers["x-model-version"] == "2")
        let missing = try await HTTPFetch.get(running.url + "/v2/models/other")
        #expect(missing.status == 404 && missing.body.contains(#""error":"#))
        await running.stop()
    }

    @Test("a model that fails to load ends run with its error")
    func loadFailure() async throws {
        struct Broken: Error {}
        let server = ModelServer(configuration: ModelServerConfiguration(host: "127.0.0.1", port: 0), logger: TestServer.logger)
        await #expect(throws: Broken.self) {
            try await server.run { throw Broken() }
        }
        #expect(server.model == nil)
    }
}
