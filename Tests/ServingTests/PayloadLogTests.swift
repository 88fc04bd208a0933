import Foundation
import KubeAPI
import Serving
import Testing

@Suite("Payload log (--log-payloads)")
struct PayloadLogTests {
    @Test("each scored request is one JSON line: request id, model, protocol, inputs by feature, outputs by column")
    func lines() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("payloads.jsonl")
        let log = try PayloadLog(path: path)
        let server = try TestServer.make(.gbdtClassifier, version: "3", payloadLog: log)
        let expected = try ModelKind.gbdtClassifier.expected()
        let rows = Array(ScoringRow.examples.prefix(3))
        try await TestServer.test(server) { client in
            let split = try await client.post("/invocations", Payload.dataframeSplit(rows), headers: ["X-Request-ID": "req-split"])
            #expect(split.status == 200)
            #expect(split.header("X-Request-ID") == "req-split")
            #expect(
                try await client.post("/invocations", Payload.csv(rows), contentType: "text/csv", headers: ["X-Request-ID": "req-csv"])
                    .status == 200)
            #expect(
                try await client.post("/v2/models/churn/infer", Payload.perFeature(rows), headers: ["X-Request-ID": "req-v2"]).status == 200
            )
            #expect(
                try await client.post("/v2/models/churn/infer", Payload.matrix(rows, id: "oip-id"), headers: ["X-Request-ID": "ignored"])
                    .status == 200)
            // Refused and unscored requests are not logged.
            #expect(try await client.post("/invocations", "{", headers: ["X-Request-ID": "req-bad"]).status == 400)
            #expect(try await client.get("/ping").status == 200)
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
        try #require(lines.count == 4, "\(lines)")
        #expect(lines.map { $0["request_id"] } == ["req-split", "req-csv", "req-v2", "oip-id"])
        #expect(lines.map { $0["protocol"] } == ["mlflow", "mlflow", "v2", "v2"])
        let inputs: JSONValue = [
            "colour": ["red", "green", nil], "flag": [true, false, true], "size": [3.25, nil, 7.75], "weight": [-1.5, 2, nil],
        ]
        let n = rows.count
        let outputs: JSONValue = .object(
            [
                "prediction": .array((0..<n).map { .string(expected.classes[expected.classIndex($0)]) })
            ].merging(
                expected.classes.enumerated().map { c, name in
                    ("probability_\(name)", JSONValue.array((0..<n).map { .double(expected.values[$0 * expected.classes.count + c]) }))
                }, uniquingKeysWith: { a, _ in a }))
        for (i, line) in lines.enumerated() {
            #expect(line["model"] == "churn")
            #expect(line["version"] == "3")
            #expect(line["time"]?.stringValue?.hasPrefix("20") == true, "\(line)")
            #expect(line["inputs"]?.semanticallyEquals(inputs) == true, "line \(i) inputs: \(String(describing: line["inputs"]))")
            #expect(
                line["outputs"]?.semanticallyEquals(outputs) == true,
                "line \(i) outputs: \(String(describing: line["outputs"]))\nexpected \(outputs)")
        }
    }

    @Test("a regressor's outputs are its predictions; the log appends to an existing file")
    func regressionAppends() async throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("payloads.jsonl", #"{"earlier":true}"# + "\n")
        let server = try TestServer.make(.linear, name: "price", payloadLog: try PayloadLog(path: path))
        let expected = try ModelKind.linear.expected()
        let answer = try await TestServer.test(server) { client in try await client.post("/invocations", Payload.dataframeSplit()) }
        #expect(answer.status == 200)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
        try #require(lines.count == 2)
        #expect(lines[0] == ["earlier": true])
        #expect(lines[1]["version"] == .null)
        #expect(lines[1]["outputs"]?.objectValue?.keys.sorted() == ["prediction"])
        #expect(lines[1]["outputs"]?["prediction"]?.arrayValue?.compactMap(\.doubleValue) == expected.values)
        // The server made the id up.
        #expect(lines[1]["request_id"]?.stringValue?.isEmpty == false)
    }
}
