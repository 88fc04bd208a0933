import Testing

@testable import DataIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct CSVParsingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let input: String
        let names: [String]
        let rows: [[String]]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "LF", input: "a,b\nx,y\nz,w\n", names: ["a", "b"], rows: [["x", "y"], ["z", "w"]]),
        Case(label: "CRLF", input: "a,b\r\nx,y\r\nz,w\r\n", names: ["a", "b"], rows: [["x", "y"], ["z", "w"]]),
        Case(label: "lone CR", input: "a,b\rx,y\rz,w", names: ["a", "b"], rows: [["x", "y"], ["z", "w"]]),
        Case(label: "mixed line ends", input: "a,b\r\nx,y\nz,w\r\n", names: ["a", "b"], rows: [["x", "y"], ["z", "w"]]),
        Case(label: "no final newline", input: "a,b\nx,y\nz,w", names: ["a", "b"], rows: [["x", "y"], ["z", "w"]]),
        Case(label: "blank trailing lines", input: "a,b\nx,y\n\n\r\n\n", names: ["a", "b"], rows: [["x", "y"]]),
        Case(label: "blank line inside", input: "a,b\nx,y\n\nz,w\n", names: ["a", "b"], rows: [["x", "y"], ["z", "w"]]),
        Case(label: "quoted fields", input: "a,b\n\"x\",\"y\"\n", names: ["a", "b"], rows: [["x", "y"]]),
        Case(label: "quoted delimiter", input: "a,b\n\"x,1\",y\n", names: ["a", "b"], rows: [["x,1", "y"]]),
        Case(label: "escaped quotes", input: "a,b\n\"say \"\"hi\"\"\",y\n", names: ["a", "b"], rows: [["say \"hi\"", "y"]]),
        Case(label: "only an escaped quote", input: "a,b\n\"\"\"\",y\n", names: ["a", "b"], rows: [["\"", "y"]]),
        Case(label: "embedded LF", input: "a,b\n\"line1\nline2\",y\n", names: ["a", "b"], rows: [["line1\nline2", "y"]]),
        Case(label: "embedded CRLF", input: "a,b\r\n\"l1\r\nl2\",y\r\n", names: ["a", "b"], rows: [["l1\r\nl2", "y"]]),
        Case(label: "quoted header", input: "\"a,1\",\"b\"\"2\"\nx,y\n", names: ["a,1", "b\"2"], rows: [["x", "y"]]),
        Case(
            label: "empty fields", input: "a,b,c\nx,,z\n,,\n", names: ["a", "b", "c"],
            rows: [["x", "<missing>", "z"], ["<missing>", "<missing>", "<missing>"]]),
        Case(label: "trailing empty field at EOF", input: "a,b\nx,", names: ["a", "b"], rows: [["x", "<missing>"]]),
        Case(label: "quoted empty is missing", input: "a,b\n\"\",y\nq,z\n", names: ["a", "b"], rows: [["<missing>", "y"], ["q", "z"]]),
        Case(label: "quoted last field without newline", input: "a,b\nx,\"y\"", names: ["a", "b"], rows: [["x", "y"]]),
        Case(label: "BOM", input: "\u{FEFF}a,b\nx,y\n", names: ["a", "b"], rows: [["x", "y"]]),
        Case(label: "BOM and quoted header", input: "\u{FEFF}\"a\",b\nx,y\n", names: ["a", "b"], rows: [["x", "y"]]),
        Case(label: "single column", input: "a\nx\ny\n", names: ["a"], rows: [["x"], ["y"]]),
        Case(
            label: "single column blank line is missing", input: "a\nx\n\r\ny\n\n\n", names: ["a"],
            rows: [["x"], ["<missing>"], ["y"]]),
        Case(label: "single column leading blank lines", input: "\n\na\nx\n", names: ["a"], rows: [["x"]]),
        Case(label: "UTF-8 text", input: "name,city\nJosé,Zürich\n", names: ["name", "city"], rows: [["José", "Zürich"]]),
        Case(label: "spaces kept in text", input: "a,b\n x , y\n", names: ["a", "b"], rows: [[" x ", " y"]]),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) throws {
        let df = try frame(c.input)
        #expect(df.columnNames == c.names)
        #expect(df.rowCount == c.rows.count)
        for (k, column) in df.columns.enumerated() {
            #expect(cells(column) == c.rows.map { $0[k] }, "column \(column.name)")
        }
    }

    @Test(arguments: [
        (UInt8(ascii: ","), "a,b\nx;1,\"y,2\"\n"),
        (UInt8(ascii: ";"), "a;b\nx,1;\"y;2\"\n"),
        (UInt8(ascii: "\t"), "a\tb\nx,1\t\"y\t2\"\n"),
        (UInt8(ascii: "|"), "a|b\nx,1|\"y|2\"\n"),
    ])
    func delimiter(_ delimiter: UInt8, _ input: String) throws {
        let df = try frame(input, CSVOptions(delimiter: delimiter))
        let d = String(UnicodeScalar(delimiter))
        #expect(df.columnNames == ["a", "b"])
        let other = delimiter == UInt8(ascii: ",") ? ";" : ","
        #expect(cells(df.columns[0]) == ["x\(other)1"])
        #expect(cells(df.columns[1]) == ["y\(d)2"])
    }

    @Test func noHeaderNamesColumns() throws {
        let df = try frame("1,x\n2,y\n", CSVOptions(hasHeader: false))
        #expect(df.columnNames == ["column1", "column2"])
        #expect(df.rowCount == 2)
        #expect(df.columns[0].values == [1, 2])
    }

    @Test func lineNumbersCountEmbeddedNewlinesAndBlankLines() throws {
        let df = try frame("a,b\n\"1\n2\",x\n\n3,y\r\n4,z")
        #expect(df.lineNumbers == [2, 5, 6])
        #expect(df.columns[1].lineNumbers == [2, 5, 6])
    }

    @Test func readsFromFile() throws {
        let path = "/tmp/dataio-test-\(UInt64.random(in: 0...UInt64.max)).csv"
        Array("x,y\n1,a\n2,b\n".utf8).withUnsafeBufferPointer { buffer in
            let file = fopen(path, "wb")!
            defer { fclose(file) }
            #expect(fwrite(buffer.baseAddress, 1, buffer.count, file) == buffer.count)
        }
        defer { remove(path) }
        let df = try CSVReader.read(path: path)
        #expect(df.source == path)
        #expect(df.columnNames == ["x", "y"])
        #expect(df.columns[0].values == [1, 2])
        #expect(df.columns[1].categories == ["a", "b"])
    }

    @Test func missingFileIsReported() {
        #expect(throws: DataError.self) { try CSVReader.read(path: "/nonexistent/credit.csv") }
        do {
            _ = try CSVReader.read(path: "/nonexistent/credit.csv")
        } catch {
            #expect("\(error)" == "/nonexistent/credit.csv: cannot read the file: no such file")
        }
    }
}
