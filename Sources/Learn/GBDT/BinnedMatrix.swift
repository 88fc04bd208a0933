/// A feature matrix reduced to bin indices by a ``FeatureBinner``: what the tree learner reads when
/// it builds gradient histograms. Row-major, so building a node's histogram reads each of its rows
/// once, as one short contiguous run of bytes (XGBoost's row-wise `hist` layout).
///
/// Feature c's real bins are `0..<binCounts[c]`; a missing value has bin `binCounts[c]`
/// (``missingBin(_:)``), so every bin, missing included, indexes the feature's slots of a
/// ``GradientHistogram`` directly. A feature has at most 255 real bins, so the missing bin fits a byte.
public struct BinnedMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// Row-major: the bin of row r, column c is `bins[r * columnCount + c]`.
    public let bins: [UInt8]
    /// Real (non-missing) bins per column.
    public let binCounts: [Int]

    public init(rowCount: Int, columnCount: Int, bins: [UInt8], binCounts: [Int]) {
        precondition(bins.count == rowCount * columnCount, "BinnedMatrix: \(bins.count) bins for \(rowCount) x \(columnCount)")
        precondition(binCounts.count == columnCount, "BinnedMatrix: \(binCounts.count) bin counts for \(columnCount) columns")
        precondition(
            binCounts.allSatisfy { (1...FeatureBinner.maximumBinCount).contains($0) }, "BinnedMatrix: bin counts must be in 1...255")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.bins = bins
        self.binCounts = binCounts
    }

    /// The bin that marks a missing value of `column`.
    public func missingBin(_ column: Int) -> UInt8 { UInt8(binCounts[column]) }

    public subscript(row: Int, column: Int) -> UInt8 {
        bins[row * columnCount + column]
    }
}
