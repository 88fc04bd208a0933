/// Infers one column's kind from its raw fields and converts it: numeric if every non-missing cell is a
/// number, else boolean if every one is a truth word, else categorical with byte-wise sorted categories.
/// A column whose kind is forced skips inference and is converted (or rejected) in one pass.
enum ColumnBuilder {
    /// The first row of a forced numeric or boolean column whose cell is neither of that kind nor missing.
    struct KindMismatch: Error {
        let row: Int
    }

    /// Converts column `c` as `kind`, without inference; categorical conversion always succeeds.
    static func build(
        column c: Int, of table: CSVTable, bytes base: UnsafePointer<UInt8>, missing: MissingValueMatcher, as kind: ColumnKind
    ) throws(KindMismatch) -> Column {
        let rows = table.rowCount
        let stride = table.columnCount
        let name = table.columnNames[c]
        let converted: Result<Column, KindMismatch> = table.starts.withUnsafeBufferPointer { starts in
            table.ends.withUnsafeBufferPointer { ends in
                switch kind {
                case .numeric, .boolean:
                    let (values, missingCount, failedRow) =
                        kind == .numeric
                        ? forcedNumeric(c, stride, rows, starts, ends, base, missing)
                        : forcedBoolean(c, stride, rows, starts, ends, base, missing)
                    if let failedRow { return .failure(KindMismatch(row: failedRow)) }
                    let texts = kind == .boolean ? truthTexts(values, c, stride, starts, ends, base) : []
                    return .success(
                        Column(
                            name: name, kind: kind, values: values, codes: [], categories: texts, lineNumbers: table.lines,
                            missingCount: missingCount))
                case .categorical:
                    let (codes, categories, missingCount) = categorical(c, stride, rows, starts, ends, base, missing)
                    return .success(
                        Column(
                            name: name, kind: .categorical, values: [], codes: codes, categories: categories,
                            lineNumbers: table.lines, missingCount: missingCount))
                }
            }
        }
        return try converted.get()
    }

    static func build(
        column c: Int, of table: CSVTable, bytes base: UnsafePointer<UInt8>, missing: MissingValueMatcher
    ) -> Column {
        let rows = table.rowCount
        let stride = table.columnCount
        let name = table.columnNames[c]
        return table.starts.withUnsafeBufferPointer { starts in
            table.ends.withUnsafeBufferPointer { ends in
                if let (values, missingCount) = numeric(c, stride, rows, starts, ends, base, missing) {
                    return Column(
                        name: name, kind: .numeric, values: values, codes: [], categories: [],
                        lineNumbers: table.lines, missingCount: missingCount)
                }
                if let (values, missingCount) = boolean(c, stride, rows, starts, ends, base, missing) {
                    return Column(
                        name: name, kind: .boolean, values: values, codes: [],
                        categories: truthTexts(values, c, stride, starts, ends, base), lineNumbers: table.lines,
                        missingCount: missingCount)
                }
                let (codes, categories, missingCount) = categorical(c, stride, rows, starts, ends, base, missing)
                return Column(
                    name: name, kind: .categorical, values: [], codes: codes, categories: categories,
                    lineNumbers: table.lines, missingCount: missingCount)
            }
        }
    }

    /// How a boolean column spells false and true: the trimmed text of the first cell of each
    /// ("no", "yes"), or "false"/"true" for a value that never occurs. Class names of a boolean target.
    private static func truthTexts(
        _ values: [Double], _ c: Int, _ stride: Int, _ starts: UnsafeBufferPointer<Int>, _ ends: UnsafeBufferPointer<Int>,
        _ base: UnsafePointer<UInt8>
    ) -> [String] {
        [0.0, 1.0].map { value in
            guard let row = values.firstIndex(of: value) else { return value == 1 ? "true" : "false" }
            let k = row * stride + c
            let (s, e) = trimmed(base, starts[k], ends[k])
            return String(decoding: UnsafeBufferPointer(start: base + s, count: e - s), as: UTF8.self)
        }
    }

    private static func numeric(
        _ c: Int, _ stride: Int, _ rows: Int, _ starts: UnsafeBufferPointer<Int>, _ ends: UnsafeBufferPointer<Int>,
        _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher
    ) -> ([Double], Int)? {
        var missingCount = 0
        var ok = true
        let values = [Double](unsafeUninitializedCapacity: rows) { buffer, initialized in
            var k = c
            for r in 0..<rows {
                let end = ends[k]
                // Escaped quotes mean text, never a number or a missing-value spelling.
                if end & CSVTable.escapedFlag != 0 {
                    ok = false
                    break
                }
                let (s, e) = trimmed(base, starts[k], end)
                if let v = DecimalParser.parse(base + s, count: e - s) {
                    buffer[r] = v
                    if v.isNaN { missingCount += 1 }
                } else if missing.matches(base + s, count: e - s) {
                    buffer[r] = .nan
                    missingCount += 1
                } else {
                    ok = false
                    break
                }
                k += stride
            }
            initialized = ok ? rows : 0
        }
        return ok ? (values, missingCount) : nil
    }

    private static func boolean(
        _ c: Int, _ stride: Int, _ rows: Int, _ starts: UnsafeBufferPointer<Int>, _ ends: UnsafeBufferPointer<Int>,
        _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher
    ) -> ([Double], Int)? {
        var values = [Double](repeating: .nan, count: rows)
        var missingCount = 0
        var k = c
        for r in 0..<rows {
            let end = ends[k]
            if end & CSVTable.escapedFlag != 0 { return nil }
            let (s, e) = trimmed(base, starts[k], end)
            if let truth = truthValue(base + s, count: e - s) {
                values[r] = truth ? 1 : 0
            } else if missing.matches(base + s, count: e - s) {
                missingCount += 1
            } else {
                return nil
            }
            k += stride
        }
        return (values, missingCount)
    }

