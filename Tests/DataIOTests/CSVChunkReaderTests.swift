import Foundation
import Testing

@testable import DataIO

struct CSVChunkReaderTests {
    /// What reading a file gave: the rows as cell texts by column and their lines, no rows at all, or an error.
    enum Outcome: Equatable, CustomStringConvertible {
        case rows(names: [String], columns: [[String]], lines: [Int])
        case noChunks(names: [String])
        case error(String)

        var description: String {
            switch self {
            case .rows(let names, let columns, let lines): return "rows \(names) \(columns) lines \(lines)"
            case .noChunks(let names): return "no chunks, columns \(names)"
            case .error(let text): return "error: \(text)"
            }
        }
    }

    static func whole(_ path: String, _ options: CSVOptions) -> Outcome {
        do {
            let df = try CSVReader.read(path: path, options: options)
            return .rows(names: df.columnNames, columns: df.columns.map(cells), lines: df.lineNumbers)
        } catch {
            return .error("\(error)")
        }
    }

    /// Reads `path` chunk by chunk and joins the chunks; `chunkCount` is how many there were.
    static func chunked(_ path: String, _ options: CSVOptions, chunkBytes: Int, chunkCount: inout Int) -> Outcome {
        chunkCount = 0
        do {
            var reader = try CSVChunkReader(path: path, options: options, chunkBytes: chunkBytes)
            var columns = reader.columnNames.map { _ in [String]() }
            var lines: [Int] = []
            while let chunk = try reader.next() {
                chunkCount += 1
                #expect(chunk.columnNames == reader.columnNames)
                #expect(chunk.source == path)
                #expect(chunk.rowCount > 0)
                for (c, column) in chunk.columns.enumerated() { columns[c] += cells(column) }
                lines += chunk.lineNumbers
            }
            #expect(try reader.next() == nil)
            return chunkCount == 0 ? .noChunks(names: reader.columnNames) : .rows(names: reader.columnNames, columns: columns, lines: lines)
        } catch {
            return .error("\(error)")
        }
    }

    static func chunked(_ path: String, _ options: CSVOptions, chunkBytes: Int) -> Outcome {
        var count = 0
        return chunked(path, options, chunkBytes: chunkBytes, chunkCount: &count)
    }

