/// The state of one tree being grown, shared by the growth policies: the node rows (a permutation
/// of the tree's rows, each node a contiguous range), the tree so far, and the operations "open the
/// root", "split an open node", "close a node as a leaf". A policy only decides the order.
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
                g += pairs[2 * row]
                h += pairs[2 * row + 1]
            }
        }
        let histogram = buildHistogram(0..<rows.count)
        let node = tree.appendNode(sumHessian: h)
        var open = OpenNode(node: node, depth: 0, begin: 0, end: rows.count, gradient: g, hessian: h, histogram: histogram)
        if searchSplit { open.split = bestSplit(open) }
        return open
    }

    /// Splits `open` by its split (which must be set) and returns the two children, their splits
    /// searched when `searchSplit`.
    mutating func split(_ open: OpenNode, searchSplit: Bool) -> (left: OpenNode, right: OpenNode) {
        let split = open.split!
        let middle = partition(open.begin..<open.end, split)
        let leftNode = tree.appendNode(sumHessian: split.leftHessian)
        let rightNode = tree.appendNode(sumHessian: split.rightHessian)
        let threshold = split.isCategorical ? 0 : input.binner.cuts[split.feature][split.bin]
        tree.setSplit(
            open.node, feature: split.feature, bin: split.bin, threshold: threshold, rightCategories: split.rightCategories,
            defaultLeft: split.defaultLeft, gain: split.gain, left: leftNode, right: rightNode)

        let leftIsSmaller = middle - open.begin <= open.end - middle
        let small = buildHistogram(leftIsSmaller ? open.begin..<middle : middle..<open.end)
        let large = open.histogram.subtracting(small)
        var left = OpenNode(
            node: leftNode, depth: open.depth + 1, begin: open.begin, end: middle, gradient: split.leftGradient,
            hessian: split.leftHessian, histogram: leftIsSmaller ? small : large)
        var right = OpenNode(
            node: rightNode, depth: open.depth + 1, begin: middle, end: open.end, gradient: split.rightGradient,
            hessian: split.rightHessian, histogram: leftIsSmaller ? large : small)
        if searchSplit {
            left.split = bestSplit(left)
            right.split = bestSplit(right)
        }
        return (left, right)
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
    private mutating func partition(_ range: Range<Int>, _ split: SplitCandidate) -> Int {
        let d = input.binned.columnCount
        let feature = split.feature
        let missing = UInt8(input.binned.binCounts[feature])
        // goesLeft[b] for every bin b of the feature, missing included.
        var goesLeft = [Bool](repeating: false, count: 256)
        for b in 0..<Int(missing) {
            goesLeft[b] = split.isCategorical ? !split.rightCategories.contains(b) : b <= split.bin
        }
        goesLeft[Int(missing)] = split.defaultLeft
        var write = range.lowerBound
        var rightCount = 0
        input.binned.bins.withUnsafeBufferPointer { bins in
            goesLeft.withUnsafeBufferPointer { goesLeft in
                for i in range {
                    let row = rows[i]
                    if goesLeft[Int(bins[row * d + feature])] {
                        rows[write] = row
                        write += 1
                    } else {
                        scratch[rightCount] = row
                        rightCount += 1
                    }
                }
            }
        }
        for i in 0..<rightCount { rows[write + i] = scratch[i] }
        return write
    }
}