    /// Like ``numeric``, but also says which row's cell is neither a number nor missing, for the error.
    private static func forcedNumeric(
        _ c: Int, _ stride: Int, _ rows: Int, _ starts: UnsafeBufferPointer<Int>, _ ends: UnsafeBufferPointer<Int>,
        _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher
    ) -> ([Double], Int, failedRow: Int?) {
        var missingCount = 0
        var failedRow: Int?
        let values = [Double](unsafeUninitializedCapacity: rows) { buffer, initialized in
            var k = c
            for r in 0..<rows {
                let end = ends[k]
                // Escaped quotes mean text, never a number or a missing-value spelling.
                if end & CSVTable.escapedFlag != 0 {
                    failedRow = r
                    break
                }
                let (s, e) = trimmed(base, starts[k], end)
                if let v = DecimalParser.parse(base + s, count: e - s) {
                    buffer[r] = v
                    if v.isNaN { missingCount += 1 }
                } else if missing.matches(base + s, count: e - s) {
                    buffer[r] = .nan
                    missingCount += 1
                } else {
                    failedRow = r
                    break
                }
                k += stride
            }
            initialized = failedRow == nil ? rows : 0
        }
        return (values, missingCount, failedRow)
    }

    /// Like ``boolean``, but also says which row's cell is neither a truth word nor missing, for the error.
    private static func forcedBoolean(
        _ c: Int, _ stride: Int, _ rows: Int, _ starts: UnsafeBufferPointer<Int>, _ ends: UnsafeBufferPointer<Int>,
        _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher
    ) -> ([Double], Int, failedRow: Int?) {
        var values = [Double](repeating: .nan, count: rows)
        var missingCount = 0
        var k = c
        for r in 0..<rows {
            let end = ends[k]
            if end & CSVTable.escapedFlag != 0 { return ([], 0, r) }
            let (s, e) = trimmed(base, starts[k], end)
            if let truth = truthValue(base + s, count: e - s) {
                values[r] = truth ? 1 : 0
            } else if missing.matches(base + s, count: e - s) {
                missingCount += 1
            } else {
                return ([], 0, r)
            }
            k += stride
        }
        return (values, missingCount, nil)
    }

    /// true/false, yes/no, t/f in any case; 0/1 are deliberately not included, they stay numeric.
    @inline(__always)
    static func truthValue(_ p: UnsafePointer<UInt8>, count: Int) -> Bool? {
        func lower(_ k: Int) -> UInt8 { p[k] | 0x20 }
        switch count {
        case 1:
            if lower(0) == UInt8(ascii: "t") { return true }
            if lower(0) == UInt8(ascii: "f") { return false }
        case 2:
            if lower(0) == UInt8(ascii: "n"), lower(1) == UInt8(ascii: "o") { return false }
        case 3:
            if lower(0) == UInt8(ascii: "y"), lower(1) == UInt8(ascii: "e"), lower(2) == UInt8(ascii: "s") { return true }
        case 4:
            if lower(0) == UInt8(ascii: "t"), lower(1) == UInt8(ascii: "r"), lower(2) == UInt8(ascii: "u"),
                lower(3) == UInt8(ascii: "e")
            {
                return true
            }
        case 5:
            if lower(0) == UInt8(ascii: "f"), lower(1) == UInt8(ascii: "a"), lower(2) == UInt8(ascii: "l"),
                lower(3) == UInt8(ascii: "s"), lower(4) == UInt8(ascii: "e")
            {
                return false
            }
        default:
            break
        }
        return nil
    }

    private static func categorical(
        _ c: Int, _ stride: Int, _ rows: Int, _ starts: UnsafeBufferPointer<Int>, _ ends: UnsafeBufferPointer<Int>,
        _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher
    ) -> ([Int32], [String], Int) {
        var table = ByteStringTable()
        var codes = [Int32](repeating: -1, count: rows)
        var missingCount = 0
        var scratch: [UInt8] = []
        var k = c
        for r in 0..<rows {
            let start = starts[k]
            let end = ends[k]
            if end & CSVTable.escapedFlag != 0 {
                let raw = UnsafeBufferPointer(start: base + start, count: (end & ~CSVTable.escapedFlag) - start)
                CSVTokenizer.unescape(raw, into: &scratch)
                codes[r] = scratch.withUnsafeBufferPointer { table.index(of: $0.baseAddress!, count: $0.count) }
            } else {
                let (s, e) = trimmed(base, start, end)
                if missing.matches(base + s, count: e - s) {
                    missingCount += 1
                } else {
                    codes[r] = table.index(of: base + start, count: end - start)
                }
            }
            k += stride
        }
        // Sort byte-wise so the same data gives the same codes whatever the row order.
        let order = table.keys.indices.sorted { table.keys[$0].lexicographicallyPrecedes(table.keys[$1]) }
        var remap = [Int32](repeating: 0, count: order.count)
        for (newCode, oldCode) in order.enumerated() { remap[oldCode] = Int32(newCode) }
        for r in 0..<rows where codes[r] >= 0 { codes[r] = remap[Int(codes[r])] }
        let categories = order.map { String(decoding: table.keys[$0], as: UTF8.self) }
        return (codes, categories, missingCount)
    }
}
