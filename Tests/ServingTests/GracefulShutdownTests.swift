import Foundation
import Learn
import Testing
import TrainyardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The number a Prometheus series line `series VALUE` holds.
private func gauge(_ metrics: String, _ series: String) -> Double? {
    for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

@Suite("trainyard serve: graceful shutdown", .timeLimit(.minutes(1)))
struct GracefulShutdownTests {
    @Test("SIGTERM stops accepting connections, finishes the request in flight, and exits 0")
    func sigtermDrains() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("churn"), withIntermediateDirectories: true)
        try ModelKind.gbdtClassifier.model().jsonData().write(to: URL(fileURLWithPath: scratch.file("churn/model.json")))
        let port = try freeLoopbackPort()
        let serve = try CommandRunner.start(
            binary, ["serve", "--model", scratch.file("churn"), "--host", "127.0.0.1", "--port", "\(port)", "--log-format", "json"],
            environment: ["MLFLOW_TRACKING_URI": ""])
        defer { serve.terminate() }
        let url = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await HTTPFetch.get(url + "/v2/health/ready", newConnection: true))?.status != 200 {
            try #require(serve.isRunning, "trainyard serve exited:\n\(serve.stderr)")
            try #require(ContinuousClock.now < deadline, "not ready within 30 s:\n\(serve.stderr)")
            try await Task.sleep(for: .milliseconds(50))
        }

        // A request whose body is half sent: the server has its head, so it is in flight.
        let body = Payload.dataframeSplit()
        let split = body.utf8.index(body.utf8.startIndex, offsetBy: body.utf8.count / 2)
        let connection = try RawHTTPConnection(port: port)
        try connection.send(
            "POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + String(body[..<split]))
        // The scrape itself is one request in flight; the half-sent one makes two.
        while gauge(try await HTTPFetch.get(url + "/metrics", newConnection: true).body, "trainyard_serve_in_flight_requests") != 2 {
            try #require(ContinuousClock.now < deadline, "the half-sent request never showed as in flight")
            try await Task.sleep(for: .milliseconds(20))
        }

        serve.signal(SIGTERM)
        // Shutting down: the listener closes, so new connections are refused ...
        while RawHTTPConnection.accepts(port: port) {
            try #require(serve.isRunning, "trainyard serve exited with a request in flight:\n\(serve.stderr)")
            try #require(ContinuousClock.now < deadline, "still accepting connections after SIGTERM")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(serve.isRunning, "the request in flight keeps the server up")
        // ... and the request in flight is answered in full.
        try connection.send(String(body[split...]))
        let response = try connection.receiveAll()
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response)")
        let expected = try ModelKind.gbdtClassifier.expected()
        #expect(response.contains(#"{"predictions":[{"prediction":"\#(expected.classes[expected.classIndex(0)])""#), "\(response)")

        let result = try await serve.wait(timeout: .seconds(20))
        #expect(result.status == 0, "\(result)")
        #expect(!RawHTTPConnection.accepts(port: port))
    }

    @Test("--drain-seconds: after SIGTERM readiness fails and scoring goes on; a second SIGTERM stops it, exit 0")
    func drainKeepsAnswering() async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("churn"), withIntermediateDirectories: true)
        try ModelKind.gbdtClassifier.model().jsonData().write(to: URL(fileURLWithPath: scratch.file("churn/model.json")))
        let port = try freeLoopbackPort()
        // A drain far longer than the test: only the second signal can end it.
        let serve = try CommandRunner.start(
            binary,
            ["serve", "--model", scratch.file("churn"), "--host", "127.0.0.1", "--port", "\(port)", "--drain-seconds", "600"],
            environment: ["MLFLOW_TRACKING_URI": ""])
        defer { serve.terminate() }
        let url = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await HTTPFetch.get(url + "/v2/health/ready", newConnection: true))?.status != 200 {
            try #require(serve.isRunning, "trainyard serve exited:\n\(serve.stderr)")
            try #require(ContinuousClock.now < deadline, "not ready within 30 s:\n\(serve.stderr)")
            try await Task.sleep(for: .milliseconds(50))
        }
        serve.signal(SIGTERM)
        while (try? await HTTPFetch.get(url + "/v2/health/ready", newConnection: true))?.status != 503 {
            try #require(serve.isRunning, "trainyard serve exited instead of draining:\n\(serve.stderr)")
            try #require(ContinuousClock.now < deadline, "readiness never failed after SIGTERM")
            try await Task.sleep(for: .milliseconds(20))
        }
        let ping = try await HTTPFetch.get(url + "/ping", newConnection: true)
        #expect(ping.status == 503 && ping.body.contains("shutting down"), "\(ping)")
        let scored = try await HTTPFetch.post(url + "/invocations", body: Payload.dataframeSplit(), newConnection: true)
        #expect(scored.status == 200, "requests are still answered while draining: \(scored)")
        #expect(serve.isRunning)

        serve.signal(SIGTERM)
        let result = try await serve.wait(timeout: .seconds(20))
        #expect(result.status == 0, "\(result)")
    }
}
