import Testing

@testable import DataIO

/// `CSVOptions.columnKinds`, `columnNames` and `firstLine`.
struct ColumnKindOptionTests {
    @Test func numbersForcedToCategoriesKeepTheirText() throws {
        let text = "id,zip\n1,01\n2,1\n3, 007 \n4,NA\n5,1.0\n6,\n"
        // Without forcing, the column is numeric and 01, 1 and 1.0 are the same value.
        #expect(try frame(text).columns[1].kind == .numeric)
        let column = try frame(text, CSVOptions(columnKinds: ["zip": .categorical])).columns[1]
        #expect(column.kind == .categorical)
        #expect(column.categories == [" 007 ", "01", "1", "1.0"])
        #expect(cells(column) == ["01", "1", " 007 ", "<missing>", "1.0", "<missing>"])
        #expect(column.missingCount == 2)
        #expect(column.values.isEmpty)
        #expect(try frame(text, CSVOptions(columnKinds: ["zip": .categorical])).columns[0].kind == .numeric)
    }

    @Test func forcedCategoricalTakesBooleansAndQuotedText() throws {
        let df = try frame("flag,q\nyes,\"1\"\nno,\"2\"\"\"\n", CSVOptions(columnKinds: ["flag": .categorical, "q": .categorical]))
        #expect(df.columns.map(\.kind) == [.categorical, .categorical])
        #expect(cells(df.columns[0]) == ["yes", "no"])
        #expect(cells(df.columns[1]) == ["1", "2\""])
    }

    @Test func forcedNumericReadsNumbersAndMissingValues() throws {
        let df = try frame("a,b\n1,NA\n-2.5e1,\n 3 ,null\n", CSVOptions(columnKinds: ["a": .numeric, "b": .numeric]))
        #expect(df.columns.map(\.kind) == [.numeric, .numeric])
        #expect(df.columns[0].values == [1, -25, 3])
        #expect(df.columns[1].values.allSatisfy { $0.isNaN })
        #expect(df.columns[1].missingCount == 3)
    }

