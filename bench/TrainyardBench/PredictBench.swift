import DataIO
import Foundation
import KubeClient
import Learn

/// In-memory batch prediction throughput of a trained model: `trainyard-bench predict MODEL CSV
/// [THREADS]` loads the model (a directory from `trainyard train` or its model.json), reads and
/// encodes the CSV once, then times `predict` over all rows (best of 5) and prints one JSON line:
/// {"rows", "threads", "seconds", "rowsPerSecond"}. Reading and encoding are not timed, as the
/// peers' in-memory predict calls in bench/train_bench.py are not.
enum PredictBench {
    static func run(_ arguments: ArraySlice<String>) throws {
        let args = Array(arguments)
        guard args.count >= 2 else { throw BenchError("usage: trainyard-bench predict MODEL CSV [THREADS]") }
        var path = args[0]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { path += "/model.json" }
        let threads = args.count > 2 ? Int(args[2]) ?? 2 : 2
        let model = try TrainyardModel.load(path: path)
        let frame = try CSVReader.read(path: args[1], options: model.csvOptions())
        let x = try model.encoding.matrix(frame, features: model.features)
        var best = Double.infinity
        var checksum = 0.0
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let predictions = model.predict(x, threads: threads)
            best = min(best, (ContinuousClock.now - start).seconds)
            checksum = predictions.values.reduce(0, +)
        }
        let rowsPerSecond = Double(x.rowCount) / best
        print(
            "{\"rows\": \(x.rowCount), \"threads\": \(threads), \"seconds\": \(best), \"rowsPerSecond\": \(rowsPerSecond), \"checksum\": \(checksum)}"
        )
    }
}
