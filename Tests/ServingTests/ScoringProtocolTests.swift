import Foundation
import KubeAPI
import Learn
import Serving
import Testing

@Suite("MLflow scoring protocol: /ping, /health, /version, /invocations")
struct ScoringProtocolTests {
    @Test("probes answer 200 once the model is served; /version names the build")
    func probes() async throws {
        let server = try TestServer.make(.gbdtClassifier)
        try await TestServer.test(server) { client in
            for path in ["/ping", "/health"] {
                let answer = try await client.get(path)
                #expect(answer.status == 200, "\(path): \(answer)")
                #expect(answer.text == "\n", "\(path) answers a newline, as mlflow models serve does")
            }
            let version = try await client.get("/version")
            #expect(version.status == 200)
            #expect(version.text == TrainyardVersion.current)
            #expect(!version.text.isEmpty)
        }
    }

    @Test(
        "every request layout gives the predictions trainyard predict makes from the same rows as CSV",
        arguments: ModelKind.allCases)
    func layoutsAgree(kind: ModelKind) async throws {
        let expected = try kind.expected()
        #expect(expected.rowCount == ScoringRow.examples.count)
        let rows = ScoringRow.examples
        let bodies: [(String, String, String)] = [
            ("dataframe_split", Payload.dataframeSplit(), "application/json"),
            ("dataframe_records", Payload.wrapped("dataframe_records", Payload.records(rows)), "application/json"),
            ("instances (records)", Payload.wrapped("instances", Payload.records(rows)), "application/json"),
            ("instances (columns)", Payload.wrapped("instances", Payload.columns(rows)), "application/json; charset=utf-8"),
            ("inputs (columns)", Payload.wrapped("inputs", Payload.columns(rows)), "application/json"),
            ("text/csv", Payload.csv(), "text/csv"),
            ("text/csv; charset", Payload.csv(), "text/csv; charset=utf-8"),
        ]
        let server = try TestServer.make(kind)
        try await TestServer.test(server) { client in
            var texts: Set<String> = []
            for (layout, body, contentType) in bodies {
                let answer = try await client.post("/invocations", body, contentType: contentType)
                expectScoringAnswer(answer, equals: expected, "\(kind) \(layout)")
                #expect(answer.header("Content-Type") == "application/json")
                texts.insert(answer.text)
            }
            // Byte-identical answers, whatever the layout.
            #expect(texts.count == 1, "\(texts)")
        }
    }

    @Test("a classifier's answer has one prediction and one probability per class; the probabilities sum to 1")
    func classifierShape() async throws {
        let server = try TestServer.make(.gbdtClassifier)
        try await TestServer.test(server) { client in
            let answer = try await client.post("/invocations", Payload.dataframeSplit())
            let records = try #require(answer.json?["predictions"]?.arrayValue)
            for record in records {
                let keys = Set(record.objectValue?.keys.map { $0 } ?? [])
                #expect(keys == ["prediction", "probability_high", "probability_low"])
                let sum = (record["probability_high"]?.doubleValue ?? 0) + (record["probability_low"]?.doubleValue ?? 0)
                #expect(abs(sum - 1) < 1e-12)
            }
        }
    }

    @Test("rows reach the model the way the model's Python loader reads them: text numbers, true/false words, numbers for categories")
    func lenientCells() async throws {
        let kind = ModelKind.gbdtClassifier
        let server = try TestServer.make(kind)
        // The same values as the example rows, spelled otherwise.
        let spelled: JSONValue = [
            ["colour": "red", "flag": "TRUE", "size": "3.25", "weight": -1.5],
            ["colour": "green", "flag": "no", "size": "NaN", "weight": "2"],
            // A record without a feature has it missing.
            ["colour": nil, "flag": 1, "size": 7.75],
            ["colour": "purple", "flag": 0, "size": 0.5, "weight": 4.125],
            ["colour": "blue", "flag": "", "size": 9, "weight": "-4.75"],
            ["colour": "amber", "flag": true, "size": "5.5", "weight": 0.1],
        ]
        let expected = try kind.expected()
        try await TestServer.test(server) { client in
            let answer = try await client.post("/invocations", Payload.wrapped("dataframe_records", spelled))
            expectScoringAnswer(answer, equals: expected, "spelled cells")
            // Extra columns are ignored; an unknown category or a gap is missing, not an error.
            let extra = try await client.post(
                "/invocations",
                #"{"dataframe_split":{"columns":["id","weight","size","flag","colour"],"data":[[1,null,null,null,"mauve"]]}}"#)
            #expect(extra.status == 200, "\(extra)")
            let allMissing = try kind.expected("colour,flag,size,weight\n,,,\n")
            expectScoringAnswer(extra, equals: allMissing, "everything missing")
            // An empty batch is an empty answer.
            let empty = try await client.post(
                "/invocations", #"{"dataframe_split":{"columns":["colour","flag","size","weight"],"data":[]}}"#)
            #expect(empty.status == 200)
            #expect(empty.text == #"{"predictions":[]}"#)
        }
    }
}
