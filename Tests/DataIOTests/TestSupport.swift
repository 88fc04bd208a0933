@testable import DataIO

/// Reads CSV text with the given options; test sources are named "t.csv" so error texts are short.
func frame(_ text: String, _ options: CSVOptions = .init()) throws -> DataFrame {
    try CSVReader.read(bytes: Array(text.utf8), source: "t.csv", options: options)
}

/// The error text thrown for `text`, or nil if it parsed.
func errorText(_ text: String, _ options: CSVOptions = .init()) -> String? {
    errorText(bytes: Array(text.utf8), options)
}

func errorText(bytes: [UInt8], _ options: CSVOptions = .init()) -> String? {
    do {
        _ = try CSVReader.read(bytes: bytes, source: "t.csv", options: options)
        return nil
    } catch let error as DataError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}

/// Each cell as text, so tests can compare whatever kind a column was inferred as.
func cells(_ column: Column) -> [String] {
    (0..<column.count).map { row in
        if column.isMissing(row: row) { return "<missing>" }
        switch column.kind {
        case .categorical: return column.categories[Int(column.codes[row])]
        case .boolean: return column.values[row] == 1 ? "true" : "false"
        case .numeric: return String(column.values[row])
        }
    }
}

/// Distance in units in the last place between two finite doubles of the same sign.
func ulpDistance(_ a: Double, _ b: Double) -> UInt64 {
    if a == b { return 0 }
    let x = Int64(bitPattern: a.bitPattern)
    let y = Int64(bitPattern: b.bitPattern)
    return x > y ? UInt64(x - y) : UInt64(y - x)
}
