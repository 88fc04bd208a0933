import Testing

@testable import DataIO

struct LabelEncodingTests {
    @Test(arguments: [
        (["1", "0", "1", "0"], ["0", "1"], [1, 0, 1, 0] as [Int32]),
        (["10", "9", "2", "10"], ["2", "9", "10"], [2, 1, 0, 2]),
        (["-1", "1", "0.5"], ["-1", "0.5", "1"], [0, 2, 1]),
        (["1.0", "2", "1"], ["1", "2"], [0, 1, 0]),
        (["-0", "0"], ["0"], [0, 0]),
        (["b", "a", "B", "a"], ["B", "a", "b"], [2, 1, 0, 1]),
        (["10", "9", "x"], ["10", "9", "x"], [0, 1, 2]),
        // Boolean targets keep the file's spelling as class names.
        (["yes", "no", "yes"], ["no", "yes"], [1, 0, 1]),
        (["True", "false", "TRUE"], ["false", "True"], [1, 0, 1]),
        (["true", "true"], ["true"], [0, 0]),
    ])
    func encodes(_ values: [String], _ classes: [String], _ labels: [Int32]) throws {
        let df = try frame("y\n" + values.joined(separator: "\n") + "\n")
        let encoded = try encodeLabels(df.columns[0], source: df.source)
        #expect(encoded.classes == classes)
        #expect(encoded.labels == labels)
    }

    @Test func missingLabelNamesTheLine() throws {
        let df = try frame("x,Class\n1,0\n\"a\nb\",1\n3,NA\n4,\n")
        do {
            _ = try encodeLabels(try df.column(named: "Class"), source: df.source)
            Issue.record("expected an error")
        } catch {
            #expect(
                "\(error)" == "t.csv:5: no value in label column \"Class\" (2 rows have none; this is the first); "
                    + "every row needs a label to train a classifier, so drop or fill in these rows")
        }
        let categorical = try frame("Class\na\nb\nNA\n")
        do {
            _ = try encodeLabels(categorical.columns[0], source: "t.csv")
            Issue.record("expected an error")
        } catch {
            #expect(
                "\(error)" == "t.csv:4: no value in label column \"Class\"; "
                    + "every row needs a label to train a classifier, so drop or fill in these rows")
        }
    }

    @Test func missingLabelWithoutLineNumbersNamesTheRow() {
        let column = Column(name: "y", codes: [0, 1, -1], categories: ["a", "b"])
        #expect(throws: DataError.self) { try encodeLabels(column, source: "memory") }
        do {
            _ = try encodeLabels(column, source: "memory")
        } catch {
            #expect(
                "\(error)" == "memory: row 3: no value in label column \"y\"; "
                    + "every row needs a label to train a classifier, so drop or fill in these rows")
        }
    }

    @Test func unusedAndUnsortedCategoriesAreCompacted() throws {
        let column = Column(name: "y", codes: [2, 0, 2], categories: ["z", "unused", "a"])
        let encoded = try encodeLabels(column, source: "memory")
        #expect(encoded.classes == ["a", "z"])
        #expect(encoded.labels == [0, 1, 0])
    }
}
