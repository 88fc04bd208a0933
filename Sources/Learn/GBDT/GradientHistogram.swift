/// Sums of gradients and hessians per feature per bin for the rows of one tree node: what split
/// search reads instead of the rows. Feature f owns slots `offsets[f] ..< offsets[f] + binCounts[f]
/// + 1`, the last of them for missing values (bin `binCounts[f]` of a ``BinnedMatrix``); each slot
/// is a (G, H) pair.
///
/// Built row-wise (each row's bins are contiguous). With several threads, each takes a contiguous
/// range of features and walks all the node's rows for them: every slot still sums its rows in row
/// order, so the sums are bit-identical for any thread count, with no partial histograms to merge.
struct GradientHistogram: Sendable {
    /// Below this many row-features a node's histogram is built on one thread: waking another
    /// costs more than it saves.
    static let parallelWork = 32_768

    let offsets: [Int]
    let binCounts: [Int]
    /// `.x` the gradient sum, `.y` the hessian sum of each slot.
    var sums: [SIMD2<Double>]

    /// An all-zero histogram for features with these bin counts.
    init(binCounts: [Int]) {
        var offsets: [Int] = []
        offsets.reserveCapacity(binCounts.count)
        var slot = 0
        for count in binCounts {
            offsets.append(slot)
            slot += count + 1
        }
        self.offsets = offsets
        self.binCounts = binCounts
        self.sums = [SIMD2<Double>](repeating: .zero, count: slot)
    }

    /// The histogram of `rows` of `binned`; `pairs[r]` is row r's (gradient, hessian).
    init(rows: UnsafeBufferPointer<Int>, binned: BinnedMatrix, gradientPairs pairs: UnsafeBufferPointer<SIMD2<Double>>, threads: Int) {
        self.init(binCounts: binned.binCounts)
        let d = binned.columnCount
        let groups = rows.count * d < Self.parallelWork ? 1 : max(1, min(threads, d))
        // A node's rows are scattered over the matrix. Its gradient pairs and bin rows are first
        // gathered into contiguous buffers by tight loops whose loads are independent, so the
        // processor keeps many cache misses in flight; the histogram loop (a long body per row)
        // would otherwise wait on them one row at a time. All rows in order need no gathering.
        let contiguous = rows.count == binned.rowCount
        let gatheredPairs: [SIMD2<Double>]
        let gatheredBins: [UInt8]
        if contiguous {
            gatheredPairs = []
            gatheredBins = []
        } else {
            gatheredPairs = [SIMD2<Double>](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
                for i in 0..<rows.count { buffer[i] = pairs[rows[i]] }
                initialized = rows.count
            }
            gatheredBins = binned.bins.withUnsafeBufferPointer { bins in
                [UInt8](unsafeUninitializedCapacity: rows.count * d) { buffer, initialized in
                    let source = bins.baseAddress!
                    let target = buffer.baseAddress!
                    // An inline byte loop: a memcpy call per 28-byte row costs more than the copy.
                    for i in 0..<rows.count {
                        let from = source + rows[i] &* d
                        let to = target + i &* d
                        for f in 0..<d { to[f] = from[f] }
                    }
                    initialized = rows.count * d
                }
            }
        }
        let offsets = self.offsets
        sums.withUnsafeMutableBufferPointer { sums in
            if contiguous {
                binned.bins.withUnsafeBufferPointer { bins in
                    Self.build(rows.count, bins, pairs, d, groups, offsets, sums)
                }
            } else {
                gatheredBins.withUnsafeBufferPointer { bins in
                    gatheredPairs.withUnsafeBufferPointer { pairs in
                        Self.build(rows.count, bins, pairs, d, groups, offsets, sums)
                    }
                }
            }
        }
    }

    /// The histogram of `rows`, from separate gradient and hessian arrays indexed by row.
    init(rows: [Int], binned: BinnedMatrix, gradients: [Double], hessians: [Double], threads: Int = 1) {
        let pairs = zip(gradients, hessians).map { SIMD2($0, $1) }
        self = rows.withUnsafeBufferPointer { rows in
            pairs.withUnsafeBufferPointer { pairs in
                GradientHistogram(rows: rows, binned: binned, gradientPairs: pairs, threads: threads)
            }
        }
    }

    /// Sums `count` contiguous rows into `sums`, features split into `groups` parallel ranges.
    private static func build(
        _ count: Int, _ bins: UnsafeBufferPointer<UInt8>, _ pairs: UnsafeBufferPointer<SIMD2<Double>>, _ d: Int, _ groups: Int,
        _ offsets: [Int], _ sums: UnsafeMutableBufferPointer<SIMD2<Double>>
    ) {
        offsets.withUnsafeBufferPointer { offsets in
            let bins = SharedBuffer(bins)
            let pairs = SharedBuffer(pairs)
            let offsets = SharedBuffer(offsets)
            let out = SharedBuffer(sums)
            Parallel.forEach(chunks: groups, threads: groups) { group in
                Self.accumulate(
                    count: count, bins: bins.base, columns: d, features: (group * d / groups)..<((group + 1) * d / groups),
                    offsets: offsets.base, pairs: pairs.base, into: out.base)
            }
        }
    }

    /// Adds `count` rows whose bins are contiguous (`bins + i * d`) and pairs `pairs[i]`.
    private static func accumulate(
        count: Int, bins: UnsafeMutablePointer<UInt8>, columns d: Int, features: Range<Int>, offsets: UnsafeMutablePointer<Int>,
        pairs: UnsafeMutablePointer<SIMD2<Double>>, into out: UnsafeMutablePointer<SIMD2<Double>>
    ) {
        let first = features.lowerBound
        let last = features.upperBound
        for i in 0..<count {
            let pair = pairs[i]
            let rowBins = bins + i &* d
            var f = first
            // Four features per step: independent slots, so the adds can overlap.
            while f &+ 4 <= last {
                let s0 = offsets[f] &+ Int(rowBins[f])
                let s1 = offsets[f &+ 1] &+ Int(rowBins[f &+ 1])
                let s2 = offsets[f &+ 2] &+ Int(rowBins[f &+ 2])
                let s3 = offsets[f &+ 3] &+ Int(rowBins[f &+ 3])
                out[s0] += pair
                out[s1] += pair
                out[s2] += pair
                out[s3] += pair
                f &+= 4
            }
            while f < last {
                out[offsets[f] &+ Int(rowBins[f])] += pair
                f &+= 1
            }
        }
    }

    /// Slot of the missing bin of `feature`.
    func missingSlot(_ feature: Int) -> Int { offsets[feature] + binCounts[feature] }

    /// `parent - child`: the sibling's histogram without touching its rows (the subtraction trick).
    func subtracting(_ child: GradientHistogram) -> GradientHistogram {
        var result = self
        result.sums.withUnsafeMutableBufferPointer { out in
            child.sums.withUnsafeBufferPointer { child in
                for i in 0..<out.count { out[i] -= child[i] }
            }
        }
        return result
    }
}
