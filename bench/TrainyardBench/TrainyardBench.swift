import Foundation
import Logging

/// `trainyard-bench SUITE ...`: the benchmarks behind `make bench`. Each suite prints a Markdown
/// table for bench/RESULTS.md.
@main
struct TrainyardBench {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let arguments = CommandLine.arguments.dropFirst()
        do {
            switch arguments.first {
            case "controller": try await ControllerBench.run(arguments.dropFirst())
            case "csv": try CSVBench.run(arguments.dropFirst())
            case "predict": try PredictBench.run(arguments.dropFirst())
            case "trainingjobs": try await TrainingJobBench.run(arguments.dropFirst())
            default:
                throw BenchError(
                    "usage: trainyard-bench controller PATH-TO-trainyard | trainingjobs PATH-TO-trainyard [JOBS] | csv [MEGABYTES] | predict MODEL CSV [THREADS]"
                )
            }
        } catch {
            FileHandle.standardError.write(Data("trainyard-bench: \(error)\n".utf8))
            exit(1)
        }
    }
}
