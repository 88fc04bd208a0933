/// A feature matrix reduced to bin indices by a ``FeatureBinner``: what the tree learner reads when
/// it builds gradient histograms. Column-major so one feature's bins are contiguous, which is the
/// access pattern of a per-feature histogram build.
public struct BinnedMatrix: Sendable, Equatable {
    /// The bin of a missing (NaN) value. Never a real bin, because ``FeatureBinner`` allows at most
    /// 255 bins (0...254).
    public static let missingBin: UInt8 = 255

    public let rowCount: Int
    public let columnCount: Int
    /// Column-major: the bin of row r, column c is `bins[c * rowCount + r]`.
    public let bins: [UInt8]
    /// Real (non-missing) bins per column; bins of column c are in `0..<binCounts[c]`.
    public let binCounts: [Int]

    public init(rowCount: Int, columnCount: Int, bins: [UInt8], binCounts: [Int]) {
        precondition(bins.count == rowCount * columnCount, "BinnedMatrix: \(bins.count) bins for \(rowCount) x \(columnCount)")
        precondition(binCounts.count == columnCount, "BinnedMatrix: \(binCounts.count) bin counts for \(columnCount) columns")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.bins = bins
        self.binCounts = binCounts
    }

    public subscript(row: Int, column: Int) -> UInt8 {
        bins[column * rowCount + row]
    }
}
