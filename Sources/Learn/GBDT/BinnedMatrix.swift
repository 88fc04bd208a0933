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
    /// The same bins column-major (`columnBins[c * rowCount + r]`), for partitioning a node by one
    /// feature: its rows, ascending, then read one column forward instead of a byte per row-major row.
    public let columnBins: [UInt8]
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
        self.columnBins = [UInt8](unsafeUninitializedCapacity: rowCount * columnCount) { out, initialized in
            bins.withUnsafeBufferPointer { bins in
                for r in 0..<rowCount {
                    for c in 0..<columnCount { out[c &* rowCount &+ r] = bins[r &* columnCount &+ c] }
                }
            }
            initialized = rowCount * columnCount
        }
    }

    /// The bin that marks a missing value of `column`.
    public func missingBin(_ column: Int) -> UInt8 { UInt8(binCounts[column]) }

    public subscript(row: Int, column: Int) -> UInt8 {
        bins[row * columnCount + column]
    }
}
