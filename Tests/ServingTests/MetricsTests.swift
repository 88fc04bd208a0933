import Foundation
import Serving
import Testing

/// The value of the series whose line starts with `series` (name and labels, exactly as written).
private func value(_ metrics: String, _ series: String) -> Double? {
    for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

@Suite("Prometheus /metrics")
struct MetricsTests {
    @Test("requests by route and status code, rows by protocol, the model served, requests in flight")
    func series() async throws {
        let server = try TestServer.make(.gbdtClassifier, version: "3")
        let rows = ScoringRow.examples.count
        try await TestServer.test(server) { client in
            #expect(try await client.post("/invocations", Payload.dataframeSplit()).status == 200)
            #expect(try await client.post("/invocations", Payload.csv(), contentType: "text/csv").status == 200)
            #expect(try await client.post("/invocations", "{").status == 400)
            #expect(try await client.post("/v2/models/churn/infer", Payload.matrix()).status == 200)
            #expect(try await client.get("/v2/models/nope").status == 404)
            #expect(try await client.get("/nowhere").status == 404)
            #expect(try await client.get("/ping").status == 200)

            let answer = try await client.get("/metrics")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = answer.text
            let expectations: [(String, Double)] = [
                (#"trainyard_serve_requests_total{route="/invocations",code="200"}"#, 2),
                (#"trainyard_serve_requests_total{route="/invocations",code="400"}"#, 1),
                (#"trainyard_serve_requests_total{route="/v2/models/{name}/infer",code="200"}"#, 1),
                (#"trainyard_serve_requests_total{route="/v2/models/{name}",code="404"}"#, 1),
                (#"trainyard_serve_requests_total{route="/ping",code="200"}"#, 1),
                (#"trainyard_serve_rows_total{protocol="mlflow"}"#, Double(2 * rows)),
                (#"trainyard_serve_rows_total{protocol="v2"}"#, Double(rows)),
                (
                    #"trainyard_serve_model_info{name="churn",version="3",run_id="run-gbdtClassifier",model_type="gbdt",task="classification"}"#,
                    1
                ),
                ("trainyard_serve_model_loaded", 1),
                // This scrape is the one request in flight.
                ("trainyard_serve_in_flight_requests", 1),
            ]
            for (series, expected) in expectations {
                #expect(value(metrics, series) == expected, "\(series) in:\n\(metrics)")
            }
            // A route nothing matched is counted without its path (no label per probe URL).
            #expect(metrics.contains(#"code="404"}"#))
            #expect(!metrics.contains("nowhere"))
            #expect(metrics.contains(#"trainyard_serve_request_duration_seconds_bucket{route="/invocations",code="200",le="#))

            // The first scrape has finished: the next one again sees only itself.
            let again = try await client.get("/metrics").text
            #expect(value(again, "trainyard_serve_in_flight_requests") == 1)
        }
    }
}
