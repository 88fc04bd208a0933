/// Grows a tree level by level to `maxDepth`, as XGBoost's `grow_policy=depthwise` with
/// `tree_method=hist`, using XGBoost's second-order split gain:
///
///     gain = ½ [T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G_L+G_R)²/(H_L+H_R+λ)] − γ
///     leaf weight w = −T(G)/(H+λ),   T(G) = sign(G)·max(|G| − α, 0)   (XGBoost's ThresholdL1)
///
/// A split needs both children to have hessian sum ≥ `minChildWeight` and a gain above 1e-6
/// (XGBoost's `kRtEps`). Each node tries every feature and bin boundary twice, once with the
/// node's missing values on the right and once on the left, and keeps the better (ties: missing
/// right, lower feature, lower bin), so the default direction is learned.
///
/// Differences from XGBoost to know when comparing models: XGBoost's code computes the bracket
/// without the ½ and applies γ (`min_split_loss`) afterwards by pruning splits whose bracket is
/// below γ, bottom up; here γ is subtracted from the ½-scaled gain before splitting, so γ here
/// matches XGBoost's `min_split_loss = 2γ`, and a weak split is never kept for the sake of a
/// strong split below it. With γ = 0 the trees agree.
///
/// Histograms are built for the smaller child only; the larger child's is the parent's minus it.
/// Deterministic: fixed loop orders and tie-breaking.
public struct DepthwiseTreeLearner: TreeLearner {
    public var maxDepth: Int
    public var minChildWeight: Double
    public var lambda: Double
    public var alpha: Double
    public var gamma: Double
    /// Multiplies every leaf weight, so the tree's leaf values are what boosting adds.
    public var learningRate: Double

    /// Smallest gain that justifies a split (XGBoost's `kRtEps`), so float noise never splits a node.
    static let minimumGain = 1e-6

    public init(
        maxDepth: Int = 6, minChildWeight: Double = 1, lambda: Double = 1, alpha: Double = 0,
        gamma: Double = 0, learningRate: Double = 0.3
    ) {
        self.maxDepth = maxDepth
        self.minChildWeight = minChildWeight
        self.lambda = lambda
        self.alpha = alpha
        self.gamma = gamma
        self.learningRate = learningRate
    }

    /// A node of the level being split: its rows are `rows[begin..<end]`.
    private struct OpenNode {
        var node: Int
        var begin: Int
        var end: Int
        var gradient: Double
        var hessian: Double
        var histogram: GradientHistogram
    }

    public func grow(
        _ binned: BinnedMatrix, binner: FeatureBinner, gradients: [Double], hessians: [Double]
    ) -> (tree: RegressionTree, leafOfRow: [Int]) {
        precondition(gradients.count == binned.rowCount && hessians.count == binned.rowCount, "one gradient and hessian per row")
        let n = binned.rowCount
        var rows = Array(0..<n)
        var scratch = [Int](repeating: 0, count: n)
        var tree = RegressionTree()

        var rootGradient = 0.0
        var rootHessian = 0.0
        for i in 0..<n {
            rootGradient += gradients[i]
            rootHessian += hessians[i]
        }
        var rootHistogram = GradientHistogram(binCounts: binned.binCounts)
        rows.withUnsafeBufferPointer { rootHistogram.add(rows: $0, binned: binned, gradients: gradients, hessians: hessians) }
        let root = tree.appendNode(sumHessian: rootHessian)
        var level = [
            OpenNode(node: root, begin: 0, end: n, gradient: rootGradient, hessian: rootHessian, histogram: rootHistogram)
        ]
        var leafRanges: [(node: Int, begin: Int, end: Int)] = []

        for _ in 0..<maxDepth where !level.isEmpty {
            var next: [OpenNode] = []
            for open in level {
                guard let split = bestSplit(open) else {
                    tree.leafValue[open.node] = leafWeight(open.gradient, open.hessian)
                    leafRanges.append((open.node, open.begin, open.end))
                    continue
                }
                let middle = partition(
                    &rows, &scratch, open.begin..<open.end, binned: binned, feature: split.feature, bin: split.bin,
                    defaultLeft: split.defaultLeft)
                let leftNode = tree.appendNode(sumHessian: split.leftHessian)
                let rightNode = tree.appendNode(sumHessian: split.rightHessian)
                tree.setSplit(
                    open.node, feature: split.feature, bin: split.bin, threshold: binner.cuts[split.feature][split.bin],
                    defaultLeft: split.defaultLeft, gain: split.gain, left: leftNode, right: rightNode)

                let leftIsSmaller = middle - open.begin <= open.end - middle
                let smallRange = leftIsSmaller ? open.begin..<middle : middle..<open.end
                var small = GradientHistogram(binCounts: binned.binCounts)
                rows.withUnsafeBufferPointer { all in
                    small.add(
                        rows: UnsafeBufferPointer(rebasing: all[smallRange]), binned: binned, gradients: gradients,
                        hessians: hessians)
                }
                let large = open.histogram.subtracting(small)
                next.append(
                    OpenNode(
                        node: leftNode, begin: open.begin, end: middle, gradient: split.leftGradient,
                        hessian: split.leftHessian, histogram: leftIsSmaller ? small : large))
                next.append(
                    OpenNode(
                        node: rightNode, begin: middle, end: open.end, gradient: split.rightGradient,
                        hessian: split.rightHessian, histogram: leftIsSmaller ? large : small))
            }
            level = next
        }
        for open in level {
            tree.leafValue[open.node] = leafWeight(open.gradient, open.hessian)
            leafRanges.append((open.node, open.begin, open.end))
        }

        var leafOfRow = [Int](repeating: 0, count: n)
        for range in leafRanges {
            for i in range.begin..<range.end { leafOfRow[rows[i]] = range.node }
        }
        return (tree, leafOfRow)
    }

