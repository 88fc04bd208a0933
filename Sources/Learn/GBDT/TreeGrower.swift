/// The state of one tree being grown, shared by the growth policies: the node rows (a permutation
/// of the tree's rows, each node a contiguous range), the tree so far, and the operations "open the
/// root", "split open nodes", "close a node as a leaf". A policy only decides the order.
///
/// Each open node carries its histogram and best split. Histograms are built for the smaller child
/// only; the larger child's is the parent's minus it. Deterministic: fixed loop orders and
/// tie-breaking, and histograms that do not depend on the thread count.
struct TreeGrower {
    /// A node that may still be split: its rows are `rows[begin..<end]`.
    struct OpenNode {
        var node: Int
        var depth: Int
        var begin: Int
        var end: Int
        var gradient: Double
        var hessian: Double
        var histogram: GradientHistogram
        /// The best split, when one gains enough and the policy allowed looking for it.
        var split: SplitCandidate?
    }

    let input: TreeGrowthInput
    let rule: SplitRule
    private(set) var tree = RegressionTree()
    private var rows: [Int]
    private var scratch: [Int]
    private var leafRanges: [(node: Int, begin: Int, end: Int)] = []

    init(_ input: TreeGrowthInput, rule: SplitRule) {
        self.input = input
        self.rule = rule
        self.rows = input.rows
        self.scratch = [Int](repeating: 0, count: input.rows.count)
    }

    /// The root over all the tree's rows, with its split searched when `searchSplit`.
    mutating func openRoot(searchSplit: Bool) -> OpenNode {
        var g = 0.0
        var h = 0.0
        input.gradientPairs.withUnsafeBufferPointer { pairs in
            for row in rows {
                g += pairs[row].x
                h += pairs[row].y
            }
        }
        let histogram = buildHistogram(0..<rows.count)
        let node = tree.appendNode(sumHessian: h)
        var open = OpenNode(node: node, depth: 0, begin: 0, end: rows.count, gradient: g, hessian: h, histogram: histogram)
        if searchSplit { open.split = bestSplit(open) }
        return open
    }

    /// Makes `open` a leaf with its optimal weight.
    mutating func close(_ open: OpenNode) {
        tree.leafValue[open.node] = rule.leafWeight(open.gradient, open.hessian)
        leafRanges.append((open.node, open.begin, open.end))
    }

    /// The tree and each row's leaf (-1 for rows outside the tree's rows). Every open node must be closed.
    func finish() -> (tree: RegressionTree, leafOfRow: [Int]) {
        var leafOfRow = [Int](repeating: -1, count: input.binned.rowCount)
        for range in leafRanges {
            for i in range.begin..<range.end { leafOfRow[rows[i]] = range.node }
        }
        return (tree, leafOfRow)
    }

    private func bestSplit(_ open: OpenNode) -> SplitCandidate? {
        rule.bestSplit(
            open.histogram, gradient: open.gradient, hessian: open.hessian, features: input.features, binner: input.binner)
    }

    private func buildHistogram(_ range: Range<Int>) -> GradientHistogram {
        rows.withUnsafeBufferPointer { all in
            input.gradientPairs.withUnsafeBufferPointer { pairs in
                GradientHistogram(
                    rows: UnsafeBufferPointer(rebasing: all[range]), binned: input.binned, gradientPairs: pairs,
                    threads: input.threads)
            }
        }
    }

    /// Stable in-place partition of `rows[range]`: rows going left first, each side keeping row
    /// order (so histogram builds read rows in ascending order). Returns the first right row.
    /// Uses `scratch[range]` only, so disjoint ranges can be partitioned at the same time.
    static func partition(
        _ rows: UnsafeMutablePointer<Int>, _ scratch: UnsafeMutablePointer<Int>, _ range: Range<Int>, _ split: SplitCandidate,
        _ binned: BinnedMatrix
    ) -> Int {
        let feature = split.feature
        let missing = binned.binCounts[feature]
        // goesLeft[b] for every bin b of the feature, missing included.
        var goesLeft = [Bool](repeating: false, count: 256)
        for b in 0..<missing {
            goesLeft[b] = split.isCategorical ? !split.rightCategories.contains(b) : b <= split.bin
        }
        goesLeft[missing] = split.defaultLeft
        var write = range.lowerBound
        var right = range.lowerBound
        binned.columnBins.withUnsafeBufferPointer { bins in
            let column = bins.baseAddress! + feature &* binned.rowCount
            goesLeft.withUnsafeBufferPointer { goesLeft in
                for i in range {
                    let row = rows[i]
                    if goesLeft[Int(column[row])] {
                        rows[write] = row
                        write &+= 1
                    } else {
                        scratch[right] = row
                        right &+= 1
                    }
                }
            }
        }
        (rows + write).update(from: scratch + range.lowerBound, count: right - range.lowerBound)
        return write
    }

