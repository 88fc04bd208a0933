import DataIO
import Foundation

@testable import Learn

/// Deterministic pseudo-random data for the linear model tests (SplitMix64), so no test depends on
/// a system random generator.
struct LinearTestData {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [-1, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 52) - 1 }

    /// Approximately standard normal (sum of 12 uniforms on [0,1) minus 6).
    mutating func normal() -> Double { (0..<12).reduce(0.0) { acc, _ in acc + (uniform() + 1) / 2 } - 6 }

    mutating func matrix(rows: Int, columns: Int, scale: [Double]? = nil, names: [String]? = nil) -> FeatureMatrix {
        var values: [Double] = []
        for _ in 0..<rows {
            for c in 0..<columns { values.append(normal() * (scale?[c] ?? 1)) }
        }
        return FeatureMatrix(rowCount: rows, columnCount: columns, values: values, names: names)
    }

    /// Labels drawn from a logistic (or softmax) model with the given logit rows, so classes overlap
    /// and the unpenalised optimum is finite.
    mutating func labels(for x: FeatureMatrix, logitRows: [[Double]], intercepts: [Double]) -> [Int32] {
        (0..<x.rowCount).map { r in
            let logits = logitRows.indices.map { j in
                intercepts[j] + (0..<x.columnCount).reduce(0.0) { $0 + logitRows[j][$1] * x[r, $1] }
            }
            let draw = (uniform() + 1) / 2
            if logits.count == 1 { return draw < 1 / (1 + exp(-logits[0])) ? 1 : 0 }
            let top = logits.max()!
            let weights = logits.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            for (j, w) in weights.enumerated() {
                cumulative += w / total
                if draw < cumulative { return Int32(j) }
            }
            return Int32(logits.count - 1)
        }
    }
}

/// The gradient of the row-averaged logistic objective `(1/n) Σ logloss + ‖W‖²/(2Cn)`, computed
/// independently of the library (no shared code) to check a fit's optimality condition.
/// `coefficients` is `rows x d` row-major, one row for binary, one per class otherwise.
func logisticObjectiveGradient(
    x: FeatureMatrix, labels: [Int32], classCount: Int, c: Double, coefficients: [Double], intercepts: [Double], withIntercept: Bool
) -> [Double] {
    let n = x.rowCount
    let d = x.columnCount
    let rows = classCount == 2 ? 1 : classCount
    var gradW = [Double](repeating: 0, count: rows * d)
    var gradB = [Double](repeating: 0, count: rows)
    for r in 0..<n {
        let z = (0..<rows).map { j in intercepts[j] + (0..<d).reduce(0.0) { $0 + coefficients[j * d + $1] * x[r, $1] } }
        let residuals: [Double]
        if rows == 1 {
            residuals = [1 / (1 + exp(-z[0])) - (labels[r] == 1 ? 1 : 0)]
        } else {
            let top = z.max()!
            let e = z.map { exp($0 - top) }
            let s = e.reduce(0, +)
            residuals = (0..<rows).map { e[$0] / s - (Int32($0) == labels[r] ? 1 : 0) }
        }
        for j in 0..<rows {
            for k in 0..<d { gradW[j * d + k] += residuals[j] * x[r, k] }
            gradB[j] += residuals[j]
        }
    }
    let gradient = gradW.indices.map { (gradW[$0] + coefficients[$0] / c) / Double(n) }
    return withIntercept ? gradient + gradB.map { $0 / Double(n) } : gradient
}
