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
/// - NaN is missing and goes to the feature's ``BinnedMatrix/missingBin(_:)``, never a real bin;
///   missing values do not count towards the quantiles.
/// - A categorical feature holds category codes `0, 1, 2, ...` (as doubles); each code is its own
///   bin and the feature has no cuts. At most 255 categories. Values should be finite (``GradientBoosting`` rejects
///   infinities): a cut next to an infinity would be infinite, which JSON cannot encode.
///
/// Deterministic: the cuts depend only on the multiset of values.
public struct FeatureBinner: Sendable, Codable, Equatable {
    /// Upper bound for `maxBins`, since bin indices are `UInt8` and 255 is reserved for missing.
    public static let maximumBinCount = 255

    public let maxBins: Int
    /// Per feature, the ascending cuts between its bins; numeric feature c has `cuts[c].count + 1`
    /// bins. Empty for categorical features.
    public let cuts: [[Double]]
    /// Per feature, the number of categories (codes `0..<count`), or 0 for a numeric feature.
    public let categoryCounts: [Int]

    public init(maxBins: Int, cuts: [[Double]], categoryCounts: [Int]? = nil) {
        precondition((2...Self.maximumBinCount).contains(maxBins), "FeatureBinner: maxBins \(maxBins) is not in 2...255")
        precondition(cuts.allSatisfy { $0.count < maxBins }, "FeatureBinner: a feature has more than maxBins bins")
        let counts = categoryCounts ?? [Int](repeating: 0, count: cuts.count)
        precondition(counts.count == cuts.count, "FeatureBinner: one category count per feature")
        precondition(counts.allSatisfy { (0...Self.maximumBinCount).contains($0) }, "FeatureBinner: at most 255 categories")
        self.maxBins = maxBins
        self.cuts = cuts
        self.categoryCounts = counts
    }

    /// Learns the cuts of every column of `x`. `maxBins` must be in `2...255`. Columns with
    /// `categoryCounts[c] > 0` are categorical and hold codes `0..<categoryCounts[c]` (or NaN); the
    /// caller checks that. An empty `categoryCounts` means all numeric.
    public init(fitting x: FeatureMatrix, maxBins: Int = 255, categoryCounts: [Int] = [], threads: Int = 0) {
        precondition((2...Self.maximumBinCount).contains(maxBins), "FeatureBinner: maxBins \(maxBins) is not in 2...255")
        let counts = categoryCounts.isEmpty ? [Int](repeating: 0, count: x.columnCount) : categoryCounts
        // Columns are independent: sorted and cut in parallel, each on its own.
        var allCuts = [[Double]](repeating: [], count: x.columnCount)
        let d = x.columnCount
        let n = x.rowCount
        x.values.withUnsafeBufferPointer { values in
            allCuts.withUnsafeMutableBufferPointer { out in
                let values = SharedBuffer(values)
                let out = SharedBuffer(out)
                Parallel.forEach(chunks: d, threads: Parallel.threads(threads)) { c in
                    guard counts[c] == 0 else { return }
                    var column: [Double] = []
                    column.reserveCapacity(n)
                    for r in 0..<n {
                        let v = values[r * d + c]
                        if !v.isNaN { column.append(v + 0) }  // +0 folds -0.0 into 0.0
                    }
                    Self.radixSort(&column)
                    out[c] = Self.cuts(sortedValues: column, maxBins: maxBins)
                }
            }
        }
        self.init(maxBins: maxBins, cuts: allCuts, categoryCounts: counts)
    }

    /// Number of real bins of each feature (missing not included).
    public var binCounts: [Int] {
        zip(cuts, categoryCounts).map { cuts, categories in categories > 0 ? categories : cuts.count + 1 }
    }

    public func isCategorical(_ feature: Int) -> Bool { categoryCounts[feature] > 0 }

    /// The bin of `value` for feature `feature`: the number of cuts `<= value` (a numeric feature),
    /// the code itself (a categorical one), or the feature's missing bin for NaN and for codes the
    /// binner never saw.
    public func bin(_ value: Double, feature: Int) -> UInt8 {
        let categories = categoryCounts[feature]
        if categories > 0 {
            guard value >= 0, value < Double(categories) else { return UInt8(categories) }
            return UInt8(Int(value))
        }
        let featureCuts = cuts[feature]
        if value.isNaN { return UInt8(featureCuts.count + 1) }
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
    /// `threads` 0 uses every core.
    public func bin(_ x: FeatureMatrix, threads: Int = 0) -> BinnedMatrix {
        precondition(x.columnCount == cuts.count, "FeatureBinner: matrix has \(x.columnCount) columns, binner was fitted on \(cuts.count)")
        let n = x.rowCount
        let d = x.columnCount
        var bins = [UInt8](repeating: 0, count: n * d)
        bins.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { values in
                let out = SharedBuffer(out)
                let values = SharedBuffer(values)
                let chunkRows = 16_384
                Parallel.forEach(chunks: (n + chunkRows - 1) / chunkRows, threads: Parallel.threads(threads)) { chunk in
                    for r in (chunk * chunkRows)..<min(n, (chunk + 1) * chunkRows) {
                        for c in 0..<d { out[r * d + c] = bin(values[r * d + c], feature: c) }
                    }
                }
            }
        }
        return BinnedMatrix(rowCount: n, columnCount: d, bins: bins, binCounts: binCounts)
    }

    /// Sorts finite doubles (no NaN) ascending, by an LSD radix sort on their bit patterns mapped
    /// to order-preserving unsigned keys: linear time, several times faster than a comparison sort
    /// on the long columns binning sorts. -0.0 must already be folded into 0.0.
    static func radixSort(_ values: inout [Double]) {
        let n = values.count
        guard n > 64 else {
            values.sort()
            return
        }
        var keys = values.map { v -> UInt64 in
            let bits = v.bitPattern
            return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        }
        var other = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: 0, to: 64, by: 8) {
            let shift = UInt64(shift)
            for i in 0..<256 { counts[i] = 0 }
            for key in keys { counts[Int((key >> shift) & 0xFF)] += 1 }
            // A digit that every key shares changes nothing: skip the pass.
            if counts.contains(n) { continue }
            var total = 0
            for i in 0..<256 {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            keys.withUnsafeBufferPointer { source in
                other.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for key in source {
                            let digit = Int((key >> shift) & 0xFF)
                            target[counts[digit]] = key
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &other)
        }
        for i in 0..<n {
            let key = keys[i]
            values[i] = Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
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
