/// Per-column mean and population standard deviation of training features, used to fit linear
/// models on `(x - mean) / std`. A constant column gets std 1 so it maps to 0 rather than NaN.
public struct FeatureScaler: Sendable, Codable, Equatable {
    public var means: [Double]
    public var stds: [Double]

    public init(means: [Double], stds: [Double]) {
        precondition(means.count == stds.count, "FeatureScaler: \(means.count) means for \(stds.count) stds")
        self.means = means
        self.stds = stds
    }

    /// The identity transform for `columnCount` columns (what a fit without standardisation stores).
    public static func identity(columnCount: Int) -> FeatureScaler {
        FeatureScaler(means: Array(repeating: 0, count: columnCount), stds: Array(repeating: 1, count: columnCount))
    }

    /// Mean and population std of each column of `x` (which must hold no NaN).
    public init(fitting x: FeatureMatrix) {
        let n = x.rowCount
        let d = x.columnCount
        var means = [Double](repeating: 0, count: d)
        var stds = [Double](repeating: 0, count: d)
        var constant = [Bool](repeating: true, count: d)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                for c in 0..<d {
                    means[c] += v[r * d + c]
                    if v[r * d + c] != v[c] { constant[c] = false }
                }
            }
            // A constant column's mean is its value exactly, so it standardises to exactly 0 and
            // its coefficient stays exactly 0 (a rounded mean would leave ~1e-16 residue).
            for c in 0..<d { means[c] = constant[c] && n > 0 ? v[c] : means[c] / Double(max(n, 1)) }
            // Two-pass variance: the one-pass formula loses everything for large-mean columns.
            for r in 0..<n {
                for c in 0..<d {
                    let delta = v[r * d + c] - means[c]
                    stds[c] += delta * delta
                }
            }
        }
        for c in 0..<d {
            let std = (stds[c] / Double(max(n, 1))).squareRoot()
            // Relative threshold, as sklearn's StandardScaler treats near-constant columns as constant.
            stds[c] = std > 10 * Double.ulpOfOne * max(abs(means[c]), 1) ? std : 1
        }
        self.init(means: means, stds: stds)
    }

    public var isIdentity: Bool {
        means.allSatisfy { $0 == 0 } && stds.allSatisfy { $0 == 1 }
    }

    /// `(x - mean) / std`, column by column.
    public func transform(_ x: FeatureMatrix) -> FeatureMatrix {
        precondition(x.columnCount == means.count, "FeatureScaler: matrix has \(x.columnCount) columns, scaler has \(means.count)")
        if isIdentity { return x }
        var values = x.values
        let d = x.columnCount
        for r in 0..<x.rowCount {
            for c in 0..<d {
                values[r * d + c] = (values[r * d + c] - means[c]) / stds[c]
            }
        }
        return FeatureMatrix(rowCount: x.rowCount, columnCount: d, values: values, names: x.names)
    }
}
