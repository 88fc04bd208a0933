import Testing

@testable import DataIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ThroughputTests {
    // Reads ~20 MB of generated CSV and checks the content; the MB/s figure is printed, not asserted
    // (timing belongs in benchmarks, and debug builds are far slower than release).
    @Test func readsTwentyMegabytes() throws {
        var generator = SeededGenerator(seed: 11)
        var bytes = Array("id,amount,score,flag,city\n".utf8)
        let cities = ["Berlin", "Lisbon", "Oslo", "\"Washington, D.C.\""]
        var expectedSum = 0.0
        var rows = 0
        while bytes.count < 20_000_000 {
            let amount = Double(generator.uniform(below: 1_000_000)) / 100
            let score = (Double(generator.next() >> 11) / Double(1 << 53)) * 2 - 1
            expectedSum += amount
            let line =
                "\(rows),\(amount),\(score),\(generator.uniform(below: 2) == 0 ? "true" : "false"),"
                + cities[generator.uniform(below: cities.count)] + "\n"
            bytes.append(contentsOf: line.utf8)
            rows += 1
        }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let df = try CSVReader.read(bytes: bytes, source: "generated.csv")
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        print("DataIO: read \(bytes.count / 1_000_000) MB (\(rows) rows) in \(seconds) s: \(Double(bytes.count) / 1e6 / seconds) MB/s")

        #expect(df.rowCount == rows)
        #expect(df.columns.map(\.kind) == [.numeric, .numeric, .numeric, .boolean, .categorical])
        #expect(df.columns[0].values.last == Double(rows - 1))
        let sum = df.columns[1].values.reduce(0, +)
        #expect(abs(sum - expectedSum) <= 1e-6 * expectedSum)
        #expect(df.columns[4].categories == ["Berlin", "Lisbon", "Oslo", "Washington, D.C."])
    }
}
