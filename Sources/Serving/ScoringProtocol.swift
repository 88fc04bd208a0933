import DataIO
import KubeAPI
import Learn

/// MLflow's scoring protocol (`POST /invocations`), as `mlflow models serve` speaks it: a JSON
/// object with exactly one of `dataframe_split`, `dataframe_records`, `instances` or `inputs` (and
/// optionally `params`), or CSV with a header; the answer is `{"predictions": [...]}`, one record
/// per row with the columns the model's Python loader returns.
enum ScoringProtocol {
    static let inputFields = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    /// What a request body held: cells by feature, or a frame read from CSV.
    enum Input {
        case cells(InputBatch)
        case frame(DataFrame)

        var rowCount: Int {
            switch self {
            case .cells(let batch): batch.rowCount
            case .frame(let frame): frame.rowCount
            }
        }
    }

    /// The request body's content type, as MLflow tells them apart.
    enum ContentType {
        case json
        case csv

        init(header: String?) throws(ServingError) {
            let base = header?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            switch base {
            case "application/json": self = .json
            case "text/csv": self = .csv
            default:
                throw ServingError(
                    .unsupportedMediaType,
                    "content type \(header.map { "\"\($0)\"" } ?? "missing"); /invocations takes application/json or text/csv")
            }
        }
    }

    /// Reads a request body for `model`.
    static func parse(_ body: [UInt8], contentType: ContentType, model: ServedModel) throws(ServingError) -> Input {
        switch contentType {
        case .csv: return .frame(try parseCSV(body, model: model))
        case .json:
            if let frame = NumericSplit.frame(body, model: model) { return .frame(frame) }
            return .cells(try parseJSON(body, model: model))
        }
    }

    static func parseCSV(_ body: [UInt8], model: ServedModel) throws(ServingError) -> DataFrame {
        do {
            return try CSVReader.read(bytes: body, source: "request body (text/csv)", options: model.model.csvOptions())
        } catch let error as DataError {
            throw ServingError(.badRequest, error.description)
        } catch {
            throw ServingError(.badRequest, "request body (text/csv): \(error)")
        }
    }

    static func parseJSON(_ body: [UInt8], model: ServedModel) throws(ServingError) -> InputBatch {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes: body, maxDepth: 64)
        } catch {
            throw ServingError(.badRequest, "request body is not valid JSON: \(error.description)")
        }
        guard case .object(let fields) = document else {
            throw ServingError(
                .badRequest,
                "request body is a JSON \(document.typeName); expected an object with one of \(inputFields.joined(separator: ", "))")
        }
        let present = inputFields.filter { fields[$0] != nil }
        guard present.count == 1, let field = present.first, let value = fields[field] else {
            let unknown = fields.keys.filter { !inputFields.contains($0) && $0 != "params" }.sorted()
            throw ServingError(
                .badRequest,
                "the JSON object must hold exactly one of \(inputFields.joined(separator: ", ")); it holds \(present.isEmpty ? "none of them" : present.joined(separator: " and "))"
                    + (unknown.isEmpty
                        ? "" : " (and \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")), which /invocations does not know)"))
        }
        if let params = fields["params"] {
            switch params {
            case .null: break
            case .object(let p) where p.isEmpty: break
            case .object(let p):
                throw ServingError(
                    .badRequest, "params: a Trainyard model takes no prediction parameters; got \(p.keys.sorted().joined(separator: ", "))")
            default:
                throw ServingError(.badRequest, "params: expected an object, got \(params.typeName)")
            }
        }
        let features = model.featureNames
        switch field {
        case "dataframe_split":
            guard case .object(let split) = value else {
                throw ServingError(.badRequest, "dataframe_split: expected an object with columns and data, got \(value.typeName)")
            }
            guard case .array(let columnValues)? = split["columns"] else {
                throw ServingError(.badRequest, "dataframe_split.columns: expected an array of column names")
            }
            var header: [String] = []
            for (i, name) in columnValues.enumerated() {
                guard case .string(let s) = name else {
                    throw ServingError(.badRequest, "dataframe_split.columns[\(i)]: expected a column name (text), got \(name.typeName)")
                }
                header.append(s)
            }
            let rows: [JSONValue]
            switch split["data"] {
            case .array(let a)?: rows = a
            case nil, .null?: rows = []
            case let other?: throw ServingError(.badRequest, "dataframe_split.data: expected an array of rows, got \(other.typeName)")
            }
            var batch = try InputBatch.rows(rows, header: header, features: features, field: "dataframe_split")
            if case .array(let labels)? = split["index"] {
                guard labels.count == rows.count else {
                    throw ServingError(.badRequest, "dataframe_split.index: \(labels.count) labels for \(rows.count) rows")
                }
                batch.labels = labels
            }
            return batch
        case "dataframe_records":
            guard case .array(let records) = value else {
                throw ServingError(.badRequest, "dataframe_records: expected an array of records (objects), got \(value.typeName)")
            }
            return try InputBatch.records(records, features: features, field: "dataframe_records")
        default:
            return try tensorInput(value, features: features, field: field)
        }
    }

    /// `instances` / `inputs` (TF-serving style): records, columns, or rows in feature order.
    static func tensorInput(_ value: JSONValue, features: [String], field: String) throws(ServingError) -> InputBatch {
        switch value {
        case .object(let columns):
            var named: [(name: String, cells: [JSONValue])] = []
            for (name, cells) in columns.sorted(by: { $0.key < $1.key }) {
                if case .array(let a) = cells { named.append((name, a)) } else { named.append((name, [cells])) }
            }
            return try InputBatch.columns(named, features: features, field: field)
        case .array(let items):
            if items.isEmpty { return InputBatch(rowCount: 0, columns: features.map { _ in [] }) }
            if case .object = items[0] { return try InputBatch.records(items, features: features, field: field) }
            if case .array = items[0] { return try InputBatch.positionalRows(items, features: features, field: field) }
            throw ServingError(
                .badRequest,
                "\(field): a list of \(items[0].typeName)s; expected records (objects), rows of values in feature order, or an object of columns"
            )
        default:
            throw ServingError(.badRequest, "\(field): expected records (a list of objects) or an object of columns, got \(value.typeName)")
        }
    }

    /// `{"predictions": [{"prediction": ..., "probability_<class>": ...}, ...]}`.
    static func answer(_ predictions: Predictions, model: ServedModel) -> String {
        let classes = predictions.classes
        let k = classes.count
        let keys = model.outputColumns.map { name -> String in
            var escaped = ""
            JSONWriter.escape(name, into: &escaped)
            return escaped + ":"
        }
        var out = JSONWriter(capacity: 32 + predictions.rowCount * (24 + 28 * max(k, 1)))
        out.beginObject()
        out.key("predictions")
        out.beginArray()
        var row = ""
        row.reserveCapacity(32 + 32 * max(k, 1))
        for r in 0..<predictions.rowCount {
            row.removeAll(keepingCapacity: true)
            row += "{"
            row += keys[0]
            if k == 0 {
                let v = predictions.values[r]
                row += v.isFinite ? v.description : "null"
            } else {
                JSONWriter.escape(classes[predictions.classIndex(r)], into: &row)
                for c in 0..<k {
                    row += ","
                    row += keys[c + 1]
                    let v = predictions.values[r * k + c]
                    row += v.isFinite ? v.description : "null"
                }
            }
            row += "}"
            out.raw(row)
        }
        out.endArray()
        out.endObject()
        return out.text
    }
}
