/// Sums of gradients and hessians per feature per bin for the rows of one tree node: what split
/// search reads instead of the rows. Feature f owns slots `offsets[f] ..< offsets[f] + binCounts[f]
/// + 1`, the last of them for missing values; each slot is a (G, H) pair, interleaved.
struct GradientHistogram: Sendable {
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

    /// Slot of the missing bin of `feature`.
    func missingSlot(_ feature: Int) -> Int { offsets[feature] + binCounts[feature] }

    /// Adds the rows `rows` of `binned`. `gradients`/`hessians` are indexed by row. A plain loop over
    /// contiguous buffers, one feature at a time, so it can later be split by feature chunks.
    mutating func add(
        rows: UnsafeBufferPointer<Int>, binned: BinnedMatrix, gradients: [Double], hessians: [Double]
    ) {
        let n = binned.rowCount
        // Gather the node's gradients once so the per-feature loops read them sequentially.
        var g = [Double](repeating: 0, count: rows.count)
        var h = [Double](repeating: 0, count: rows.count)
        for i in 0..<rows.count {
            g[i] = gradients[rows[i]]
            h[i] = hessians[rows[i]]
        }
        let offsets = self.offsets
        let binCounts = self.binCounts
        binned.bins.withUnsafeBufferPointer { bins in
            g.withUnsafeBufferPointer { g in
                h.withUnsafeBufferPointer { h in
                    sums.withUnsafeMutableBufferPointer { sums in
                        for f in 0..<binned.columnCount {
                            let column = f * n
                            let base = offsets[f]
                            let missing = binCounts[f]
                            for i in 0..<rows.count {
                                // min() maps the missing marker (255) onto the feature's missing slot.
                                let slot = 2 * (base + min(Int(bins[column + rows[i]]), missing))
                                sums[slot] += g[i]
                                sums[slot + 1] += h[i]
                            }
                        }
                    }
                }
            }
        }
    }

    /// `parent - child`: the sibling's histogram without touching its rows (the subtraction trick).
    func subtracting(_ child: GradientHistogram) -> GradientHistogram {
        var result = self
        for i in result.sums.indices { result.sums[i] -= child.sums[i] }
        return result
    }
}
