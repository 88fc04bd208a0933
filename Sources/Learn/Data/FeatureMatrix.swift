/// Features for training and prediction: a dense row-major matrix of doubles with one name per
/// column. Missing values are NaN. Linear models standardise it; GBDT bins it.
public struct FeatureMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// Row-major: the value of row r, column c is `values[r * columnCount + c]`.
    public var values: [Double]
    public let names: [String]

    public init(rowCount: Int, columnCount: Int, values: [Double], names: [String]? = nil) {
        precondition(values.count == rowCount * columnCount, "FeatureMatrix: \(values.count) values for \(rowCount) x \(columnCount)")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.names = names ?? (0..<columnCount).map { "f\($0)" }
    }

    /// Builds a matrix from rows of equal length.
    public init(rows: [[Double]], names: [String]? = nil) {
        let columns = rows.first?.count ?? names?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "FeatureMatrix: rows of different lengths")
        self.init(rowCount: rows.count, columnCount: columns, values: rows.flatMap { $0 }, names: names)
    }

    public subscript(row: Int, column: Int) -> Double {
        values[row * columnCount + column]
    }

    /// The rows at `indices`, in that order (for train/validation splits).
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columnCount)
        for row in indices {
            out.append(contentsOf: values[(row * columnCount)..<((row + 1) * columnCount)])
        }
        return FeatureMatrix(rowCount: indices.count, columnCount: columnCount, values: out, names: names)
    }
}