    @Test func forcedNumericNamesTheCell() throws {
        // The quoted line break puts row 3 on line 5.
        let text = "id,name,age\n1,\"x\ny\",30\n2,z,41\n3,w,abc\n4,v,5\n"
        let options = CSVOptions(columnKinds: ["age": .numeric], columnKindsReason: "as the model expects")
        let error = try #require(throws: DataError.self) { try frame(text, options) }
        #expect(error.description == "t.csv:5: column 3 (\"age\"): \"abc\" is not a number; this column is numeric (as the model expects)")
        #expect(error.line == 5)
        #expect(error.column == 3)
        #expect(error.columnName == "age")
        #expect(
            errorText(text, CSVOptions(columnKinds: ["age": .numeric]))
                == "t.csv:5: column 3 (\"age\"): \"abc\" is not a number; this column is numeric")
    }

    @Test(arguments: [
        ("true", #""true" is not a number"#),
        ("\"say \"\"hi\"\"\"", #""say \"hi\"" is not a number"#),
        ("\"1\"\"\"", #""1\"" is not a number"#),
        ("\"a\nb\"", #""a\nb" is not a number"#),
        ("  x y  ", #""x y" is not a number"#),
        (String(repeating: "é", count: 50), "\"" + String(repeating: "é", count: 37) + "...\" is not a number"),
    ])
    func forcedNumericShowsTheCellText(_ cell: String, _ problem: String) {
        #expect(
            errorText("v\n1\n\(cell)\n", CSVOptions(columnKinds: ["v": .numeric]))
                == "t.csv:3: column 1 (\"v\"): \(problem); this column is numeric")
    }

    @Test func forcedBoolean() throws {
        let options = CSVOptions(columnKinds: ["flag": .boolean])
        let column = try frame("flag\nyes\nNo\n\nt\nFALSE\n", options).columns[0]
        #expect(column.kind == .boolean)
        #expect(cells(column) == ["true", "false", "<missing>", "true", "false"])
        #expect(
            errorText("id,flag\n1,yes\n2,1\n", options)
                == "t.csv:3: column 2 (\"flag\"): \"1\" is not true/false, yes/no or t/f; this column is boolean")
        // A column that would be inferred numeric is rejected rather than silently converted.
        #expect(
            errorText("flag\n0\n1\n", options)
                == "t.csv:2: column 1 (\"flag\"): \"0\" is not true/false, yes/no or t/f; this column is boolean")
        #expect(
            errorText("flag\n\"t\"\"\"\n", options)
                == "t.csv:2: column 1 (\"flag\"): \"t\\\"\" is not true/false, yes/no or t/f; this column is boolean")
    }

    @Test func namesThatAreNotColumnsAreIgnored() throws {
        let df = try frame("a,b\n1,x\n", CSVOptions(columnKinds: ["c": .numeric, "A": .categorical]))
        #expect(df.columns.map(\.kind) == [.numeric, .categorical])
    }

    // With 3 x 5000 cells the columns are converted on several workers; the error must not depend on which finishes first.
    @Test func theFirstBadCellInTheFileIsReported() {
        var rows = (0..<5000).map { "\($0),\($0 * 2),\($0 % 7)" }
        rows[4000] = "4000,oops,3"
        rows[3000] = "3000,6000,bad"
        rows[3500] = "x,7000,0"
        let text = "a,b,c\n" + rows.joined(separator: "\n")
        let options = CSVOptions(columnKinds: ["a": .numeric, "b": .numeric, "c": .numeric])
        #expect(errorText(text, options) == "t.csv:3002: column 3 (\"c\"): \"bad\" is not a number; this column is numeric")
        rows[3000] = "3000,6000,1"
        rows[3500] = "x,7000,bad"
        // On the same line, the leftmost column.
        #expect(
            errorText("a,b,c\n" + rows.joined(separator: "\n"), options)
                == "t.csv:3502: column 1 (\"a\"): \"x\" is not a number; this column is numeric")
    }

    @Test func forcedKindsWithoutHeaderUseTheColumnNames() throws {
        let options = CSVOptions(hasHeader: false, columnKinds: ["column2": .categorical])
        let df = try frame("1,2\n3,04\n", options)
        #expect(df.columnNames == ["column1", "column2"])
        #expect(df.columns.map(\.kind) == [.numeric, .categorical])
        #expect(cells(df.columns[1]) == ["2", "04"])
    }

    @Test func columnNamesNameTheColumns() throws {
        let options = CSVOptions(hasHeader: false, columnKinds: ["zip": .categorical], columnNames: ["id", "zip"])
        let df = try frame("1,01\n2,02\n", options)
        #expect(df.columnNames == ["id", "zip"])
        #expect(df.rowCount == 2)
        #expect(cells(df.columns[1]) == ["01", "02"])
        #expect(df.lineNumbers == [1, 2])
        // The names appear in errors, and every record must have one field per name.
        #expect(errorText("1,2,3\n", options) == "t.csv:1: expected 2 fields, one per column name given, found 3")
        #expect(errorText("1,02\n2,\"3\n", options) == "t.csv:2: column 2 (\"zip\"): unterminated quoted field starting here")
        #expect(
            errorText("1\n", CSVOptions(hasHeader: false, columnNames: ["a", "b", "a"]))
                == "t.csv: column 3 (\"a\"): repeats the name of column 1; column names must be unique")
        #expect(errorText("\n\n", options) == "t.csv: the file is empty; expected at least one data row")
    }

    @Test func columnNamesAreIgnoredWithAHeader() throws {
        let df = try frame("a,b\n1,2\n", CSVOptions(hasHeader: true, columnNames: ["x", "y"]))
        #expect(df.columnNames == ["a", "b"])
    }

    @Test func givenNamesMakeLeadingEmptyLinesOfOneColumnMissing() throws {
        // As after a header: the bytes continue a file whose columns are known.
        let named = try frame("\n1\n\n2\n\n", CSVOptions(hasHeader: false, columnNames: ["v"]))
        #expect(cells(named.columns[0]) == ["<missing>", "1.0", "<missing>", "2.0"])
        #expect(named.lineNumbers == [1, 2, 3, 4])
        #expect(try frame("v\n\n1\n\n2\n\n").lineNumbers == [2, 3, 4, 5])
        let unnamed = try frame("\n1\n\n2\n\n", CSVOptions(hasHeader: false))
        #expect(cells(unnamed.columns[0]) == ["1.0", "<missing>", "2.0"])
    }

    @Test func firstLineNumbersRowsAndErrors() throws {
        let options = CSVOptions(hasHeader: false, columnNames: ["a", "b"], firstLine: 101)
        let df = try frame("1,\"x\ny\"\n\n2,z\r\n3,w", options)
        #expect(df.lineNumbers == [101, 104, 105])
        #expect(df.columns[0].lineNumbers == [101, 104, 105])
        #expect(
            errorText("1,x\n\n2,\"y\"z\n", options) == "t.csv:103: column 2 (\"b\"): unexpected text after the closing quote; "
                + "a quote inside a quoted field is written as \"\"")
        let forced = CSVOptions(hasHeader: false, columnKinds: ["a": .numeric], columnNames: ["a", "b"], firstLine: 1_000_001)
        #expect(
            errorText("1,x\n2,y\nthree,z\n", forced) == "t.csv:1000003: column 1 (\"a\"): \"three\" is not a number; this column is numeric"
        )
        // With a header, the header is on firstLine.
        #expect(try frame("a,b\n1,2\n", CSVOptions(firstLine: 10)).lineNumbers == [11])
    }

    @Test func byteOrderMarkIsSkippedOnlyOnLineOne() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("x\ny\n".utf8)
        let options = CSVOptions(hasHeader: false, columnKinds: ["v": .categorical], columnNames: ["v"])
        let start = try CSVReader.read(bytes: bytes, source: "t.csv", options: options)
        #expect(cells(start.columns[0]) == ["x", "y"])
        var later = options
        later.firstLine = 7
        let piece = try CSVReader.read(bytes: bytes, source: "t.csv", options: later)
        #expect(cells(piece.columns[0]) == ["\u{FEFF}x", "y"])
    }
}
