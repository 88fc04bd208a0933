#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits RFC 4180 CSV bytes into records and field byte ranges (a ``CSVTable``) in one pass, allocating
/// nothing per field. Accepts CRLF, LF and lone CR line ends, a leading UTF-8 BOM (when the bytes start
/// on line 1), quoted fields with embedded delimiters, line breaks and `""`, and a last line without a
/// line break. Empty lines are skipped, as pandas does, so trailing blank lines do not become rows; the
/// exception is an empty line between rows of a one-column file, which is that row's missing value.
/// Line numbers start at ``CSVOptions/firstLine``, so a piece of a file can be read on its own.
enum CSVTokenizer {
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions) throws -> CSVTable {
        let delimiter = options.delimiter
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        try validate(delimiter: delimiter, source: source)
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw DataError.emptyFile(expectsHeader: options.hasHeader, source: source)
        }
        let n = bytes.count

        // Bytes that end an unquoted field's fast scan.
        var stops = [Bool](repeating: false, count: 256)
        for b in [delimiter, quote, lf, cr] { stops[Int(b)] = true }

        var columnNames: [String] = []
        var columnCount = -1
        var starts: [Int] = []
        var ends: [Int] = []
        var lines: [Int] = []
        var pendingBlankLines: [(line: Int, position: Int)] = []
        starts.reserveCapacity(n / 8)
        ends.reserveCapacity(n / 8)

        var i = 0
        // A byte order mark can only open a file; a later piece of one may start with those bytes as text.
        if options.firstLine == 1, n >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { i = 3 }
        var line = options.firstLine

        // Names given in the options fix the column count before the first record.
        let givenNames = options.hasHeader ? nil : options.columnNames
        let namesOrigin: CSVOptions.ColumnNamesOrigin =
            options.hasHeader ? .header : givenNames == nil ? .firstRow : options.columnNamesOrigin
        if let givenNames {
            try checkUnique(givenNames, source: source, line: nil)
            columnNames = givenNames
            columnCount = givenNames.count
        }
        // Names from a header or the caller appear in error messages; `column1`, ... would add nothing.
        let showsNames = namesOrigin != .firstRow

        // The column name for error messages, once the names are known.
        func name(_ column: Int) -> String? {
            showsNames && column <= columnNames.count ? columnNames[column - 1] : nil
        }

        try stops.withUnsafeBufferPointer { stops in
            while i < n {
                let first = base[i]
                if first == lf || first == cr {
                    if columnCount == 1 { pendingBlankLines.append((line, i)) }
                    i += 1
                    if first == cr, i < n, base[i] == lf { i += 1 }
                    line += 1
                    continue
                }
                // In a one-column file a blank line is a missing value, unless only blank lines follow.
                for (blankLine, position) in pendingBlankLines {
                    starts.append(position)
                    ends.append(position)
                    lines.append(blankLine)
                }
                pendingBlankLines.removeAll()
                let recordLine = line
                var field = 0
                while true {
                    field += 1
                    var start: Int
                    var end: Int
                    if i < n, base[i] == quote {
                        i += 1
                        start = i
                        var escaped = false
                        while true {
                            guard let found = memchr(base + i, Int32(quote), n - i) else {
                                throw DataError.unterminatedQuote(source: source, line: recordLine, column: field, name: name(field))
                            }
                            let q = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
                            var k = i
                            while k < q {
                                if base[k] == lf { line += 1 }
                                k += 1
                            }
                            if q + 1 < n, base[q + 1] == quote {
                                escaped = true
                                i = q + 2
                                continue
                            }
                            end = q
                            i = q + 1
                            break
                        }
                        if i < n {
                            let c = base[i]
                            if c != delimiter, c != lf, c != cr {
                                throw DataError.textAfterClosingQuote(source: source, line: recordLine, column: field, name: name(field))
                            }
                        }
                        if escaped { end |= CSVTable.escapedFlag }
                    } else {
                        start = i
                        while i < n, !stops[Int(base[i])] { i += 1 }
                        if i < n, base[i] == quote {
                            throw DataError.strayQuote(source: source, line: recordLine, column: field, name: name(field))
                        }
                        end = i
                    }
                    starts.append(start)
                    ends.append(end)
                    if i >= n { break }
                    let c = base[i]
                    i += 1
                    if c == delimiter { continue }
                    if c == cr, i < n, base[i] == lf { i += 1 }
                    line += 1
                    break
                }

                if columnCount < 0 {
                    columnCount = field
                    if options.hasHeader {
                        columnNames = try headerNames(base, starts: starts, ends: ends, source: source, line: recordLine)
                        starts.removeAll(keepingCapacity: true)
                        ends.removeAll(keepingCapacity: true)
                        continue
                    }
                    columnNames = (1...field).map { "column\($0)" }
                } else if field != columnCount {
                    throw DataError.fieldCount(
                        expected: columnCount, found: field, namesFrom: namesOrigin, source: source, line: recordLine)
                }
                lines.append(recordLine)
            }
        }

        if columnCount < 0 {
            throw DataError.emptyFile(expectsHeader: options.hasHeader, source: source)
        }
        if lines.isEmpty {
            throw options.hasHeader ? DataError.headerOnly(source: source) : DataError.emptyFile(expectsHeader: false, source: source)
        }
        return CSVTable(columnNames: columnNames, starts: starts, ends: ends, lines: lines)
    }

    /// Throws unless `delimiter` is an ASCII byte other than a quote or a line break.
    static func validate(delimiter: UInt8, source: String) throws {
        guard delimiter != UInt8(ascii: "\""), delimiter != UInt8(ascii: "\n"), delimiter != UInt8(ascii: "\r"), delimiter < 0x80 else {
            throw DataError.invalidDelimiter(delimiter, source: source)
        }
    }

    static func headerNames(
        _ base: UnsafePointer<UInt8>, starts: [Int], ends: [Int], source: String, line: Int
    ) throws -> [String] {
        let names = starts.indices.map { text(base, start: starts[$0], end: ends[$0]) }
        try checkUnique(names, source: source, line: line)
        return names
    }

    private static func checkUnique(_ names: [String], source: String, line: Int?) throws {
        var seen: [String: Int] = [:]
        for (k, name) in names.enumerated() {
            if let earlier = seen[name] {
                throw DataError.duplicateColumn(source: source, line: line, column: k + 1, name: name, firstIndex: earlier)
            }
            seen[name] = k + 1
        }
    }

    /// The text of a field, with `""` unescaped when the range carries ``CSVTable/escapedFlag``.
    static func text(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> String {
        let realEnd = end & ~CSVTable.escapedFlag
        let raw = UnsafeBufferPointer(start: base + start, count: realEnd - start)
        if end & CSVTable.escapedFlag == 0 {
            return String(decoding: raw, as: UTF8.self)
        }
        return String(decoding: unescape(raw), as: UTF8.self)
    }

    /// The bytes of a quoted field's content with each `""` turned into `"`.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        unescape(raw, into: &out)
        return out
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var k = 0
        while k < raw.count {
            let b = raw[k]
            out.append(b)
            k += b == UInt8(ascii: "\"") ? 2 : 1
        }
    }
}
