import Testing

@testable import DataIO

struct TypeInferenceTests {
    @Test(arguments: [
        (["1", "2", "3"], ColumnKind.numeric),
        (["1.5", "-2", "3e2"], .numeric),
        (["0", "1", "1"], .numeric),
        (["1", "", "NA"], .numeric),
        (["\"1.5\"", "2"], .numeric),
        (["NA", "", "null"], .numeric),
        (["", "x"], .categorical),
        (["true", "false", "TRUE"], .boolean),
        (["yes", "No", "YES"], .boolean),
        (["t", "F", "T"], .boolean),
        (["true", "NA", "false"], .boolean),
        (["true", "0"], .categorical),
        (["y", "n"], .categorical),
        (["1", "x"], .categorical),
        (["a", "b", "a"], .categorical),
        (["0x10", "1"], .categorical),
        (["1", "\"2\"\"\""], .categorical),
        (["1,5", "2"], .categorical),
    ])
    func infersKind(_ values: [String], _ kind: ColumnKind) throws {
        let text = "v\n" + values.map { $0.contains(",") && !$0.hasPrefix("\"") ? "\"\($0)\"" : $0 }.joined(separator: "\n") + "\n"
        let df = try frame(text, CSVOptions(missingValues: CSVOptions.defaultMissingValues))
        #expect(df.columns[0].kind == kind, "\(values)")
        #expect(df.columns[0].count == values.count)
    }

    @Test func numericValuesAndMissing() throws {
        let df = try frame("x\n1\nNA\n-2.5\n\nN/A\nNaN\nnan\nnull\nNULL\nNone\n 3 \n")
        let column = df.columns[0]
        #expect(column.kind == .numeric)
        #expect(column.count == 11)
        #expect(column.missingCount == 8)
        #expect(column.values[0] == 1)
        #expect(column.values[2] == -2.5)
        #expect(column.values[10] == 3)
        #expect(column.values[1].isNaN && column.values[3].isNaN && column.values[9].isNaN)
    }

    @Test func booleansAreZeroOne() throws {
        let column = try frame("b\ntrue\nno\nNA\nT\nf\n").columns[0]
        #expect(column.kind == .boolean)
        #expect(column.values[0] == 1 && column.values[1] == 0 && column.values[3] == 1 && column.values[4] == 0)
        #expect(column.values[2].isNaN)
        #expect(column.missingCount == 1)
        #expect(column.codes.isEmpty)
        // The file's spellings of false and true: the first cell of each.
        #expect(column.categories == ["no", "true"])
    }

    @Test func customMissingValues() throws {
        let options = CSVOptions(missingValues: ["?", "-"])
        let df = try frame("a,b\n1,?\n?,x\n-,NA\n", options)
        #expect(df.columns[0].kind == .numeric)
        #expect(df.columns[0].missingCount == 2)
        // NA is an ordinary category once it is not a missing-value spelling.
        #expect(df.columns[1].kind == .categorical)
        #expect(df.columns[1].categories == ["NA", "x"])
        #expect(df.columns[1].codes == [-1, 1, 0])
        // Blank cells are always missing.
        #expect(try frame("a,b\n1,\n2,x\n", options).columns[1].codes == [-1, 0])
    }

    @Test func categoricalCodesAreSortedByteWise() throws {
        let column = try frame("c\nbanana\nApple\napple\n\"x,y\"\nNA\nbanana\nÄpfel\n\"q\"\"\"\n").columns[0]
        #expect(column.kind == .categorical)
        #expect(column.categories == ["Apple", "apple", "banana", "q\"", "x,y", "Äpfel"])
        #expect(column.codes == [2, 0, 1, 4, -1, 2, 5, 3])
        #expect(column.missingCount == 1)
        #expect(column.values.isEmpty)
    }

    @Test func categoricalEncodingDoesNotDependOnRowOrder() throws {
        var generator = SeededGenerator(seed: 3)
        let words = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white"]
        var rows = (0..<200).map { _ in words[generator.uniform(below: words.count)] }
        let first = try frame("c\n" + rows.joined(separator: "\n")).columns[0]
        let forward = Dictionary(zip(rows, first.codes), uniquingKeysWith: { a, _ in a })
        generator.shuffle(&rows)
        let second = try frame("c\n" + rows.joined(separator: "\n")).columns[0]
        let shuffled = Dictionary(zip(rows, second.codes), uniquingKeysWith: { a, _ in a })
        #expect(first.categories == second.categories)
        #expect(first.categories == first.categories.sorted())
        #expect(forward == shuffled)
    }

    @Test func manyCategoriesGrowTheTable() throws {
        let rows = (0..<5000).map { "k\($0 % 1500)" }
        let column = try frame("c\n" + rows.joined(separator: "\n")).columns[0]
        #expect(column.categories.count == 1500)
        for (row, text) in rows.enumerated() {
            #expect(column.categories[Int(column.codes[row])] == text)
        }
    }
}
