import Testing

@testable import DataIO

struct FuzzTests {
    // Random bytes biased towards CSV syntax must either parse into a consistent frame or throw DataError.
    @Test func randomInputNeverCrashes() {
        var generator = SeededGenerator(seed: 1)
        let alphabet: [UInt8] = Array("\",\r\n;ab1.-e\t NA".utf8) + [0xEF, 0xBB, 0xBF, 0x00, 0xFF]
        var parsed = 0
        var failed = 0
        for _ in 0..<3000 {
            let length = generator.uniform(below: 60)
            let bytes = (0..<length).map { _ in
                generator.uniform(below: 5) == 0
                    ? UInt8(truncatingIfNeeded: generator.next()) : alphabet[generator.uniform(below: alphabet.count)]
            }
            for hasHeader in [true, false] {
                do {
                    let df = try CSVReader.read(bytes: bytes, source: "fuzz", options: CSVOptions(hasHeader: hasHeader))
                    parsed += 1
                    #expect(df.rowCount > 0)
                    #expect(df.lineNumbers.count == df.rowCount)
                    for column in df.columns {
                        #expect(column.count == df.rowCount)
                        #expect(column.missingCount <= column.count)
                        if column.kind == .categorical {
                            #expect(column.codes.allSatisfy { $0 >= -1 && Int($0) < column.categories.count })
                        }
                    }
                } catch is DataError {
                    failed += 1
                } catch {
                    Issue.record("unexpected error \(error)")
                }
            }
        }
        // Both outcomes must actually occur, or the fuzz is not exercising anything.
        #expect(parsed > 100)
        #expect(failed > 100)
    }

    // Valid CSV written from random cells must read back to the same cells.
    @Test func writtenCellsReadBack() throws {
        var generator = SeededGenerator(seed: 2)
        let pieces = ["a", "b", ",", "\"", "\n", "\r\n", " ", "x y", "é"]
        for _ in 0..<300 {
            let columns = 1 + generator.uniform(below: 4)
            let rows = 1 + generator.uniform(below: 6)
            var table: [[String]] = []
            for _ in 0..<rows {
                table.append(
                    (0..<columns).map { _ in
                        "z" + (0..<generator.uniform(below: 4)).map { _ in pieces[generator.uniform(below: pieces.count)] }.joined()
                    })
            }
            func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            let header = (0..<columns).map { "h\($0)" }.joined(separator: ",")
            let body = table.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\r\n")
            let df = try frame(header + "\r\n" + body)
            #expect(df.rowCount == rows)
            for c in 0..<columns {
                #expect(cells(df.columns[c]) == table.map { $0[c] })
            }
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
