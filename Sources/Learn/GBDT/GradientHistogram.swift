/// Sums of gradients and hessians per feature per bin for the rows of one tree node: what split
/// search reads instead of the rows. Feature f owns slots `offsets[f] ..< offsets[f] + binCounts[f]
/// + 1`, the last of them for missing values (bin `binCounts[f]` of a ``BinnedMatrix``); each slot is
/// a (G, H) pair, interleaved.
///
/// Built row-wise (each row's bins are contiguous) in blocks of ``blockRows`` rows: block 0 adds into
/// the result, every other block into its own partial histogram, and partials are added in block
/// order. Block boundaries depend only on the rows, so sums are bit-identical for any thread count.
struct GradientHistogram: Sendable {
    /// Rows per block: large enough that a partial histogram (~115 KB for 28 features of 255 bins)
    /// is cheap next to the rows it sums, small enough to spread a node over two or more cores.
    static let blockRows = 32_768

    let offsets: [Int]
    let binCounts: [Int]
    var sums: [Double]

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
        self.sums = [Double](repeating: 0, count: 2 * slot)
    }

    /// The histogram of `rows` of `binned`; `gradientPairs[2r]`, `gradientPairs[2r + 1]` are row r's
    /// gradient and hessian.
    init(rows: UnsafeBufferPointer<Int>, binned: BinnedMatrix, gradientPairs: UnsafeBufferPointer<Double>, threads: Int) {
        self.init(binCounts: binned.binCounts)
        let blocks = (rows.count + Self.blockRows - 1) / Self.blockRows
        guard blocks > 0 else { return }
        let width = sums.count
        let slotOffsets = offsets.map { 2 * $0 }
        var partials = [Double](repeating: 0, count: (blocks - 1) * width)
        binned.bins.withUnsafeBufferPointer { bins in
            slotOffsets.withUnsafeBufferPointer { slotOffsets in
                sums.withUnsafeMutableBufferPointer { sums in
                    partials.withUnsafeMutableBufferPointer { partials in
                        let rows = SharedBuffer(rows)
                        let bins = SharedBuffer(bins)
                        let pairs = SharedBuffer(gradientPairs)
                        let offsets = SharedBuffer(slotOffsets)
                        let result = SharedBuffer(sums)
                        let partial = SharedBuffer(partials)
                        let d = binned.columnCount
                        let total = rows.count
                        Parallel.forEach(chunks: blocks, threads: threads) { block in
                            let out = block == 0 ? result.base : partial.base + (block - 1) * width
                            let end = min(total, (block + 1) * Self.blockRows)
                            Self.accumulate(
                                rows: rows.base, range: (block * Self.blockRows)..<end, bins: bins.base, columns: d,
                                slotOffsets: offsets.base, pairs: pairs.base, into: out)
                        }
                        if blocks > 1 {
                            // Reduce in block order, parallel over slot ranges.
                            let chunkWidth = 4096
                            let chunks = (width + chunkWidth - 1) / chunkWidth
                            Parallel.forEach(chunks: chunks, threads: threads) { chunk in
                                let slots = (chunk * chunkWidth)..<min(width, (chunk + 1) * chunkWidth)
                                for block in 0..<(blocks - 1) {
                                    let source = partial.base + block * width
                                    for s in slots { result.base[s] += source[s] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The histogram of `rows`, from separate gradient and hessian arrays indexed by row.
    init(rows: [Int], binned: BinnedMatrix, gradients: [Double], hessians: [Double], threads: Int = 1) {
        var pairs = [Double](repeating: 0, count: 2 * gradients.count)
        for i in gradients.indices {
            pairs[2 * i] = gradients[i]
            pairs[2 * i + 1] = hessians[i]
        }
        self = rows.withUnsafeBufferPointer { rows in
            pairs.withUnsafeBufferPointer { pairs in
                GradientHistogram(rows: rows, binned: binned, gradientPairs: pairs, threads: threads)
            }
        }
    }

    private static func accumulate(
        rows: UnsafePointer<Int>, range: Range<Int>, bins: UnsafePointer<UInt8>, columns d: Int,
        slotOffsets: UnsafePointer<Int>, pairs: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>
    ) {
        for i in range {
            let row = rows[i]
            let g = pairs[2 * row]
            let h = pairs[2 * row + 1]
            let rowBins = bins + row * d
            for f in 0..<d {
                let slot = slotOffsets[f] + 2 * Int(rowBins[f])
                out[slot] += g
                out[slot + 1] += h
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
