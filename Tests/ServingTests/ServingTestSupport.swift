import DataIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KubeAPI
import Learn
import Logging
import Serving
import Testing
import TrainyardTesting

/// The small mixed dataset every serving test trains on: a text category with gaps (`colour`), a
/// true/false flag, two numbers with gaps (blank and `NA`), a two-class label and a price. The
/// label and the price depend on every feature, so each one changes the predictions.
enum ServingData {
    static let features = ["colour", "flag", "size", "weight"]
    static let colours = ["amber", "blue", "green", "red"]

    static func trainingCSV(rows: Int = 600, seed: UInt64 = 11) -> String {
        var random = SeededRandom(seed: seed)
        var text = "colour,flag,size,weight,label,price\n"
        for i in 0..<rows {
            let colourIndex = random.below(4)
            let flag = random.below(2) == 0
            let size = Double(random.below(10_000)) / 1000
            let weight = Double(random.below(10_000)) / 1000 - 5
            let noise = Double(random.below(1000)) / 1000 - 0.5
            let score = size - 5 + (colourIndex == 2 ? 2 : 0) + (flag ? 1 : -1) + 0.4 * weight + 2 * noise
            let price = 3 * size + 2 * weight + Double(colourIndex) * 4 + (flag ? 5 : 0) + noise
            let colour = i % 19 == 7 ? "" : colours[colourIndex]
            let sizeText = i % 11 == 0 ? "" : String(size)
            let weightText = i % 13 == 5 ? "NA" : String(weight)
            text += "\(colour),\(flag),\(sizeText),\(weightText),\(score > 0 ? "high" : "low"),\(price)\n"
        }
        return text
    }

    /// The same numeric-only data for the MLServer comparison (it takes XGBoost inputs as one
    /// number matrix): `f0`...`f3` with gaps, a 0/1 label and a continuous target.
    static func numericCSV(rows: Int = 600, seed: UInt64 = 12) -> String {
        var random = SeededRandom(seed: seed)
        var text = "f0,f1,f2,f3,label,target\n"
        for i in 0..<rows {
            let x = (0..<4).map { _ in Double(random.below(20_000)) / 1000 - 10 }
            let noise = Double(random.below(1000)) / 1000 - 0.5
            let score = x[0] - 0.5 * x[1] + 0.3 * x[2] * x[3] / 10 + 2 * noise
            let target = 2 * x[0] + x[1] * x[1] / 10 - x[3] + noise
            let cells = x.enumerated().map { j, v in (i + j) % (7 + j) == 3 ? "" : String(v) }
            text += cells.joined(separator: ",") + ",\(score > 0 ? 1 : 0),\(target)\n"
        }
        return text
    }
}

/// One row to score; nil is a missing value.
struct ScoringRow: Sendable {
    var colour: String?
    var flag: Bool?
    var size: Double?
    var weight: Double?

    /// Rows with every kind of gap, an unseen category ("purple") and a bare number.
    static let examples: [ScoringRow] = [
        ScoringRow(colour: "red", flag: true, size: 3.25, weight: -1.5),
        ScoringRow(colour: "green", flag: false, size: nil, weight: 2),
        ScoringRow(colour: nil, flag: true, size: 7.75, weight: nil),
        ScoringRow(colour: "purple", flag: false, size: 0.5, weight: 4.125),
        ScoringRow(colour: "blue", flag: nil, size: 9, weight: -4.75),
        ScoringRow(colour: "amber", flag: true, size: 5.5, weight: 0.1),
    ]

    /// The row's cells in the models' feature order.
    var cells: [JSONValue] {
        [
            colour.map { .string($0) } ?? .null, flag.map { .bool($0) } ?? .null, size.map { .double($0) } ?? .null,
            weight.map { .double($0) } ?? .null,
        ]
    }

    /// The row as CSV fields; missing numbers alternate between a blank and `NA`.
    func csvFields(_ index: Int) -> [String] {
        let gap = index % 2 == 0 ? "" : "NA"
        return [colour ?? "", flag.map { String($0) } ?? "", size.map { String($0) } ?? gap, weight.map { String($0) } ?? gap]
    }
}