    /// Expects reading `bytes` in chunks of each size to give what reading them whole gives. Every column is
    /// read as categorical (unless `options` forces it otherwise), so that cells compare as written whatever
    /// kind a chunk would infer. Returns the whole-file outcome.
    @discardableResult
    static func expectChunksMatchWhole(
        _ bytes: [UInt8], _ options: CSVOptions, chunkSizes: [Int], in file: TemporaryFile,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Outcome {
        try file.write(bytes)
        var options = options
        if case .rows(let names, _, _) = whole(file.path, options) {
            for name in names where options.columnKinds[name] == nil { options.columnKinds[name] = .categorical }
        }
        let expected = whole(file.path, options)
        for size in chunkSizes {
            let got = chunked(file.path, options, chunkBytes: size)
            if case .error(let text) = expected, text.hasSuffix("the file has a header row but no data rows") {
                guard case .noChunks = got else {
                    Issue.record("chunkBytes \(size): expected no chunks, got \(got)", sourceLocation: sourceLocation)
                    continue
                }
            } else if got != expected {
                Issue.record(
                    "chunkBytes \(size), input \(String(decoding: bytes, as: UTF8.self).debugDescription):\n  whole:   \(expected)\n  chunked: \(got)",
                    sourceLocation: sourceLocation)
            }
        }
        return expected
    }

    static let chunkSizes = [1, 2, 3, 5, 7, 11, 64, 1 << 20]

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let input: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "LF", input: "a,b\nx,1\ny,2\nz,3\n"),
        Case(label: "CRLF", input: "a,b\r\nx,1\r\ny,2\r\nz,3\r\n"),
        Case(label: "lone CR", input: "a,b\rx,1\ry,2\rz,3"),
        Case(label: "mixed line ends", input: "a,b\r\nx,1\ny,2\rz,3\r\n"),
        Case(label: "no final newline", input: "a,b\nx,1\ny,2\nz,3"),
        Case(label: "quoted last field without newline", input: "a,b\nx,1\ny,\"2\""),
        Case(label: "quoted line breaks", input: "a,b\n\"x\ny\",1\n\"p\r\nq\",2\n\"r\rs\",3\n\"\n\n\",4\n"),
        Case(label: "quoted delimiters", input: "a,b\n\"x,1\",\",\"\n\",,,\",\"y,\"\n"),
        Case(label: "escaped quotes", input: "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n\"\"\"\n\"\"\",\"a\"\"\r\n\"\"b\"\n"),
        Case(label: "quoted empty", input: "a,b\n\"\",\"\"\n\"\",x\n"),
        Case(label: "blank lines inside and after", input: "a,b\n\nx,1\n\n\r\n\ny,2\n\r\n\n\n"),
        Case(label: "blank lines after the header", input: "a,b\n\n\n\r\nx,1\ny,2\n"),
        Case(label: "blank lines before the header", input: "\n\r\n\ra,b\nx,1\n"),
        Case(label: "one column with blank lines", input: "a\n\nx\n\n\n\"\"\ny\n\r\n\rz\n\n\n"),
        Case(label: "one column, blank lines after header", input: "a\n\n\nx\n"),
        Case(label: "one column, only blank lines after header", input: "a\n\n\n\n"),
        Case(label: "BOM", input: "\u{FEFF}a,b\nx,1\n"),
        Case(label: "BOM and blank lines", input: "\u{FEFF}\n\na,b\nx,1\n"),
        Case(label: "BOM-like bytes in a later record", input: "a,b\nx,1\n\u{FEFF}y,2\n\u{FEFF}\n"),
        Case(label: "UTF-8 text", input: "name,city\nJosé,Zürich\nŁódź,東京\n"),
        Case(label: "header only", input: "a,b\n"),
        Case(label: "header only without newline", input: "a,b"),
        Case(label: "header and blank lines", input: "a,b\n\r\n\n"),
        Case(label: "quoted header with line break", input: "\"a\nb\",\"c,d\"\nx,1\n"),
        Case(label: "missing values", input: "a,b\nNA,1\n,\nnull,\"\"\n"),
        Case(label: "long quoted field", input: "a,b\nx,\"" + String(repeating: "long,\n\"\"text ", count: 300) + "\"\ny,2\n"),
        Case(label: "long unquoted field", input: "a,b\n" + String(repeating: "z", count: 5000) + ",1\ny,2"),
        Case(label: "empty file", input: ""),
        Case(label: "only blank lines", input: "\n\r\n\r"),
        Case(label: "field count error late", input: "a,b\nx,1\ny,2\nz,3\nw,4,5\nv,6\n"),
        Case(label: "unterminated quote late", input: "a,b\nx,1\ny,2\nz,\"3\nw,4\n"),
        Case(label: "stray quote late", input: "a,b\nx,1\ny,2\nz,3\"\nw,4\n"),
        Case(label: "text after closing quote late", input: "a,b\nx,1\ny,\"2\"\"\"x\nw,\"4\"\n"),
        Case(label: "duplicate header", input: "a,b,a\n1,2,3\n"),
        Case(label: "unterminated quote in header", input: "a,\"b\n1,2\n"),
    ]

    @Test(arguments: cases)
    func chunksMatchWholeFile(_ c: Case) throws {
        let file = try TemporaryFile()
        for hasHeader in [true, false] {
            try Self.expectChunksMatchWhole(Array(c.input.utf8), CSVOptions(hasHeader: hasHeader), chunkSizes: Self.chunkSizes, in: file)
        }
    }

    @Test func chunksOfUntypedColumnsMatchWhenEveryChunkInfersTheSame() throws {
        // Numbers (some missing), booleans and text in every row: inference agrees in every chunk, so no kinds are forced.
        var generator = SeededGenerator(seed: 5)
        var text = "n,flag,city\n"
        for row in 0..<400 {
            text += ["\(row)", "\(row).5", "NA", ""][generator.uniform(below: 4)] + ","
            text += (generator.uniform(below: 2) == 0 ? "yes" : "no") + ","
            text += ["Oslo", "\"Washington, D.C.\"", "Rome"][generator.uniform(below: 3)] + (row % 50 == 0 ? "\r\n\n" : "\n")
        }
        let file = try TemporaryFile()
        try file.write(Array(text.utf8))
        let expected = Self.whole(file.path, .init())
        guard case .rows(_, let columns, let lines) = expected else {
            Issue.record("whole read failed: \(expected)")
            return
        }
        #expect(columns[0].count == 400)
        #expect(lines.last == 409)
        for size in [37, 64, 1000] {
            var reader = try CSVChunkReader(path: file.path, options: .init(), chunkBytes: size)
            var chunks = 0
            while let chunk = try reader.next() {
                chunks += 1
                #expect(chunk.columns.map(\.kind) == [.numeric, .boolean, .categorical])
            }
            #expect(chunks > 3)
            #expect(Self.chunked(file.path, .init(), chunkBytes: size) == expected)
        }
    }

    @Test func forcedKindsKeepEveryChunkTheSameKind() throws {
        // Codes look numeric for the first 300 rows; inferring per chunk would give numeric chunks then categorical ones.
        let text = "id,code\n" + (0..<400).map { "\($0),\($0 < 300 ? String(format: "%03d", $0) : "X\($0)")" }.joined(separator: "\n")
        let file = try TemporaryFile()
        try file.write(Array(text.utf8))
        var inferred: Set<ColumnKind> = []
        var unforced = try CSVChunkReader(path: file.path, options: .init(), chunkBytes: 256)
        while let chunk = try unforced.next() { inferred.insert(chunk.columns[1].kind) }
        #expect(inferred == [.numeric, .categorical])

        let options = CSVOptions(columnKinds: ["id": .numeric, "code": .categorical])
        var reader = try CSVChunkReader(path: file.path, options: options, chunkBytes: 256)
        var codes: [String] = []
        var ids: [Double] = []
        while let chunk = try reader.next() {
            #expect(chunk.columns.map(\.kind) == [.numeric, .categorical])
            codes += cells(chunk.columns[1])
            ids += chunk.columns[0].values
        }
        #expect(codes.prefix(3) == ["000", "001", "002"])
        #expect(codes.last == "X399")
        #expect(ids == (0..<400).map(Double.init))
    }

    @Test func errorInALateChunkNamesItsLine() throws {
        var lines = (0..<2000).map { "\($0),\"note \($0)\nsecond line\",\($0 % 5)" }
        lines[1500] = "1500,\"note\",abc"
        // Header on line 1; row k starts on line 2 + 2k, since every earlier row spans two lines.
        let text = "id,note,score\n" + lines.joined(separator: "\r\n")
        let options = CSVOptions(columnKinds: ["id": .numeric, "score": .numeric], columnKindsReason: "as the model expects")
        let file = try TemporaryFile()
        try file.write(Array(text.utf8))
        let message = "\(file.path):3002: column 3 (\"score\"): \"abc\" is not a number; this column is numeric (as the model expects)"
        #expect(Self.whole(file.path, options) == .error(message))
        for size in [64, 4096] {
            var reader = try CSVChunkReader(path: file.path, options: options, chunkBytes: size)
            var rowsBefore = 0
            do {
                while let chunk = try reader.next() { rowsBefore += chunk.rowCount }
                Issue.record("expected an error")
            } catch {
                #expect("\(error)" == message)
                #expect((error as? DataError)?.line == 3002)
            }
            #expect(rowsBefore > 1000 && rowsBefore <= 1500)
            // Reading is over after an error.
            #expect(try reader.next() == nil)
        }
        lines[1500] = "1500,\"note\",1,extra"
        try file.write(Array(("id,note,score\n" + lines.joined(separator: "\r\n")).utf8))
        #expect(
            Self.chunked(file.path, options, chunkBytes: 100) == .error("\(file.path):3002: expected 3 fields as in the header, found 4"))
    }

    @Test func recordsLongerThanAChunk() throws {
        let long = String(repeating: "x,\"\"\r\n", count: 4000)
        let text = "a,b\nshort,1\n\"\(long)\",2\nshort,3\n"
        let file = try TemporaryFile()
        let outcome = try Self.expectChunksMatchWhole(Array(text.utf8), .init(), chunkSizes: [1, 7, 100], in: file)
        #expect(
            outcome
                == .rows(
                    names: ["a", "b"], columns: [["short", long.replacingQuotes(), "short"], ["1", "2", "3"]], lines: [2, 3, 4004]))
    }

    @Test func chunksStayNearTheChunkSize() throws {
        // 10-byte records: the buffer is topped up to chunkBytes and cut after its last whole record, so each
        // chunk but the last holds chunkBytes / 10 records, give or take one.
        let text = "a,b\n" + (0..<10_000).map { String(format: "%04d,%04d", $0 % 10_000, $0 % 7) }.joined(separator: "\n") + "\n"
        let file = try TemporaryFile()
        try file.write(Array(text.utf8))
        for size in [64, 1000, 30_000] {
            var reader = try CSVChunkReader(path: file.path, chunkBytes: size)
            var counts: [Int] = []
            while let chunk = try reader.next() { counts.append(chunk.rowCount) }
            #expect(counts.reduce(0, +) == 10_000)
            #expect(counts.dropLast().allSatisfy { abs($0 - size / 10) <= 1 }, "\(counts)")
        }
    }

    @Test func headerOnlyGivesNoChunks() throws {
        let file = try TemporaryFile()
        try file.write(Array("id,age\n\n".utf8))
        var reader = try CSVChunkReader(path: file.path)
        #expect(reader.columnNames == ["id", "age"])
        #expect(try reader.next() == nil)
    }

    @Test func columnNamesWithoutHeader() throws {
        let file = try TemporaryFile()
        try file.write(Array("\n1,2\n3,4\n".utf8))
        let unnamed = try CSVChunkReader(path: file.path, options: CSVOptions(hasHeader: false))
        #expect(unnamed.columnNames == ["column1", "column2"])
        let options = CSVOptions(hasHeader: false, columnNames: ["x", "y"])
        #expect(try CSVChunkReader(path: file.path, options: options).columnNames == ["x", "y"])
        #expect(
            Self.chunked(file.path, options, chunkBytes: 3)
                == .rows(names: ["x", "y"], columns: [["1.0", "3.0"], ["2.0", "4.0"]], lines: [2, 3]))
        let three = CSVOptions(hasHeader: false, columnNames: ["x", "y", "z"])
        #expect(
            Self.chunked(file.path, three, chunkBytes: 3) == .error("\(file.path):2: expected 3 fields, one per column name given, found 2")
        )
        let headerless = CSVOptions(hasHeader: false)
        try file.write(Array("1,2\n3,4\n5\n".utf8))
        #expect(
            Self.chunked(file.path, headerless, chunkBytes: 4) == .error("\(file.path):3: expected 2 fields as in the first row, found 1"))
    }

    @Test func firstLineNumbersTheFile() throws {
        let file = try TemporaryFile()
        try file.write(Array("a,b\n1,2\n3,4\n".utf8))
        #expect(
            Self.chunked(file.path, CSVOptions(firstLine: 41), chunkBytes: 4)
                == .rows(names: ["a", "b"], columns: [["1.0", "3.0"], ["2.0", "4.0"]], lines: [42, 43]))
    }

    @Test func unreadableFiles() throws {
        #expect(
            Self.chunked("/nonexistent/train.csv", .init(), chunkBytes: 10)
                == .error("/nonexistent/train.csv: cannot read the file: no such file"))
        #expect(
            Self.chunked("/tmp", .init(), chunkBytes: 10) == .error("/tmp: cannot read the file: it is a directory, expected a CSV file"))
        let file = try TemporaryFile()
        try file.write([])
        #expect(
            Self.chunked(file.path, .init(), chunkBytes: 10)
                == .error("\(file.path): the file is empty; expected a header row followed by data rows"))
        #expect(
            Self.chunked(file.path, CSVOptions(delimiter: UInt8(ascii: "\"")), chunkBytes: 10)
                == .error(
                    "\(file.path): the delimiter byte 34 cannot be used; use an ASCII character other than a quote or a line break, "
                        + "such as ',', ';', tab or '|'"))
    }

    @Test func copiesReadIndependently() throws {
        let file = try TemporaryFile()
        try file.write(Array(("v\n" + (0..<100).map(String.init).joined(separator: "\n")).utf8))
        var reader = try CSVChunkReader(path: file.path, chunkBytes: 40)
        _ = try reader.next()
        var copy = reader
        var fromReader: [Double] = []
        while let chunk = try reader.next() { fromReader += chunk.columns[0].values }
        var fromCopy: [Double] = []
        while let chunk = try copy.next() { fromCopy += chunk.columns[0].values }
        #expect(!fromReader.isEmpty)
        #expect(fromReader == fromCopy)
        #expect(fromReader.last == 99)
    }

    // Valid CSV in every shape the tokenizer accepts: random cells, quoting, line ends, blank lines, BOM.
    @Test func randomValidFilesReadTheSameInChunks() throws {
        var generator = SeededGenerator(seed: 21)
        let pieces = ["a", "1", "0.5", "", " ", ",", "\"", "\n", "\r\n", "\r", "é", "NA", "01", "\u{FEFF}"]
        let lineEnds = ["\n", "\r\n", "\r"]
        let file = try TemporaryFile()
        var rowsRead = 0
        for _ in 0..<400 {
            let columns = 1 + generator.uniform(below: 3)
            let rows = generator.uniform(below: 8)
            var text = generator.uniform(below: 5) == 0 ? "\u{FEFF}" : ""
            var records = [(0..<columns).map { "h\($0)" }]
            for _ in 0..<rows {
                records.append(
                    (0..<columns).map { _ in
                        (0..<generator.uniform(below: 4)).map { _ in pieces[generator.uniform(below: pieces.count)] }.joined()
                    })
            }
            for (r, record) in records.enumerated() {
                if r > 0 || generator.uniform(below: 4) == 0 {
                    text += String(
                        repeating: lineEnds[generator.uniform(below: 3)],
                        count: generator.uniform(below: 4) == 0 ? 1 + generator.uniform(below: 3) : 0)
                }
                text += record.map { cell in
                    let needsQuotes = cell.unicodeScalars.contains { "\",\n\r".unicodeScalars.contains($0) } || cell.hasPrefix("\u{FEFF}")
                    return needsQuotes || generator.uniform(below: 4) == 0 ? "\"" + cell.replacingQuotes(with: "\"\"") + "\"" : cell
                }.joined(separator: ",")
                if r < records.count - 1 || generator.uniform(below: 2) == 0 { text += lineEnds[generator.uniform(below: 3)] }
            }
            let hasHeader = generator.uniform(below: 3) != 0
            let outcome = try Self.expectChunksMatchWhole(
                Array(text.utf8), CSVOptions(hasHeader: hasHeader), chunkSizes: [1, 3, 7, 16, 64], in: file)
            if case .rows(_, let columns, _) = outcome { rowsRead += columns[0].count }
        }
        #expect(rowsRead > 1000)
    }

    // Byte soup: errors must match too (same message, same line), and nothing may crash.
    @Test func randomBytesReadTheSameInChunks() throws {
        var generator = SeededGenerator(seed: 22)
        let alphabet: [UInt8] = Array("\",\r\n\n;ab1.\t NA".utf8) + [0xEF, 0xBB, 0xBF, 0x00]
        let file = try TemporaryFile()
        var parsed = 0
        var failed = 0
        for _ in 0..<1200 {
            let length = generator.uniform(below: 80)
            let bytes = (0..<length).map { _ in
                generator.uniform(below: 8) == 0
                    ? UInt8(truncatingIfNeeded: generator.next()) : alphabet[generator.uniform(below: alphabet.count)]
            }
            let outcome = try Self.expectChunksMatchWhole(
                bytes, CSVOptions(hasHeader: generator.uniform(below: 2) == 0), chunkSizes: [1, 2, 5, 13, 64], in: file)
            if case .error = outcome { failed += 1 } else { parsed += 1 }
        }
        // Both outcomes must occur, or the fuzz is not exercising anything.
        #expect(parsed > 100)
        #expect(failed > 100)
    }
}

/// A file under the temporary directory, removed when the value goes away.
final class TemporaryFile {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("dataio-chunks-\(UUID().uuidString).csv").path

    init() throws {}

    func write(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension String {
    /// The text with each `""` read back as `"` (or, with `with`, each `"` written as the replacement).
    fileprivate func replacingQuotes(with replacement: String? = nil) -> String {
        if let replacement {
            return split(separator: "\"", omittingEmptySubsequences: false).joined(separator: replacement)
        }
        return components(separatedBy: "\"\"").joined(separator: "\"")
    }
}
