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
        // The node's gradient pairs in row order, gathered in a tight loop first: its loads are
        // independent, so the processor keeps many cache misses in flight, where the histogram
        // loop (a long body per row) would wait on them one row at a time.
        var gathered = [SIMD2<Double>](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
            for i in 0..<rows.count { buffer[i] = pairs[rows[i]] }
            initialized = rows.count
        }
        gathered.withUnsafeMutableBufferPointer { gathered in
            binned.bins.withUnsafeBufferPointer { bins in
                offsets.withUnsafeBufferPointer { offsets in
                    sums.withUnsafeMutableBufferPointer { sums in
                        let rows = SharedBuffer(rows)
                        let bins = SharedBuffer(bins)
                        let pairs = SharedBuffer(gathered)
                        let offsets = SharedBuffer(offsets)
                        let out = SharedBuffer(sums)
                        Parallel.forEach(chunks: groups, threads: groups) { group in
                            Self.accumulate(
                                rows: rows.base, count: rows.count, bins: bins.base, columns: d,
                                features: (group * d / groups)..<((group + 1) * d / groups), offsets: offsets.base,
                                pairs: pairs.base, into: out.base)
                        }
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

    private static func accumulate(
        rows: UnsafeMutablePointer<Int>, count: Int, bins: UnsafeMutablePointer<UInt8>, columns d: Int,
        features: Range<Int>, offsets: UnsafeMutablePointer<Int>, pairs gathered: UnsafeMutablePointer<SIMD2<Double>>,
        into out: UnsafeMutablePointer<SIMD2<Double>>
    ) {
        let first = features.lowerBound
        let last = features.upperBound
        for i in 0..<count {
            let pair = gathered[i]
            let rowBins = bins + rows[i] &* d
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
