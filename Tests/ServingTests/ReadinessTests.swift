import Foundation
import KubeAPI
import Serving
import Testing

@Suite("Readiness: live at once, ready and scoring only once the model is served")
struct ReadinessTests {
    @Test("before serve: readiness and scoring answer 503 in their protocol's shape, liveness 200; after serve: 200")
    func unavailableUntilServed() async throws {
        let server = try TestServer.make(nil)
        #expect(server.model == nil)
        try await TestServer.test(server) { client in
            for path in ["/ping", "/health"] {
                let answer = try await client.get(path)
                #expect(answer.status == 503, "\(path): \(answer)")
                #expect(answer.json?["error_code"] == "TEMPORARILY_UNAVAILABLE", "\(path): \(answer)")
            }
            let scoring = try await client.post("/invocations", Payload.dataframeSplit())
            #expect(scoring.status == 503)
            #expect(scoring.json?["error_code"] == "TEMPORARILY_UNAVAILABLE")
            #expect(scoring.json?["message"]?.stringValue?.contains("retry when /v2/health/ready answers 200") == true, "\(scoring)")

            let ready = try await client.get("/v2/health/ready")
            #expect(ready.status == 503)
            #expect(ready.json == ["error": "the model is still loading"])
            for path in ["/v2/models/churn", "/v2/models/churn/ready"] {
                let answer = try await client.get(path)
                #expect(answer.status == 503, "\(path): \(answer)")
                #expect(answer.json?["error"] != nil, "\(path): \(answer)")
            }
            let infer = try await client.post("/v2/models/churn/infer", Payload.matrix())
            #expect(infer.status == 503)
            #expect(infer.json?["error"]?.stringValue?.contains("still loading") == true)

            // Liveness and the server's own routes do not wait for the model.
            #expect(try await client.get("/v2/health/live").status == 200)
            #expect(try await client.get("/v2").status == 200)
            #expect(try await client.get("/version").status == 200)
            #expect(try await client.get("/metrics").text.contains("trainyard_serve_model_loaded 0"))

            server.serve(ServedModel(model: try ModelKind.gbdtClassifier.model(), name: "churn", source: "test"))
            #expect(try await client.get("/ping").status == 200)
            #expect(try await client.get("/v2/health/ready").status == 200)
            #expect(try await client.post("/invocations", Payload.dataframeSplit()).status == 200)
            #expect(try await client.post("/v2/models/churn/infer", Payload.matrix()).status == 200)
            #expect(try await client.get("/metrics").text.contains("trainyard_serve_model_loaded 1"))
        }
    }
}