/// Request bodies for the same rows in every layout the server reads.
enum Payload {
    static func csv(_ rows: [ScoringRow] = ScoringRow.examples) -> String {
        ([ServingData.features.joined(separator: ",")] + rows.enumerated().map { $1.csvFields($0).joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    static func dataframeSplit(_ rows: [ScoringRow] = ScoringRow.examples) -> String {
        JSONValue.object([
            "dataframe_split": .object([
                "columns": .array(ServingData.features.map { .string($0) }), "data": .array(rows.map { .array($0.cells) }),
            ])
        ]).serialized()
    }

    static func records(_ rows: [ScoringRow]) -> JSONValue {
        .array(rows.map { row in .object(Dictionary(uniqueKeysWithValues: zip(ServingData.features, row.cells))) })
    }

    static func columns(_ rows: [ScoringRow]) -> JSONValue {
        .object(
            Dictionary(
                uniqueKeysWithValues: ServingData.features.enumerated().map { j, name in (name, JSONValue.array(rows.map { $0.cells[j] })) }
            ))
    }

    /// `{"<field>": <value>}`.
    static func wrapped(_ field: String, _ value: JSONValue) -> String { JSONValue.object([field: value]).serialized() }

    /// An Open Inference Protocol request with one `[N, 4]` tensor (BYTES: it mixes text and numbers).
    static func matrix(_ rows: [ScoringRow] = ScoringRow.examples, id: String? = nil, outputs: [String]? = nil, nested: Bool = false)
        -> String
    {
        let data: JSONValue = nested ? .array(rows.map { .array($0.cells) }) : .array(rows.flatMap(\.cells))
        return inference(
            [
                .object([
                    "name": "input-0", "shape": .array([.int(Int64(rows.count)), 4]), "datatype": "BYTES", "data": data,
                ])
            ], id: id, outputs: outputs)
    }

    /// An Open Inference Protocol request with one tensor per feature, named after it.
    static func perFeature(_ rows: [ScoringRow] = ScoringRow.examples, id: String? = nil, outputs: [String]? = nil) -> String {
        let types = ["BYTES", "BOOL", "FP64", "FP64"]
        let n = JSONValue.int(Int64(rows.count))
        let tensors = ServingData.features.enumerated().map { j, name -> JSONValue in
            // [N] for most, [N, 1] for size: both are a column.
            .object([
                "name": .string(name), "shape": j == 2 ? .array([n, 1]) : .array([n]), "datatype": .string(types[j]),
                "data": .array(rows.map { $0.cells[j] }),
            ])
        }
        return inference(tensors, id: id, outputs: outputs)
    }

    static func inference(_ inputs: [JSONValue], id: String? = nil, outputs: [String]? = nil) -> String {
        var request: [String: JSONValue] = ["inputs": .array(inputs)]
        if let id { request["id"] = .string(id) }
        if let outputs { request["outputs"] = .array(outputs.map { .object(["name": .string($0)]) }) }
        return JSONValue.object(request).serialized()
    }
}

/// The model families the tests serve, each trained once (in-process, single-threaded, seeded).
enum ModelKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case gbdtClassifier
    case gbdtRegressor
    case logistic
    case linear

    var testDescription: String { rawValue }
    var isClassifier: Bool { self == .gbdtClassifier || self == .logistic }

    var options: TrainingOptions {
        let target = isClassifier ? "label" : "price"
        let drop = isClassifier ? ["price"] : ["label"]
        switch self {
        case .gbdtClassifier, .gbdtRegressor:
            return TrainingOptions(
                target: target, modelType: .gbdt, parameters: ["numTrees": "25", "maxDepth": "4"], seed: 1, threads: 1, dropColumns: drop)
        case .logistic:
            return TrainingOptions(target: target, modelType: .logistic, seed: 1, threads: 1, dropColumns: drop)
        case .linear:
            return TrainingOptions(target: target, modelType: .linear, seed: 1, threads: 1, dropColumns: drop)
        }
    }

    private static let trained: Result<[ModelKind: TrainyardModel], any Error> = Result {
        let data = try CSVReader.read(bytes: Array(ServingData.trainingCSV().utf8), source: "serving.csv")
        var models: [ModelKind: TrainyardModel] = [:]
        for kind in ModelKind.allCases { models[kind] = try Trainer.train(data, options: kind.options).model }
        return models
    }

    /// The trained model.
    func model() throws -> TrainyardModel { try #require(try Self.trained.get()[self]) }

    /// What `trainyard predict` answers for `csv`: the model's predictions for the rows read as CSV
    /// with the model's column kinds.
    func expected(_ csv: String = Payload.csv()) throws -> Predictions {
        let model = try model()
        return try model.predict(CSVReader.read(bytes: Array(csv.utf8), source: "rows.csv", options: model.csvOptions()), threads: 1)
    }
}

/// An answer from the server under test.
struct Answer: Sendable, CustomStringConvertible {
    var status: Int
    var headers: HTTPFields
    var text: String

    var json: JSONValue? { try? JSONValue.parse(text) }
    var description: String { "\(status) \(text)" }
    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
}

extension TestClientProtocol {
    /// Sends a request; `contentType` nil sends none.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, contentType: String? = "application/json",
        headers extra: [String: String] = [:]
    ) async throws -> Answer {
        var headers = HTTPFields()
        if body != nil, let contentType { headers[.contentType] = contentType }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    func get(_ uri: String) async throws -> Answer { try await send(.get, uri) }

    func post(_ uri: String, _ body: String, contentType: String? = "application/json", headers: [String: String] = [:]) async throws
        -> Answer
    {
        try await send(.post, uri, body: body, contentType: contentType, headers: headers)
    }
}

/// Servers under test, in process.
enum TestServer {
    static let logger = Logger(label: "serving-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func make(
        _ kind: ModelKind?, name: String = "churn", version: String? = nil,
        configuration: ModelServerConfiguration = ModelServerConfiguration(host: "127.0.0.1", port: 0), payloadLog: PayloadLog? = nil
    ) throws -> ModelServer {
        let server = ModelServer(configuration: configuration, payloadLog: payloadLog, logger: logger)
        if let kind {
            server.serve(ServedModel(model: try kind.model(), name: name, version: version, runId: "run-\(kind.rawValue)", source: "test"))
        }
        return server
    }

    /// A server for a model loaded elsewhere (such as by ``ModelLoader`` from a directory).
    static func make(_ model: ServedModel) -> ModelServer {
        let server = ModelServer(configuration: ModelServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        server.serve(model)
        return server
    }

    /// Runs `test` against the server's routes in process (no socket).
    static func test<Value: Sendable>(_ server: ModelServer, _ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws
        -> Value
    {
        try await Application(router: server.router(), logger: logger).test(.router, test)
    }
}

/// Checks an `/invocations` answer against predictions, record by record: the class (or value)
/// and every class's probability, exactly as the model computed them.
func expectScoringAnswer(_ answer: Answer, equals expected: Predictions, _ what: String, sourceLocation: SourceLocation = #_sourceLocation)
{
    #expect(answer.status == 200, "\(what): \(answer)", sourceLocation: sourceLocation)
    guard let records = answer.json?["predictions"]?.arrayValue else {
        Issue.record("\(what): no predictions in \(answer)", sourceLocation: sourceLocation)
        return
    }
    #expect(records.count == expected.rowCount, "\(what): \(records.count) records", sourceLocation: sourceLocation)
    let k = expected.classes.count
    for (r, record) in records.enumerated() where r < expected.rowCount {
        if k == 0 {
            #expect(record["prediction"]?.doubleValue == expected.values[r], "\(what) row \(r): \(record)", sourceLocation: sourceLocation)
            #expect(record.objectValue?.count == 1, "\(what) row \(r): \(record)", sourceLocation: sourceLocation)
            continue
        }
        #expect(
            record["prediction"]?.stringValue == expected.classes[expected.classIndex(r)], "\(what) row \(r): \(record)",
            sourceLocation: sourceLocation)
        for (c, name) in expected.classes.enumerated() {
            #expect(
                record["probability_\(name)"]?.doubleValue == expected.values[r * k + c], "\(what) row \(r) class \(name): \(record)",
                sourceLocation: sourceLocation)
        }
    }
}

/// A scratch directory, removed when the value goes away.
struct ScratchDirectory: ~Copyable {
    let path: String

    init(_ prefix: String = "trainyard-serving") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = file(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Runs the built `trainyard train` (as a user would) and returns the model directory it wrote.
func trainyardTrain(data: String, target: String, task: String, model: String, drop: String, output: String) async throws -> String {
    let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
    var arguments = [
        "train", "--data", data, "--target", target, "--task", task, "--model", model, "--drop-columns", drop, "--seed", "1",
        "--threads", "1", "--progress", "none", "--output", output,
    ]
    if model == "gbdt" { arguments += ["--param", "numTrees=25", "--param", "maxDepth=4"] }
    // Only the arguments decide; no tracking server from the environment of the test run.
    let result = try await CommandRunner.run(
        binary, arguments, environment: ["MLFLOW_TRACKING_URI": "", "MLFLOW_RUN_ID": "", "MLFLOW_EXPERIMENT_NAME": ""],
        timeout: .seconds(120))
    try #require(result.succeeded, "trainyard train: \(result)")
    return output
}

/// `|a - b| <= max(1e-6, 1e-6 * |b|)`: the peers' answers agree to 1e-6, absolute or relative,
/// whichever is larger (MLServer computes in float32, whose relative precision is about 6e-8).
func agree(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= max(1e-6, 1e-6 * abs(b)) }
