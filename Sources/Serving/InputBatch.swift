import KubeAPI

/// The cells of a request, one array per model feature in schema order, however the client laid
/// them out (columns, records, rows or tensors). Columns the model does not read are dropped here.
struct InputBatch {
    var rowCount: Int
    /// One array of `rowCount` cells per model feature.
    var columns: [[JSONValue]]
    /// Row labels for messages (`dataframe_split`'s `index`); row positions when nil.
    var labels: [JSONValue]?

    func rowLabel(_ row: Int) -> String {
        guard let labels, row < labels.count else { return String(row) }
        if case .string(let s) = labels[row] { return s }
        return labels[row].serialized()
    }

    /// A batch from named columns: the model's features are looked up by name.
    static func columns(_ named: [(name: String, cells: [JSONValue])], features: [String], field: String) throws(ServingError) -> InputBatch
    {
        var index: [String: Int] = [:]
        for (i, column) in named.enumerated() {
            if index[column.name] != nil {
                throw ServingError(.badRequest, "\(field): column \"\(column.name)\" appears more than once")
            }
            index[column.name] = i
        }
        try requirePresent(features, in: named.map(\.name), has: { index[$0] != nil })
        var rows: Int?
        var columns: [[JSONValue]] = []
        columns.reserveCapacity(features.count)
        for name in features {
            let cells = named[index[name]!].cells
            if let rows, cells.count != rows {
                throw ServingError(
                    .badRequest,
                    "\(field): column \"\(name)\" has \(cells.count) values, but \"\(features[0])\" has \(rows); every column needs one value per row"
                )
            }
            rows = cells.count
            columns.append(cells)
        }
        return InputBatch(rowCount: rows ?? 0, columns: columns)
    }

    /// A batch from records (one JSON object per row). A record without a feature has it missing,
    /// as pandas builds a frame from records; a feature in no record at all is an error.
    static func records(_ records: [JSONValue], features: [String], field: String) throws(ServingError) -> InputBatch {
        var columns = [[JSONValue]](repeating: [], count: features.count)
        for i in columns.indices { columns[i].reserveCapacity(records.count) }
        var seen = [Bool](repeating: false, count: features.count)
        var keys: [String] = []
        var known = Set<String>()
        for (row, record) in records.enumerated() {
            guard case .object(let fields) = record else {
                throw ServingError(.badRequest, "\(field)[\(row)]: expected an object of column: value, got \(record.typeName)")
            }
            // Sorted: a JSON object's key order is lost in parsing, and messages list these.
            for key in fields.keys.sorted() where known.insert(key).inserted { keys.append(key) }
            for (i, name) in features.enumerated() {
                if let cell = fields[name] {
                    seen[i] = true
                    columns[i].append(cell)
                } else {
                    columns[i].append(.null)
                }
            }
        }
        if !records.isEmpty { try requirePresent(features, in: keys, has: { name in seen[features.firstIndex(of: name)!] }) }
        return InputBatch(rowCount: records.count, columns: columns)
    }

    /// A batch from rows of values under a header (`dataframe_split`).
    static func rows(_ rows: [JSONValue], header: [String], features: [String], field: String) throws(ServingError) -> InputBatch {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            if index[name] != nil { throw ServingError(.badRequest, "\(field).columns: column \"\(name)\" appears more than once") }
            index[name] = i
        }
        try requirePresent(features, in: header, has: { index[$0] != nil })
        let positions = features.map { index[$0]! }
        var columns = [[JSONValue]](repeating: [], count: features.count)
        for i in columns.indices { columns[i].reserveCapacity(rows.count) }
        for (r, row) in rows.enumerated() {
            guard case .array(let cells) = row else {
                throw ServingError(.badRequest, "\(field).data[\(r)]: expected an array of \(header.count) values, got \(row.typeName)")
            }
            guard cells.count == header.count else {
                throw ServingError(
                    .badRequest,
                    "\(field).data[\(r)]: \(cells.count) values for \(header.count) columns; each row needs one value per column")
            }
            for (i, position) in positions.enumerated() { columns[i].append(cells[position]) }
        }
        return InputBatch(rowCount: rows.count, columns: columns)
    }

    /// A batch from rows of values in the model's feature order (no header).
    static func positionalRows(_ rows: [JSONValue], features: [String], field: String) throws(ServingError) -> InputBatch {
        var columns = [[JSONValue]](repeating: [], count: features.count)
        for i in columns.indices { columns[i].reserveCapacity(rows.count) }
        for (r, row) in rows.enumerated() {
            guard case .array(let cells) = row, cells.count == features.count else {
                throw ServingError(
                    .badRequest,
                    "\(field)[\(r)]: expected \(features.count) values in the model's feature order (\(features.joined(separator: ", "))), got \(describeCount(row))"
                )
            }
            for (i, cell) in cells.enumerated() { columns[i].append(cell) }
        }
        return InputBatch(rowCount: rows.count, columns: columns)
    }

    static func describeCount(_ value: JSONValue) -> String {
        if case .array(let a) = value { return "\(a.count) values" }
        return value.typeName
    }

    /// Throws the model's message for features the input lacks.
    static func requirePresent(_ features: [String], in available: [String], has: (String) -> Bool) throws(ServingError) {
        let missing = features.filter { !has($0) }
        guard !missing.isEmpty else { return }
        throw ServingError(
            .badRequest,
            "\(missing.count == 1 ? "column" : "columns") \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) not found; the model needs \(features.joined(separator: ", ")); the input has \(available.isEmpty ? "no columns" : available.joined(separator: ", "))"
        )
    }
}
