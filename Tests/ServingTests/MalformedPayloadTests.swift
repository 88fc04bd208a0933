import Foundation
import KubeAPI
import Serving
import Testing

/// A request the server must refuse, and what its answer must say.
private struct BadPayload: Sendable {
    var name: String
    var path = "/invocations"
    var body: String
    var contentType: String? = "application/json"
    var status = 400
    /// Fragments the message must contain: the field or column at fault and what was expected.
    var fragments: [String]
    /// Sent to a server holding the GBDT regressor instead of the classifier.
    var regressor = false

    var isInference: Bool { path.hasPrefix("/v2") }
}

private let infer = "/v2/models/churn/infer"
private let goodRecord = #"{"colour":"red","flag":true,"size":1.5,"weight":2}"#

/// `{"dataframe_records":[<records>]}`.
private func records(_ records: String...) -> String { #"{"dataframe_records":["# + records.joined(separator: ",") + "]}" }

/// An inference request with one tensor.
private func tensor(shape: String, datatype: String = "FP64", data: String, extra: String = "") -> String {
    #"{"inputs":[{"name":"input-0","shape":"# + shape + #","datatype":""# + datatype + #"","data":"# + data + "}]" + extra + "}"
}

/// The whole table; limits are 4096 body bytes and 10 rows (see ``configuration``).
private let badPayloads: [BadPayload] = [
    // MLflow scoring protocol.
    BadPayload(name: "bad JSON", body: #"{"dataframe_split": {"columns": ["#, fragments: ["request body is not valid JSON"]),
    BadPayload(
        name: "a JSON array at the top", body: "[" + goodRecord + "]",
        fragments: ["request body is a JSON array; expected an object with one of dataframe_split, dataframe_records, instances, inputs"]),
    BadPayload(name: "a JSON string at the top", body: #""size""#, fragments: ["request body is a JSON string"]),
    BadPayload(
        name: "two input keys", body: #"{"dataframe_records":[],"instances":[]}"#,
        fragments: [
            "must hold exactly one of dataframe_split, dataframe_records, instances, inputs", "it holds dataframe_records and instances",
        ]),
    BadPayload(
        name: "no input key (MLflow 1.x layout)", body: #"{"columns":["size"],"data":[[1]]}"#,
        fragments: ["it holds none of them", #"(and "columns", "data", which /invocations does not know)"#]),
    BadPayload(
        name: "prediction parameters", body: #"{"dataframe_records":["# + goodRecord + #"],"params":{"temperature":0.5}}"#,
        fragments: ["params: a Trainyard model takes no prediction parameters; got temperature"]),
    BadPayload(
        name: "params not an object", body: #"{"dataframe_records":["# + goodRecord + #"],"params":5}"#,
        fragments: ["params: expected an object, got integer"]),
    BadPayload(
        name: "a column missing from every record", body: records(#"{"colour":"red","flag":true,"size":1.5}"#),
        fragments: [#"column "weight" not found; the model needs colour, flag, size, weight; the input has colour, flag, size"#]),
    BadPayload(
        name: "two columns missing", body: #"{"dataframe_split":{"columns":["colour","flag"],"data":[["red",true]]}}"#,
        fragments: [#"columns "size", "weight" not found"#]),
    BadPayload(
        name: "text in a numeric column", body: records(goodRecord, #"{"colour":"red","flag":true,"size":"big","weight":2}"#),
        fragments: [#"column "size", row 1: "big" is not a number; the model was trained on this column as numeric"#]),
    BadPayload(
        name: "a boolean feature given 7", body: records(#"{"colour":"red","flag":7,"size":1.5,"weight":2}"#),
        fragments: [#"column "flag", row 0: 7 is not true or false"#]),
    BadPayload(
        name: "a boolean feature given a word", body: records(#"{"colour":"red","flag":"maybe","size":1.5,"weight":2}"#),
        fragments: [#"column "flag", row 0: "maybe" is not true or false"#]),
    BadPayload(
        name: "a category given an object", body: records(#"{"colour":{"name":"red"},"flag":true,"size":1.5,"weight":2}"#),
        fragments: [#"column "colour", row 0: an object is not a category (text or number)"#]),
    BadPayload(
        name: "a number given an array", body: records(#"{"colour":"red","flag":true,"size":[1],"weight":2}"#),
        fragments: [#"column "size", row 0: an array is not a number"#]),
    BadPayload(
        name: "the row label of dataframe_split's index in the message",
        body:
            #"{"dataframe_split":{"index":["a","b"],"columns":["colour","flag","size","weight"],"data":[["red",true,1,2],["red",true,"x",2]]}}"#,
        fragments: [#"column "size", row b: "x" is not a number"#]),
    BadPayload(
        name: "dataframe_split row of the wrong length",
        body: #"{"dataframe_split":{"columns":["colour","flag","size","weight"],"data":[["red",true,1,2],["red",true,1]]}}"#,
        fragments: ["dataframe_split.data[1]: 3 values for 4 columns; each row needs one value per column"]),
    BadPayload(
        name: "dataframe_split a list", body: #"{"dataframe_split":[["red",true,1,2]]}"#,
        fragments: ["dataframe_split: expected an object with columns and data, got array"]),
    BadPayload(
        name: "dataframe_split without columns", body: #"{"dataframe_split":{"data":[["red",true,1,2]]}}"#,
        fragments: ["dataframe_split.columns: expected an array of column names"]),
    BadPayload(
        name: "dataframe_split column twice",
        body: #"{"dataframe_split":{"columns":["colour","colour","flag","size","weight"],"data":[]}}"#,
        fragments: [#"dataframe_split.columns: column "colour" appears more than once"#]),
    BadPayload(
        name: "dataframe_split index of the wrong length",
        body: #"{"dataframe_split":{"index":[0],"columns":["colour","flag","size","weight"],"data":[["red",true,1,2],["red",true,1,2]]}}"#,
        fragments: ["dataframe_split.index: 1 labels for 2 rows"]),
    BadPayload(
        name: "dataframe_records an object", body: #"{"dataframe_records":{"size":[1]}}"#,
        fragments: ["dataframe_records: expected an array of records (objects), got object"]),
    BadPayload(
        name: "a record that is a list", body: records(goodRecord, "[1,2]"),
        fragments: ["dataframe_records[1]: expected an object of column: value, got array"]),
    BadPayload(
        name: "instances of bare numbers", body: #"{"instances":[1,2]}"#,
        fragments: ["instances: a list of integers; expected records (objects), rows of values in feature order, or an object of columns"]),
    BadPayload(
        name: "an instance row of the wrong length", body: #"{"instances":[["red",true,1]]}"#,
        fragments: ["instances[0]: expected 4 values in the model's feature order (colour, flag, size, weight), got 3 values"]),
    BadPayload(
        name: "inputs columns of unequal length", body: #"{"inputs":{"colour":["red","blue"],"flag":[true],"size":[1,2],"weight":[1,2]}}"#,
        fragments: [#"inputs: column "flag" has 1 values, but "colour" has 2; every column needs one value per row"#]),
    BadPayload(
        name: "inputs a string", body: #"{"inputs":"red"}"#,
        fragments: ["inputs: expected records (a list of objects) or an object of columns, got string"]),
    BadPayload(
        name: "CSV text in a numeric column", body: "colour,flag,size,weight\nred,true,big,2\n", contentType: "text/csv",
        fragments: ["size", "\"big\" is not a number"]),
    BadPayload(
        name: "CSV without a feature column", body: "colour,flag,size\nred,true,1\n", contentType: "text/csv",
        fragments: [#""weight" not found"#]),
    BadPayload(name: "CSV empty", body: "", contentType: "text/csv", fragments: ["the file is empty"]),
    BadPayload(
        name: "wrong content type", body: records(goodRecord), contentType: "text/plain", status: 415,
        fragments: [#"content type "text/plain"; /invocations takes application/json or text/csv"#]),
    BadPayload(
        name: "no content type", body: records(goodRecord), contentType: nil, status: 415,
        fragments: ["content type missing; /invocations takes application/json or text/csv"]),
    BadPayload(
        name: "body over --max-body-bytes", body: records(Array(repeating: goodRecord, count: 90).joined(separator: ",")), status: 413,
        fragments: ["this server takes at most 4096", "--max-body-bytes"]),
    BadPayload(
        name: "rows over --max-rows", body: records(Array(repeating: goodRecord, count: 11).joined(separator: ",")), status: 413,
        fragments: ["the request has 11 rows; this server takes at most 10 per request (--max-rows)"]),
    BadPayload(
        name: "CSV rows over --max-rows", body: "colour,flag,size,weight\n" + String(repeating: "red,true,1,2\n", count: 11),
        contentType: "text/csv", status: 413, fragments: ["the request has 11 rows", "(--max-rows)"]),

    // Open Inference Protocol.
    BadPayload(name: "OIP: bad JSON", path: infer, body: #"{"inputs":[{"name":"#, fragments: ["request body is not valid JSON"]),
    BadPayload(
        name: "OIP: an array at the top", path: infer, body: "[]",
        fragments: ["request body is a JSON array; expected an inference request object"]),
    BadPayload(name: "OIP: no inputs", path: infer, body: #"{"id":"x"}"#, fragments: ["inputs: expected a non-empty array of tensors"]),
    BadPayload(
        name: "OIP: empty inputs", path: infer, body: #"{"inputs":[]}"#, fragments: ["inputs: expected a non-empty array of tensors"]),
    BadPayload(name: "OIP: id a number", path: infer, body: #"{"id":7,"inputs":[]}"#, fragments: ["id: expected a string, got integer"]),
    BadPayload(
        name: "OIP: a tensor without a name", path: infer, body: #"{"inputs":[{"shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}"#,
        fragments: ["inputs[0].name: expected a string"]),
    BadPayload(
        name: "OIP: wrong shape", path: infer, body: tensor(shape: "[2,3]", data: "[1,2,3,4,5,6]"),
        fragments: [
            #"inputs[0] "input-0": shape [2, 3]; expected [rows, 4] with the features in the model's order (colour, flag, size, weight)"#
        ]),
    BadPayload(
        name: "OIP: three dimensions", path: infer, body: tensor(shape: "[1,1,4]", data: "[1,2,3,4]"),
        fragments: ["shape [1, 1, 4]; expected [rows, 4]"]),
    BadPayload(
        name: "OIP: data count is not the shape's", path: infer, body: tensor(shape: "[2,4]", data: "[1,2,3,4,5,6,7]"),
        fragments: ["inputs[0]: shape [2, 4] holds 8 values, but data has 7"]),
    BadPayload(
        name: "OIP: a negative dimension", path: infer, body: tensor(shape: "[-1,4]", data: "[1,2,3,4]"),
        fragments: ["inputs[0].shape: -1 is not a dimension (a whole number, 0 or more)"]),
    BadPayload(
        name: "OIP: a shape past Int.max", path: infer, body: tensor(shape: "[4611686018427387904,4]", data: "[1,2,3,4]"),
        fragments: ["inputs[0].shape: [4611686018427387904, 4] holds more values than any request can carry"]),
    BadPayload(
        name: "OIP: a zero-sized shape past Int.max per row", path: infer, body: tensor(shape: "[0,4611686018427387904,4]", data: "[]"),
        fragments: ["shape [0, 4611686018427387904, 4]; expected [rows, 4]"]),
    BadPayload(
        name: "OIP: unknown datatype", path: infer, body: tensor(shape: "[1,4]", datatype: "FP128", data: "[1,2,3,4]"),
        fragments: [#"inputs[0].datatype: "FP128"; expected one of BOOL, BYTES, FP16, FP32, FP64"#]),
    BadPayload(
        name: "OIP: text in an FP64 tensor", path: infer, body: tensor(shape: "[1,4]", data: #"["red",true,1,2]"#),
        fragments: [#"inputs[0].data: "red" is text, but datatype is FP64; send text as BYTES"#]),
    BadPayload(
        name: "OIP: text in a numeric feature", path: infer,
        body: tensor(shape: "[1,4]", datatype: "BYTES", data: #"["red",true,"1,5",2]"#),
        fragments: [#"column "size", row 0: "1,5" is not a number"#]),
    BadPayload(
        name: "OIP: a boolean feature given 7", path: infer,
        body:
            #"{"inputs":[{"name":"colour","shape":[1],"datatype":"BYTES","data":["red"]},{"name":"flag","shape":[1],"datatype":"BOOL","data":[7]},{"name":"size","shape":[1],"datatype":"FP64","data":[1]},{"name":"weight","shape":[1],"datatype":"FP64","data":[2]}]}"#,
        fragments: [#"column "flag", row 0: 7 is not true or false"#]),
    BadPayload(
        name: "OIP: a missing feature tensor", path: infer,
        body:
            #"{"inputs":[{"name":"colour","shape":[1],"datatype":"BYTES","data":["red"]},{"name":"flag","shape":[1],"datatype":"BOOL","data":[true]},{"name":"size","shape":[1],"datatype":"FP64","data":[1]}]}"#,
        fragments: [#"column "weight" not found; the model needs colour, flag, size, weight; the input has colour, flag, size"#]),
    BadPayload(
        name: "OIP: a feature tensor twice", path: infer,
        body:
            #"{"inputs":[{"name":"size","shape":[1],"datatype":"FP64","data":[1]},{"name":"size","shape":[1],"datatype":"FP64","data":[1]}]}"#,
        fragments: [#"inputs: column "size" appears more than once"#]),
    BadPayload(
        name: "OIP: a feature tensor of two columns", path: infer,
        body:
            #"{"inputs":[{"name":"colour","shape":[1,2],"datatype":"BYTES","data":["red","blue"]},{"name":"flag","shape":[1],"datatype":"BOOL","data":[true]}]}"#,
        fragments: [#"inputs[0] "colour": shape [1, 2]; a tensor per feature has shape [rows] or [rows, 1]"#]),
    BadPayload(
        name: "OIP: feature tensors of unequal length", path: infer,
        body:
            #"{"inputs":[{"name":"colour","shape":[2],"datatype":"BYTES","data":["red","blue"]},{"name":"flag","shape":[1],"datatype":"BOOL","data":[true]},{"name":"size","shape":[1],"datatype":"FP64","data":[1]},{"name":"weight","shape":[1],"datatype":"FP64","data":[2]}]}"#,
        fragments: [#"column "flag" has 1 values, but "colour" has 2"#]),
    BadPayload(
        name: "OIP: unknown output name", path: infer,
        body: tensor(shape: "[1,4]", datatype: "BYTES", data: #"["red",true,1,2]"#, extra: #","outputs":[{"name":"proba"}]"#),
        fragments: [#"outputs[0].name: "proba" is not an output of this model; it has predict, predict_proba"#]),
    BadPayload(
        name: "OIP: an output without a name", path: infer,
        body: tensor(shape: "[1,4]", datatype: "BYTES", data: #"["red",true,1,2]"#, extra: #","outputs":["predict"]"#),
        fragments: ["outputs[0].name: expected the name of an output"]),
    BadPayload(
        name: "OIP: predict_proba from a regressor", path: infer,
        body: tensor(shape: "[1,4]", datatype: "BYTES", data: #"["red",true,1,2]"#, extra: #","outputs":[{"name":"predict_proba"}]"#),
        fragments: [#"outputs[0].name: "predict_proba" is not an output of this model; it has predict"#], regressor: true),
    BadPayload(
        name: "OIP: body over --max-body-bytes", path: infer,
        body: tensor(shape: "[1000,4]", data: "[" + Array(repeating: "1.5", count: 4000).joined(separator: ",") + "]"), status: 413,
        fragments: ["this server takes at most 4096", "--max-body-bytes"]),
    BadPayload(
        name: "OIP: rows over --max-rows", path: infer,
        body: tensor(shape: "[11,4]", data: "[" + Array(repeating: "1.5", count: 44).joined(separator: ",") + "]"), status: 413,
        fragments: ["the request has 11 rows; this server takes at most 10 per request (--max-rows)"]),
]

private let configuration = ModelServerConfiguration(host: "127.0.0.1", port: 0, maxBodyBytes: 4096, maxRows: 10)

@Suite("Malformed requests: 4xx in the route's protocol, saying what was wrong and where")
struct MalformedPayloadTests {
    @Test("every malformed request is refused with the status and message it deserves; the server serves on")
    func table() async throws {
        #expect(badPayloads.count >= 40)
        let classifier = try TestServer.make(.gbdtClassifier, configuration: configuration)
        let regressor = try TestServer.make(.gbdtRegressor, configuration: configuration)
        try await TestServer.test(classifier) { classifierClient in
            try await TestServer.test(regressor) { regressorClient in
                for bad in badPayloads {
                    let client = bad.regressor ? regressorClient : classifierClient
                    let answer = try await client.post(bad.path, bad.body, contentType: bad.contentType, headers: ["X-Request-ID": "bad-1"])
                    #expect(answer.status == bad.status, "\(bad.name): \(answer)")
                    #expect(answer.header("Content-Type") == "application/json", "\(bad.name)")
                    #expect(answer.header("X-Request-ID") == "bad-1", "\(bad.name): the refused request keeps its id")
                    let json = answer.json?.objectValue ?? [:]
                    let message: String
                    if bad.isInference {
                        #expect(Set(json.keys) == ["error"], "\(bad.name): \(answer)")
                        message = json["error"]?.stringValue ?? ""
                    } else {
                        #expect(Set(json.keys) == ["error_code", "message"], "\(bad.name): \(answer)")
                        let code = bad.status == 413 ? "RESOURCE_LIMIT_EXCEEDED" : "BAD_REQUEST"
                        #expect(json["error_code"]?.stringValue == code, "\(bad.name): \(answer)")
                        message = json["message"]?.stringValue ?? ""
                    }
                    for fragment in bad.fragments {
                        #expect(message.contains(fragment), "\(bad.name): \(message)")
                    }
                }
                // Still serving, both protocols.
                let expected = try ModelKind.gbdtClassifier.expected()
                expectScoringAnswer(
                    try await classifierClient.post("/invocations", Payload.dataframeSplit()), equals: expected, "after the table")
                #expect(try await classifierClient.post(infer, Payload.matrix()).status == 200)
                #expect(try await regressorClient.post(infer, Payload.matrix()).status == 200)
            }
        }
    }

    @Test("a nested JSON document deeper than the parser's limit is a 400, not a crash")
    func deepNesting() async throws {
        let server = try TestServer.make(.gbdtClassifier)
        try await TestServer.test(server) { client in
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            for (path, body) in [("/invocations", #"{"instances":"# + deep + "}"), (infer, #"{"inputs":"# + deep + "}")] {
                let answer = try await client.post(path, body)
                #expect(answer.status == 400, "\(path): \(answer.status)")
                #expect(answer.text.contains("not valid JSON"), "\(path): \(answer.text.prefix(300))")
            }
        }
    }
}
