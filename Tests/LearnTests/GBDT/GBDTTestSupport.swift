import DataIO
import Foundation

/// Uniform doubles from the project's SplitMix64, so test data is the same on every platform.
struct SeededGeneratorForTests {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(generator.next() >> 11) / 9_007_199_254_740_992 }
}

enum GBDTTestData {
    static let dataDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path + "/data"
    }()
}
