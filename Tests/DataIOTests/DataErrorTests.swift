import Testing

@testable import DataIO

struct DataErrorTests {
    @Test(arguments: [
        ("", "t.csv: the file is empty; expected a header row followed by data rows"),
        ("\u{FEFF}", "t.csv: the file is empty; expected a header row followed by data rows"),
        ("\n\r\n\n", "t.csv: the file is empty; expected a header row followed by data rows"),
        ("a,b,c\n", "t.csv: the file has a header row but no data rows"),
        ("a,b,c", "t.csv: the file has a header row but no data rows"),
        ("a,b,c\n\n\n", "t.csv: the file has a header row but no data rows"),
        ("a,b,age\n1,2,3\n4,5,\"6\n", "t.csv:3: column 3 (\"age\"): unterminated quoted field starting here"),
        ("a,b,age\n1,\"x\ny\",3\n4,\"5,6\n", "t.csv:4: column 2 (\"b\"): unterminated quoted field starting here"),
        ("\"a,b\n1,2\n", "t.csv:1: column 1: unterminated quoted field starting here"),
        (
            "a,b,c,d,e,f,g,h\n1,2,3,4,5,6,7,8\n1,2,3,4,5,6,7\n",
            "t.csv:3: expected 8 fields as in the header, found 7"
        ),
        ("a,b\n1,2\n1,2,3\n", "t.csv:3: expected 2 fields as in the header, found 3"),
        ("a,b\r\n1,2\r\n\"x\r\ny\",2\r\n3\r\n", "t.csv:5: expected 2 fields as in the header, found 1"),
        (
            "a,name\n1,ab\"c\n",
            "t.csv:2: column 2 (\"name\"): stray quote in an unquoted field; "
                + "quote the whole field and write each quote inside it as \"\""
        ),
        (
            "a,name\n1, \"x\"\n",
            "t.csv:2: column 2 (\"name\"): stray quote in an unquoted field; "
                + "quote the whole field and write each quote inside it as \"\""
        ),
        (
            "a,name\n1,\"x\"y\n",
            "t.csv:2: column 2 (\"name\"): unexpected text after the closing quote; "
                + "a quote inside a quoted field is written as \"\""
        ),
        (
            "a,b\n1,2\n1,2,\"x\"z\n",
            "t.csv:3: column 3: unexpected text after the closing quote; "
                + "a quote inside a quoted field is written as \"\""
        ),
        ("id,age,id\n1,2,3\n", "t.csv:1: column 3 (\"id\"): repeats the name of column 1; column names must be unique"),
    ])
    func parseErrors(_ input: String, _ message: String) {
        #expect(errorText(input) == message)
    }

    @Test func errorsWithoutHeader() {
        let options = CSVOptions(hasHeader: false)
        #expect(errorText("", options) == "t.csv: the file is empty; expected at least one data row")
        #expect(errorText("1,2\n3\n", options) == "t.csv:2: expected 2 fields as in the first row, found 1")
        #expect(errorText("1,2\n3,\"4\n", options) == "t.csv:2: column 2: unterminated quoted field starting here")
    }

    @Test(arguments: [UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0xC3])
    func invalidDelimiter(_ byte: UInt8) {
        #expect(
            errorText("a,b\n1,2\n", CSVOptions(delimiter: byte)) == "t.csv: the delimiter byte \(byte) cannot be used; "
                + "use an ASCII character other than a quote or a line break, such as ',', ';', tab or '|'")
    }

    @Test func errorCarriesLocation() throws {
        let error = try #require(throws: DataError.self) { try frame("a,age\n1,2\n3,\"4\n") }
        #expect(error.source == "t.csv")
        #expect(error.line == 3)
        #expect(error.column == 2)
        #expect(error.columnName == "age")
    }

    static let creditColumns = ["Time", "V1", "V2", "Class"]

    @Test func missingTargetColumnListsColumns() throws {
        let df = try frame(Self.creditColumns.joined(separator: ",") + "\n1,2,3,0\n")
        let error = try #require(throws: DataError.self) { try df.column(named: "Clas", role: "target") }
        #expect(error.description == "target column \"Clas\" not found; columns are: Time, V1, V2, Class")
        let plain = try #require(throws: DataError.self) { try df.column(named: "Clas") }
        #expect(plain.description == "column \"Clas\" not found; columns are: Time, V1, V2, Class")
        #expect(try df.column(named: "Class").values == [0])
    }

    @Test(arguments: [
        ("class", "target column \"class\" not found; did you mean \"Class\"? columns are: Time, V1, V2, Class"),
        (" CLASS ", "target column \" CLASS \" not found; did you mean \"Class\"? columns are: Time, V1, V2, Class"),
        ("Klass", "target column \"Klass\" not found; columns are: Time, V1, V2, Class"),
    ])
    func nearMissHint(_ name: String, _ message: String) throws {
        let df = try frame(Self.creditColumns.joined(separator: ",") + "\n1,2,3,0\n")
        #expect(throws: DataError.self) { try df.column(named: name, role: "target") }
        do {
            _ = try df.column(named: name, role: "target")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func longColumnListKeepsBothEnds() throws {
        let names = ["Time"] + (1...34).map { "V\($0)" } + ["Class"]
        let df = try frame(names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n")
        do {
            _ = try df.column(named: "Target", role: "target")
            Issue.record("expected an error")
        } catch {
            // 36 columns: the first 25, then how many are left out, then the last 5 (where a label often is).
            let head = (["Time"] + (1...24).map { "V\($0)" }).joined(separator: ", ")
            #expect("\(error)" == "target column \"Target\" not found; columns are: \(head), ... (6 more), V31, V32, V33, V34, Class")
        }
    }

    @Test func exactlyThirtyColumnsAreAllListed() throws {
        let names = (1...30).map { "c\($0)" }
        let df = try frame(names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n")
        do {
            _ = try df.column(named: "x")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "column \"x\" not found; columns are: " + names.joined(separator: ", "))
        }
    }
}