    /// `ThresholdL1`: the gradient sum shrunk towards 0 by `alpha`.
    func thresholdL1(_ g: Double) -> Double {
        if g > alpha { return g - alpha }
        if g < -alpha { return g + alpha }
        return 0
    }

    /// `T(G)² / (H + λ)`: twice the loss reduction of giving these rows their optimal weight.
    func score(_ g: Double, _ h: Double) -> Double {
        let t = thresholdL1(g)
        return t * t / (h + lambda)
    }

    /// The leaf output with the learning rate applied.
    func leafWeight(_ g: Double, _ h: Double) -> Double {
        let denominator = h + lambda
        guard denominator > 0 else { return 0 }
        return -thresholdL1(g) / denominator * learningRate
    }

    /// The split gain of the formula in the type's documentation.
    func splitGain(_ gl: Double, _ hl: Double, _ gr: Double, _ hr: Double, parentScore: Double) -> Double {
        0.5 * (score(gl, hl) + score(gr, hr) - parentScore) - gamma
    }

    private func bestSplit(_ open: OpenNode) -> SplitCandidate? {
        let parentScore = score(open.gradient, open.hessian)
        let g = open.gradient
        let h = open.hessian
        var best: SplitCandidate?
        var bestGain = Self.minimumGain
        let histogram = open.histogram
        histogram.sums.withUnsafeBufferPointer { sums in
            for f in 0..<histogram.binCounts.count {
                let base = histogram.offsets[f]
                let missing = 2 * histogram.missingSlot(f)
                let gm = sums[missing]
                let hm = sums[missing + 1]
                var gl = 0.0
                var hl = 0.0
                // The last bin has no cut above it, so boundaries run over all bins but the last.
                for b in 0..<(histogram.binCounts[f] - 1) {
                    gl += sums[2 * (base + b)]
                    hl += sums[2 * (base + b) + 1]
                    for side in 0..<2 {
                        let missingLeft = side == 1
                        let leftG = missingLeft ? gl + gm : gl
                        let leftH = missingLeft ? hl + hm : hl
                        let rightG = g - leftG
                        let rightH = h - leftH
                        guard leftH >= minChildWeight, rightH >= minChildWeight, leftH > 0, rightH > 0 else { continue }
                        let gain = splitGain(leftG, leftH, rightG, rightH, parentScore: parentScore)
                        if gain > bestGain {
                            bestGain = gain
                            best = SplitCandidate(
                                gain: gain, feature: f, bin: b, defaultLeft: missingLeft, leftGradient: leftG,
                                leftHessian: leftH, rightGradient: rightG, rightHessian: rightH)
                        }
                    }
                }
            }
        }
        return best
    }

    /// Stable in-place partition of `rows[range]`: rows going left first. Returns the first right row.
    private func partition(
        _ rows: inout [Int], _ scratch: inout [Int], _ range: Range<Int>, binned: BinnedMatrix, feature: Int, bin: Int,
        defaultLeft: Bool
    ) -> Int {
        let column = feature * binned.rowCount
        var write = range.lowerBound
        var rightCount = 0
        binned.bins.withUnsafeBufferPointer { bins in
            for i in range {
                let row = rows[i]
                let b = bins[column + row]
                let goLeft = b == BinnedMatrix.missingBin ? defaultLeft : Int(b) <= bin
                if goLeft {
                    rows[write] = row
                    write += 1
                } else {
                    scratch[rightCount] = row
                    rightCount += 1
                }
            }
        }
        for i in 0..<rightCount { rows[write + i] = scratch[i] }
        return write
    }
}
