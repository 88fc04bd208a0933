/// Maps raw feature values to at most `maxBins` ordered bins per feature, learned from the training
/// rows, so the tree learner can search splits over bin boundaries instead of every distinct value.
///
/// For each feature the binner keeps the *cuts* between bins, ascending. Bin `b` holds the values
/// `x` with `cuts[b-1] <= x < cuts[b]` (the first bin is open below, the last open above), so
/// "bins `0...b` go left" is the same test as XGBoost's `x < cuts[b]` on raw values, and a tree can
/// store `cuts[b]` as its split condition and predict without binning. The upper edge of the last
/// bin is +infinity and is not stored (JSON cannot hold it).
///
/// - A feature with at most `maxBins` distinct values gets one bin per value, cut at the midpoints
///   between neighbours (as LightGBM and XGBoost's hist method do).
/// - Otherwise the cuts are count quantiles over the sorted values: a cut goes after the distinct
///   value at which the running count first reaches each multiple of `rowCount / maxBins`, again at
///   the midpoint to the next value, so a heavy value never straddles two bins.
/// - NaN is missing and goes to ``BinnedMatrix/missingBin``, never a real bin; missing values do
///   not count towards the quantiles. Values should be finite (``GradientBoosting`` rejects
///   infinities): a cut next to an infinity would be infinite, which JSON cannot encode.
///
/// Deterministic: the cuts depend only on the multiset of values.
public struct FeatureBinner: Sendable, Codable, Equatable {
    /// Upper bound for `maxBins`, since bin indices are `UInt8` and 255 is reserved for missing.
    public static let maximumBinCount = 255

    public let maxBins: Int
    /// Per feature, the ascending cuts between its bins; feature c has `cuts[c].count + 1` bins.
    public let cuts: [[Double]]

    public init(maxBins: Int, cuts: [[Double]]) {
        precondition((2...Self.maximumBinCount).contains(maxBins), "FeatureBinner: maxBins \(maxBins) is not in 2...255")
        precondition(cuts.allSatisfy { $0.count < maxBins }, "FeatureBinner: a feature has more than maxBins bins")
        self.maxBins = maxBins
        self.cuts = cuts
    }

    /// Learns the cuts of every column of `x`. `maxBins` must be in `2...255`.
    public init(fitting x: FeatureMatrix, maxBins: Int = 255) {
        precondition((2...Self.maximumBinCount).contains(maxBins), "FeatureBinner: maxBins \(maxBins) is not in 2...255")
        var allCuts: [[Double]] = []
        allCuts.reserveCapacity(x.columnCount)
        var column: [Double] = []
        column.reserveCapacity(x.rowCount)
        for c in 0..<x.columnCount {
            column.removeAll(keepingCapacity: true)
            for r in 0..<x.rowCount {
                let v = x.values[r * x.columnCount + c]
                if !v.isNaN { column.append(v + 0) }  // +0 folds -0.0 into 0.0
            }
            column.sort()
            allCuts.append(Self.cuts(sortedValues: column, maxBins: maxBins))
        }
        self.init(maxBins: maxBins, cuts: allCuts)
    }

    /// Number of real bins of each feature (missing not included).
    public var binCounts: [Int] { cuts.map { $0.count + 1 } }

    /// The bin of `value` for feature `feature`: the number of cuts `<= value`, or
    /// ``BinnedMatrix/missingBin`` for NaN.
    public func bin(_ value: Double, feature: Int) -> UInt8 {
        if value.isNaN { return BinnedMatrix.missingBin }
        let featureCuts = cuts[feature]
        // First cut greater than value, by binary search.
        var low = 0
        var high = featureCuts.count
        while low < high {
            let mid = (low + high) / 2
            if featureCuts[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return UInt8(low)
    }

    /// Bins every value of `x`, which must have the column count the binner was fitted on.
    public func bin(_ x: FeatureMatrix) -> BinnedMatrix {
        precondition(x.columnCount == cuts.count, "FeatureBinner: matrix has \(x.columnCount) columns, binner was fitted on \(cuts.count)")
        let n = x.rowCount
        let d = x.columnCount
        var bins = [UInt8](repeating: 0, count: n * d)
        bins.withUnsafeMutableBufferPointer { out in
            for c in 0..<d {
                for r in 0..<n {
                    out[c * n + r] = bin(x.values[r * d + c], feature: c)
                }
            }
        }
        return BinnedMatrix(rowCount: n, columnCount: d, bins: bins, binCounts: binCounts)
    }

    /// The cuts for one feature from its sorted non-missing values.
    static func cuts(sortedValues values: [Double], maxBins: Int) -> [Double] {
        guard !values.isEmpty else { return [] }
        var distinct: [Double] = []
        var counts: [Int] = []
        for v in values {
            if let last = distinct.last, last == v {
                counts[counts.count - 1] += 1
            } else {
                distinct.append(v)
                counts.append(1)
            }
        }
        if distinct.count <= maxBins {
            return (1..<distinct.count).map { cut(between: distinct[$0 - 1], and: distinct[$0]) }
        }
        var result: [Double] = []
        let total = Double(values.count)
        var cumulative = 0
        var nextQuantile = 1
        for i in 0..<(distinct.count - 1) where result.count < maxBins - 1 {
            cumulative += counts[i]
            // A cut after value i when the running count has reached the next quantile boundary;
            // skip boundaries a heavy value already passed, so it does not leave empty bins.
            let boundary = total * Double(nextQuantile) / Double(maxBins)
            if Double(cumulative) >= boundary {
                result.append(cut(between: distinct[i], and: distinct[i + 1]))
                while Double(cumulative) >= total * Double(nextQuantile) / Double(maxBins) { nextQuantile += 1 }
            }
        }
        return result
    }

    /// A cut `t` with `a < t <= b`, so `a` lands left of it and `b` right: the midpoint, or `b`
    /// itself when `a` and `b` are adjacent doubles and the midpoint rounds down to `a`.
    static func cut(between a: Double, and b: Double) -> Double {
        let mid = a + (b - a) / 2
        if mid > a, mid <= b, mid.isFinite { return mid }
        return b
    }
}