    /// Splits every node of `level` that has a split, all at once: partitions, histograms and
    /// split searches of different nodes run in parallel; each node's result does not depend on
    /// the others', so splitting nodes together or one at a time gives the same tree. Nodes
    /// without a split are closed.
    /// Returns the children, left before right, in the order of their parents.
    mutating func splitLevel(_ level: [OpenNode], searchSplit: Bool) -> [OpenNode] {
        let splitting = level.filter { $0.split != nil }
        for open in level where open.split == nil { close(open) }
        guard !splitting.isEmpty else { return [] }
        let threads = input.threads
        let count = splitting.count
        var children: [(left: Int, right: Int)] = []
        for open in splitting {
            let split = open.split!
            let left = tree.appendNode(sumHessian: split.leftHessian)
            let right = tree.appendNode(sumHessian: split.rightHessian)
            let threshold = split.isCategorical ? 0 : input.binner.cuts[split.feature][split.bin]
            tree.setSplit(
                open.node, feature: split.feature, bin: split.bin, threshold: threshold, rightCategories: split.rightCategories,
                defaultLeft: split.defaultLeft, gain: split.gain, left: left, right: right)
            children.append((left, right))
        }
        var middles = [Int](repeating: 0, count: count)
        var smalls = [GradientHistogram?](repeating: nil, count: count)
        let binned = input.binned
        let pairs = input.gradientPairs
        rows.withUnsafeMutableBufferPointer { rows in
            scratch.withUnsafeMutableBufferPointer { scratch in
                middles.withUnsafeMutableBufferPointer { middles in
                    smalls.withUnsafeMutableBufferPointer { smalls in
                        let rows = SharedBuffer(rows)
                        let scratch = SharedBuffer(scratch)
                        let middles = SharedBuffer(middles)
                        let smalls = SharedBuffer(smalls)
                        // With fewer nodes than threads, each histogram is split by features instead.
                        let perNode = count >= threads ? 1 : threads
                        let work: @Sendable (Int) -> Void = { i in
                            let open = splitting[i]
                            let middle = Self.partition(rows.base, scratch.base, open.begin..<open.end, open.split!, binned)
                            middles[i] = middle
                            let leftIsSmaller = middle - open.begin <= open.end - middle
                            let range = leftIsSmaller ? open.begin..<middle : middle..<open.end
                            smalls[i] = pairs.withUnsafeBufferPointer { pairs in
                                GradientHistogram(
                                    rows: UnsafeBufferPointer(start: rows.base + range.lowerBound, count: range.count), binned: binned,
                                    gradientPairs: pairs, threads: perNode)
                            }
                        }
                        if perNode == 1 {
                            Parallel.forEach(chunks: count, threads: threads, work)
                        } else {
                            for i in 0..<count { work(i) }
                        }
                    }
                }
            }
        }
        var next: [OpenNode] = []
        next.reserveCapacity(2 * count)
        for i in 0..<count {
            let open = splitting[i]
            let split = open.split!
            let middle = middles[i]
            let leftIsSmaller = middle - open.begin <= open.end - middle
            let small = smalls[i]!
            let large = open.histogram.subtracting(small)
            next.append(
                OpenNode(
                    node: children[i].left, depth: open.depth + 1, begin: open.begin, end: middle, gradient: split.leftGradient,
                    hessian: split.leftHessian, histogram: leftIsSmaller ? small : large))
            next.append(
                OpenNode(
                    node: children[i].right, depth: open.depth + 1, begin: middle, end: open.end, gradient: split.rightGradient,
                    hessian: split.rightHessian, histogram: leftIsSmaller ? large : small))
        }
        if searchSplit {
            var found = [SplitCandidate?](repeating: nil, count: next.count)
            let rule = self.rule
            let features = input.features
            let binner = input.binner
            let nodes = next
            found.withUnsafeMutableBufferPointer { found in
                let found = SharedBuffer(found)
                Parallel.forEach(chunks: nodes.count, threads: threads) { i in
                    found[i] = rule.bestSplit(
                        nodes[i].histogram, gradient: nodes[i].gradient, hessian: nodes[i].hessian, features: features, binner: binner)
                }
            }
            for i in next.indices { next[i].split = found[i] }
        }
        return next
    }
}
