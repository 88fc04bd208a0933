import DataIO
import Foundation
import KubeAPI
import Learn
import Testing
import TrainyardTesting

@testable import Serving

/// The fast path for all-number `dataframe_split` bodies reads exactly what the general parser
/// reads, and leaves every other body to it.
@Suite("Numeric dataframe_split fast path")
struct NumericSplitTests {
    static func model() throws -> ServedModel {
        let data = try CSVReader.read(bytes: Array(ServingData.numericCSV().utf8), source: "numeric.csv")
        let model = try Trainer.train(
            data,
            options: TrainingOptions(
                target: "label", task: .classification, parameters: ["numTrees": "10"], seed: 1, threads: 1, dropColumns: ["target"])
        ).model
        return ServedModel(model: model, name: "bin", source: "test")
    }

    @Test("random numeric bodies (any column order, extra columns, nulls, integers, exponents) predict as the general path does")
    func matchesTheGeneralPath() throws {
        let served = try Self.model()
        var random = SeededRandom(seed: 5)
        for trial in 0..<200 {
            var header = ["f0", "f1", "f2", "f3", "extra"]
            header.shuffle(using: &random)
            let rows = Int(random.below(6))
            var data: [JSONValue] = []
            for _ in 0..<rows {
                data.append(
                    .array(
                        header.map { _ in
                            switch random.below(5) {
                            case 0: .null
                            case 1: .int(Int64(random.below(40)) - 20)
                            default: .double((Double(random.below(2_000_000)) / 1000 - 1000) * (random.below(3) == 0 ? 1e-3 : 1))
                            }
                        }))
            }
            let split: JSONValue = ["columns": .array(header.map { .string($0) }), "data": .array(data)]
            let text =
                trial % 2 == 0
                ? JSONValue.object(["dataframe_split": split]).serialized()
                : JSONValue.object(["dataframe_split": split]).prettySerialized()
            let body = Array(text.utf8)
            let fast = try #require(NumericSplit.frame(body, model: served), "the fast path takes \(text)")
            let general = try ScoringProtocol.parseJSON(body, model: served)
            #expect(try served.predict(fast) == served.predict(general), "\(text)")
        }
    }

    @Test(
        "bodies the fast path must leave to the general parser",
        arguments: [
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,"3",4]]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3]]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2"],"data":[[1,2,3]]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3","f0"],"data":[[1,2,3,4,5]]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3,4]],"index":[7]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3,4]]},"params":{"a":1}}"#,
            #"{"dataframe_split":{"columns":["f\u0030","f1","f2","f3"],"data":[[1,2,3,4]]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3,4]]}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3,4]]}} x"#,
            #"{"dataframe_records":[{"f0":1,"f1":2,"f2":3,"f3":4}]}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3,01]]}}"#,
            #"{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[1,2,3,nul]]}}"#,
        ])
    func leavesOtherBodies(body: String) throws {
        #expect(NumericSplit.frame(Array(body.utf8), model: try Self.model()) == nil, "\(body)")
    }
}
