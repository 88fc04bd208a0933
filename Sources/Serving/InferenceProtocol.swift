import KubeAPI
import Learn

/// The Open Inference Protocol v2 (KServe, MLServer, Triton clients) over REST: model metadata,
/// and `infer` with either one `[N, F]` tensor in the model's feature order or one tensor per
/// named feature (BYTES for text categories). Outputs are `predict` and, for classifiers,
/// `predict_proba`.
enum InferenceProtocol {
    static let datatypes: Set<String> = [
        "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES",
    ]

    /// The outputs a request asked for.
    struct Request {
        var id: String?
        var batch: InputBatch
        var outputs: [Output]
    }

    enum Output: String, CaseIterable {
        case predict
        case predictProba = "predict_proba"
    }

    static func parse(_ body: [UInt8], model: ServedModel) throws(ServingError) -> Request {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes: body, maxDepth: 64)
        } catch {
            throw ServingError(.badRequest, "request body is not valid JSON: \(error.description)", dialect: .inference)
        }
        do {
            return try parse(document, model: model)
        } catch {
            throw error.inDialect(.inference)
        }
    }

    private static func parse(_ document: JSONValue, model: ServedModel) throws(ServingError) -> Request {
        guard case .object(let fields) = document else {
            throw ServingError(.badRequest, "request body is a JSON \(document.typeName); expected an inference request object with inputs")
        }
        var id: String?
        switch fields["id"] {
        case nil, .null?: id = nil
        case .string(let s)?: id = s
        case let other?: throw ServingError(.badRequest, "id: expected a string, got \(other.typeName)")
        }
        guard case .array(let inputs)? = fields["inputs"], !inputs.isEmpty else {
            throw ServingError(.badRequest, "inputs: expected a non-empty array of tensors ({name, shape, datatype, data})")
        }
        let tensors = try inputs.enumerated().map { (i, value) throws(ServingError) in try Tensor(value, field: "inputs[\(i)]") }
        let batch = try batch(tensors, model: model)
        var outputs: [Output] = []
        switch fields["outputs"] {
        case nil, .null?:
            outputs = model.isClassifier ? [.predict, .predictProba] : [.predict]
        case .array(let requested)?:
            for (i, item) in requested.enumerated() {
                guard case .string(let name)? = item["name"] else {
                    throw ServingError(.badRequest, "outputs[\(i)].name: expected the name of an output")
                }
                let available = model.isClassifier ? ["predict", "predict_proba"] : ["predict"]
                guard let output = Output(rawValue: name), available.contains(name) else {
                    throw ServingError(
                        .badRequest,
                        "outputs[\(i)].name: \"\(name)\" is not an output of this model; it has \(available.joined(separator: ", "))")
                }
                if !outputs.contains(output) { outputs.append(output) }
            }
            if outputs.isEmpty { outputs = model.isClassifier ? [.predict, .predictProba] : [.predict] }
        case let other?:
            throw ServingError(.badRequest, "outputs: expected an array of {name}, got \(other.typeName)")
        }
        return Request(id: id, batch: batch, outputs: outputs)
    }

    /// One input tensor, its data flattened in row-major order.
    struct Tensor {
        var name: String
        var shape: [Int]
        var datatype: String
        var data: [JSONValue]

        init(_ value: JSONValue, field: String) throws(ServingError) {
            guard case .object(let fields) = value else {
                throw ServingError(.badRequest, "\(field): expected a tensor object, got \(value.typeName)")
            }
            guard case .string(let name)? = fields["name"] else { throw ServingError(.badRequest, "\(field).name: expected a string") }
            guard case .array(let dims)? = fields["shape"], !dims.isEmpty else {
                throw ServingError(.badRequest, "\(field).shape: expected an array of dimensions, such as [rows, features]")
            }
            var shape: [Int] = []
            for dim in dims {
                guard case .int(let d) = dim, d >= 0 else {
                    throw ServingError(.badRequest, "\(field).shape: \(dim.serialized()) is not a dimension (a whole number, 0 or more)")
                }
                shape.append(Int(d))
            }
            guard case .string(let datatype)? = fields["datatype"], InferenceProtocol.datatypes.contains(datatype) else {
                throw ServingError(
                    .badRequest,
                    "\(field).datatype: \(fields["datatype"]?.serialized() ?? "missing"); expected one of \(InferenceProtocol.datatypes.sorted().joined(separator: ", "))"
                )
            }
            guard let data = fields["data"] else { throw ServingError(.badRequest, "\(field).data: missing") }
            var flat: [JSONValue] = []
            Self.flatten(data, into: &flat)
            // Dimensions come from the client: a product past Int.max is refused, not trapped on.
            guard let expected = InferenceProtocol.product(shape) else {
                throw ServingError(.badRequest, "\(field).shape: \(shape) holds more values than any request can carry")
            }
            guard flat.count == expected else {
                throw ServingError(
                    .badRequest, "\(field): shape \(shape) holds \(expected) values, but data has \(flat.count)")
            }
            if datatype != "BYTES" {
                if let text = flat.first(where: { if case .string = $0 { return true } else { return false } }) {
                    throw ServingError(
                        .badRequest, "\(field).data: \(text.serialized()) is text, but datatype is \(datatype); send text as BYTES")
                }
            }
            self.name = name
            self.shape = shape
            self.datatype = datatype
            self.data = flat
        }

        static func flatten(_ value: JSONValue, into out: inout [JSONValue]) {
            if case .array(let items) = value {
                for item in items { flatten(item, into: &out) }
            } else {
                out.append(value)
            }
        }
    }

    /// Cells by feature from the tensors: one `[N, F]` tensor in feature order, or one `[N]` /
    /// `[N, 1]` tensor per feature, matched by name.
    static func batch(_ tensors: [Tensor], model: ServedModel) throws(ServingError) -> InputBatch {
        let features = model.featureNames
        let f = features.count
        if tensors.count == 1, !(f == 1 && tensors[0].name == features[0]) {
            let tensor = tensors[0]
            let columns = tensor.shape.count == 1 ? 1 : (product(tensor.shape.dropFirst()) ?? -1)
            guard tensor.shape.count <= 2, columns == f else {
                throw ServingError(
                    .badRequest,
                    "inputs[0] \"\(tensor.name)\": shape \(tensor.shape); expected [rows, \(f)] with the features in the model's order (\(features.joined(separator: ", "))), or one tensor per feature named after it"
                )
            }
            let n = tensor.shape[0]
            var cells = [[JSONValue]](repeating: [], count: f)
            for j in 0..<f {
                cells[j].reserveCapacity(n)
                for r in 0..<n { cells[j].append(tensor.data[r * f + j]) }
            }
            return InputBatch(rowCount: n, columns: cells)
        }
        var named: [(name: String, cells: [JSONValue])] = []
        for (i, tensor) in tensors.enumerated() {
            guard tensor.shape.count == 1 || (tensor.shape.count == 2 && tensor.shape[1] == 1) else {
                throw ServingError(
                    .badRequest,
                    "inputs[\(i)] \"\(tensor.name)\": shape \(tensor.shape); a tensor per feature has shape [rows] or [rows, 1]")
            }
            named.append((tensor.name, tensor.data))
        }
        return try InputBatch.columns(named, features: features, field: "inputs")
    }

    /// The product of tensor dimensions, or nil when it overflows `Int`.
    static func product(_ dimensions: some Sequence<Int>) -> Int? {
        var total = 1
        for d in dimensions {
            let (next, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// Whether every class name is an integer, so `predict` can answer with INT64 labels as
    /// XGBoost's classifier does.
    static func integerLabels(_ classes: [String]) -> [Int64]? {
        var labels: [Int64] = []
        for name in classes {
            guard let value = Int64(name) else { return nil }
            labels.append(value)
        }
        return labels
    }

    /// The inference response.
    static func answer(_ predictions: Predictions, request: Request, id: String, model: ServedModel) -> String {
        let n = predictions.rowCount
        let k = predictions.classes.count
        var out = JSONWriter(capacity: 160 + n * 24 * max(k, 2))
        out.beginObject()
        out.key("model_name")
        out.string(model.name)
        if let version = model.version {
            out.key("model_version")
            out.string(version)
        }
        out.key("id")
        out.string(id)
        out.key("parameters")
        out.beginObject()
        out.endObject()
        out.key("outputs")
        out.beginArray()
        for output in request.outputs {
            out.beginObject()
            out.key("name")
            out.string(output.rawValue)
            switch output {
            case .predict:
                out.key("shape")
                out.beginArray()
                out.integer(n)
                out.integer(1)
                out.endArray()
                if k == 0 {
                    out.key("datatype")
                    out.string("FP64")
                    out.key("parameters")
                    out.raw("{\"content_type\":\"np\"}")
                    out.key("data")
                    out.beginArray()
                    for r in 0..<n { out.number(predictions.values[r]) }
                    out.endArray()
                } else if let labels = integerLabels(predictions.classes) {
                    out.key("datatype")
                    out.string("INT64")
                    out.key("parameters")
                    out.raw("{\"content_type\":\"np\"}")
                    out.key("data")
                    out.beginArray()
                    for r in 0..<n { out.integer(Int(labels[predictions.classIndex(r)])) }
                    out.endArray()
                } else {
                    out.key("datatype")
                    out.string("BYTES")
                    out.key("parameters")
                    out.raw("{\"content_type\":\"np\"}")
                    out.key("data")
                    out.beginArray()
                    for r in 0..<n { out.string(predictions.classes[predictions.classIndex(r)]) }
                    out.endArray()
                }
            case .predictProba:
                out.key("shape")
                out.beginArray()
                out.integer(n)
                out.integer(k)
                out.endArray()
                out.key("datatype")
                out.string("FP64")
                out.key("parameters")
                out.raw("{\"content_type\":\"np\"}")
                out.key("data")
                out.beginArray()
                for v in predictions.values { out.number(v) }
                out.endArray()
            }
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out.text
    }

    /// `GET /v2/models/NAME`: what the model takes and gives.
    static func metadata(_ model: ServedModel) -> String {
        var out = JSONWriter()
        out.beginObject()
        out.key("name")
        out.string(model.name)
        out.key("versions")
        out.beginArray()
        if let version = model.version { out.string(version) }
        out.endArray()
        out.key("platform")
        out.string("trainyard")
        out.key("inputs")
        out.beginArray()
        for feature in model.model.features {
            tensorMetadata(
                &out, name: feature.name,
                datatype: feature.kind == .categorical ? "BYTES" : feature.kind == .boolean ? "BOOL" : "FP64", shape: [-1, 1])
        }
        out.endArray()
        out.key("outputs")
        out.beginArray()
        let classes = model.model.target.classes
        if model.isClassifier {
            tensorMetadata(&out, name: "predict", datatype: integerLabels(classes) == nil ? "BYTES" : "INT64", shape: [-1, 1])
            tensorMetadata(&out, name: "predict_proba", datatype: "FP64", shape: [-1, classes.count])
        } else {
            tensorMetadata(&out, name: "predict", datatype: "FP64", shape: [-1, 1])
        }
        out.endArray()
        out.key("parameters")
        out.beginObject()
        out.key("task")
        out.string(model.model.task.rawValue)
        out.key("model_type")
        out.string(model.model.model.type.rawValue)
        out.key("target")
        out.string(model.model.target.name)
        if model.isClassifier {
            out.key("classes")
            out.beginArray()
            for c in classes { out.string(c) }
            out.endArray()
        }
        if let runId = model.runId {
            out.key("run_id")
            out.string(runId)
        }
        out.endObject()
        out.endObject()
        return out.text
    }

    private static func tensorMetadata(_ out: inout JSONWriter, name: String, datatype: String, shape: [Int]) {
        out.beginObject()
        out.key("name")
        out.string(name)
        out.key("datatype")
        out.string(datatype)
        out.key("shape")
        out.beginArray()
        for d in shape { out.integer(d) }
        out.endArray()
        out.endObject()
    }
}
