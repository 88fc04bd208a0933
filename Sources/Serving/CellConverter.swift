import DataIO
import KubeAPI
import Learn

/// Turns the cells a client sent for one feature into a column the model reads, by the rules the
/// model's Python loader (`PyfuncModule`) follows, so `trainyard serve` and `mlflow models serve`
/// read the same request the same way:
///
/// - numeric: numbers; text holding a decimal number; `true`/`false` as 1/0; null and the
///   missing-value texts (`""`, `NA`, `NaN`, `null`, ...) as missing.
/// - boolean: `true`/`false`; the texts true/false, yes/no, t/f in any case; the numbers 1 and 0.
/// - categorical: text matched exactly against the trained categories; a number stands for the
///   category spelled as that number (`4` for "4", then any category that reads as 4, such as
///   "4.0"); a category the model never saw is missing, as in `trainyard predict`.
///
/// Anything else a numeric or boolean feature cannot hold is a 400 naming the column and row.
struct CellConverter: Sendable {
    let feature: FeatureSpec
    private let codes: [String: Int32]
    private let byNumber: [Double: Int32]
    private let byTruth: [Double: Int32]

    static let truthWords: [String: Double] = ["true": 1, "t": 1, "yes": 1, "false": 0, "f": 0, "no": 0]

    init(_ feature: FeatureSpec) {
        self.feature = feature
        var codes: [String: Int32] = [:]
        var byNumber: [Double: Int32] = [:]
        var byTruth: [Double: Int32] = [:]
        for (i, text) in feature.categories.enumerated() {
            codes[text] = codes[text] ?? Int32(i)
            if let number = DecimalText.parse(text), !number.isNaN, byNumber[number] == nil { byNumber[number] = Int32(i) }
            if let truth = Self.truthWords[Self.trim(text).lowercased()], byTruth[truth] == nil { byTruth[truth] = Int32(i) }
        }
        self.codes = codes
        self.byNumber = byNumber
        self.byTruth = byTruth
    }

    /// The column for `cells` (one per row).
    func column(_ cells: [JSONValue], rowLabel: (Int) -> String) throws(ServingError) -> Column {
        switch feature.kind {
        case .numeric:
            var values = [Double](repeating: .nan, count: cells.count)
            for (row, cell) in cells.enumerated() {
                guard let value = number(cell) else { throw invalid(cell, row: rowLabel(row), expected: "a number") }
                values[row] = value
            }
            return Column(name: feature.name, numeric: values)
        case .boolean:
            var values = [Double](repeating: .nan, count: cells.count)
            for (row, cell) in cells.enumerated() {
                guard let value = truth(cell) else { throw invalid(cell, row: rowLabel(row), expected: "true or false") }
                values[row] = value
            }
            return Column(name: feature.name, boolean: values)
        case .categorical:
            var column = [Int32](repeating: -1, count: cells.count)
            for (row, cell) in cells.enumerated() {
                guard let code = code(cell) else { throw invalid(cell, row: rowLabel(row), expected: "a category (text or number)") }
                column[row] = code
            }
            return Column(name: feature.name, codes: column, categories: feature.categories)
        }
    }

    /// A numeric feature's value (NaN: missing), or nil when the cell cannot be one.
    func number(_ cell: JSONValue) -> Double? {
        switch cell {
        case .null: return .nan
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            if let number = DecimalText.parse(s) { return number }
            return DecimalText.isMissing(s) ? .nan : nil
        case .array, .object: return nil
        }
    }

    /// A boolean feature's value (0, 1, NaN: missing), or nil when the cell cannot be one.
    func truth(_ cell: JSONValue) -> Double? {
        switch cell {
        case .null: return .nan
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i == 0 || i == 1 ? Double(i) : nil
        case .double(let d): return d.isNaN ? .nan : (d == 0 || d == 1 ? d : nil)
        case .string(let s):
            let t = Self.trim(s)
            if let truth = Self.truthWords[t.lowercased()] { return truth }
            return DecimalText.isMissing(t) ? .nan : nil
        case .array, .object: return nil
        }
    }

    /// A categorical feature's code (-1: missing or unknown), or nil for an array or object.
    func code(_ cell: JSONValue) -> Int32? {
        switch cell {
        case .null: return -1
        case .string(let s):
            // Categories keep their text as written, spaces included; only the missing test trims.
            if DecimalText.isMissing(s) { return -1 }
            return codes[s] ?? -1
        case .bool(let b):
            return codes[b ? "True" : "False"] ?? byTruth[b ? 1 : 0] ?? -1
        case .int(let i):
            return codes[String(i)] ?? byNumber[Double(i)] ?? -1
        case .double(let d):
            if d.isNaN { return -1 }
            return codes[Self.canonicalText(d)] ?? byNumber[d] ?? -1
        case .array, .object: return nil
        }
    }

    /// How a number is most likely written in a CSV cell: an integral value without a point,
    /// anything else in its shortest round-tripping form (Python's `repr`).
    static func canonicalText(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(.down), abs(d) < 9.223_372_036_854_775_807e18 { return String(Int64(d)) }
        return PythonFloat.repr(d)
    }

    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }

    private func invalid(_ cell: JSONValue, row: String, expected: String) -> ServingError {
        let shown: String
        switch cell {
        case .string(let s): shown = "\"\(s)\""
        case .array: shown = "an array"
        case .object: shown = "an object"
        default: shown = cell.serialized()
        }
        return ServingError(
            .badRequest,
            "column \"\(feature.name)\", row \(row): \(shown) is not \(expected); the model was trained on this column as \(feature.kind.rawValue)"
        )
    }
}

/// Python's `repr` of a float, for matching category texts written by pandas.
enum PythonFloat {
    static func repr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        // Swift and Python both print the shortest round-tripping digits; they differ only in
        // where they switch to exponents and how they write them.
        let text = "\(d)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        var mantissa = String(text[..<e])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        var exponent = String(text[text.index(after: e)...])
        let sign = exponent.hasPrefix("-") ? "-" : "+"
        exponent = String(exponent.drop { $0 == "-" || $0 == "+" })
        if exponent.count < 2 { exponent = "0" + exponent }
        return "\(mantissa)e\(sign)\(exponent)"
    }
}
