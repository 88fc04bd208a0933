import Foundation
import Hummingbird
import KubeAPI
import Serving
import Testing
import TrainyardTesting

/// `body` with a few random edits: bytes replaced, inserted or deleted, drawn from JSON and CSV
/// punctuation, digits, letters and arbitrary bytes (invalid UTF-8 included).
private func mutate(_ body: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
    let alphabet = Array(#"{}[]",:.-+eE0123456789 \ntrufalsn"#.utf8) + [0x00, 0xC3, 0xFF, 0x80]
    var bytes = body
    for _ in 0..<(1 + random.below(4)) {
        let position = bytes.isEmpty ? 0 : random.below(bytes.count)
        let byte = random.below(3) == 0 ? UInt8(random.below(256)) : random.pick(alphabet)
        switch random.below(4) {
        case 0 where !bytes.isEmpty: bytes[position] = byte
        case 1: bytes.insert(byte, at: position)
        case 2 where !bytes.isEmpty: bytes.remove(at: position)
        default:
            // Repeat a slice: duplicated keys, longer rows, deeper nesting.
            guard !bytes.isEmpty else { break }
            let end = min(bytes.count, position + 1 + random.below(24))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        }
    }
    return bytes
}

@Suite("Fuzzed payloads")
struct PayloadFuzzTests {
    @Test("hundreds of random mutations of valid bodies never get a 5xx; every refusal is JSON in the route's shape")
    func mutations() async throws {
        let server = try TestServer.make(.gbdtClassifier, configuration: ModelServerConfiguration(host: "127.0.0.1", port: 0, maxRows: 50))
        let rows = ScoringRow.examples
        let seeds: [(path: String, body: String, contentType: String)] = [
            ("/invocations", Payload.dataframeSplit(), "application/json"),
            ("/invocations", Payload.wrapped("dataframe_records", Payload.records(rows)), "application/json"),
            ("/invocations", Payload.wrapped("instances", Payload.columns(rows)), "application/json"),
            ("/invocations", Payload.csv(), "text/csv"),
            ("/v2/models/churn/infer", Payload.matrix(id: "x", outputs: ["predict_proba"]), "application/json"),
            ("/v2/models/churn/infer", Payload.perFeature(), "application/json"),
        ]
        try await TestServer.test(server) { client in
            var random = SeededRandom(seed: 2024)
            var statuses: [Int: Int] = [:]
            for i in 0..<600 {
                let seed = seeds[i % seeds.count]
                let body = mutate(Array(seed.body.utf8), &random)
                let response = try await client.execute(
                    uri: seed.path, method: .post, headers: [.contentType: seed.contentType], body: ByteBuffer(bytes: body))
                let status = Int(response.status.code)
                statuses[status, default: 0] += 1
                let text = String(buffer: response.body)
                let shown = String(decoding: body, as: UTF8.self)
                #expect(status < 500, "case \(i) \(seed.path): \(status) \(text)\nbody: \(shown)")
                if status >= 400 {
                    let json = try? JSONValue.parse(text)
                    let key = seed.path.hasPrefix("/v2") ? "error" : "message"
                    #expect(json?[key]?.stringValue?.isEmpty == false, "case \(i): \(status) \(text)\nbody: \(shown)")
                }
            }
            // Some mutations are harmless (a space, a digit): both outcomes were exercised.
            #expect(statuses[200, default: 0] > 0 && statuses[400, default: 0] > 0, "\(statuses)")
            #expect(try await client.post("/invocations", Payload.dataframeSplit()).status == 200)
        }
    }
}
