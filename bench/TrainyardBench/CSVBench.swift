import DataIO
import Foundation

/// CSV reading throughput of `DataIO.CSVReader` on generated data: a credit-card-like file (time,
/// 28 decimal features, amount, class) and short mixed fields (ints, yes/no, a city, a short
/// decimal), from memory and from a file in the page cache. Best of 3 runs each.
enum CSVBench {
    static func run(_ arguments: ArraySlice<String>) throws {
        let megabytes = arguments.first.flatMap { Int($0) } ?? 100
        var generator = SeededGenerator(seed: 42)
        let wide = wideFile(bytes: megabytes * 1_000_000, &generator)
        let mixed = mixedFile(bytes: megabytes * 1_000_000, &generator)
        let path = NSTemporaryDirectory() + "trainyard-bench-\(UUID().uuidString.prefix(8)).csv"
        guard FileManager.default.createFile(atPath: path, contents: Data(wide)) else { throw BenchError("cannot write \(path)") }
        defer { try? FileManager.default.removeItem(atPath: path) }

        var rows: [String] = []
        for (name, bytes, fromFile) in [
            ("31 columns of decimals, from memory", wide, false), ("31 columns of decimals, from a file", wide, true),
            ("5 short mixed columns, from memory", mixed, false),
        ] {
            var best = Double.infinity
            var shape = ""
            for _ in 0..<3 {
                let start = ContinuousClock.now
                let frame = fromFile ? try CSVReader.read(path: path) : try CSVReader.read(bytes: bytes, source: "bench.csv")
                best = min(best, (ContinuousClock.now - start).seconds)
                shape = "\(frame.rowCount) rows x \(frame.columns.count)"
            }
            let mb = Double(bytes.count) / 1e6
            rows.append("| \(name) (\(String(format: "%.0f", mb)) MB, \(shape)) | \(String(format: "%.0f", mb / best)) MB/s |")
        }
        print(
            """
            ### CSV reading (DataIO)

            | data | throughput |
            |---|---|
            \(rows.joined(separator: "\n"))
            """)
    }

    static func wideFile(bytes target: Int, _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(("Time," + (1...28).map { "V\($0)" }.joined(separator: ",") + ",Amount,Class\n").utf8)
        bytes.reserveCapacity(target + 1000)
        var row = 0
        while bytes.count < target {
            var line = String(row)
            for _ in 0..<28 {
                line += "," + String((Double(generator.next() >> 11) / Double(1 << 53) - 0.5) * 8)
            }
            line += "," + String(Double(generator.uniform(below: 100_000)) / 100) + "," + String(generator.uniform(below: 2)) + "\n"
            bytes.append(contentsOf: line.utf8)
            row += 1
        }
        return bytes
    }

    static func mixedFile(bytes target: Int, _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = Array("id,age,flag,city,score\n".utf8)
        bytes.reserveCapacity(target + 100)
        let cities = ["Berlin", "Lisbon", "Oslo", "Rome", "Paris"]
        var row = 0
        while bytes.count < target {
            let flag = generator.uniform(below: 2) == 0 ? "yes" : "no"
            let line =
                "\(row),\(generator.uniform(below: 90)),\(flag),\(cities[generator.uniform(below: 5)]),\(generator.uniform(below: 1000)).\(generator.uniform(below: 100))\n"
            bytes.append(contentsOf: line.utf8)
            row += 1
        }
        return bytes
    }
}
