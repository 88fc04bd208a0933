/// Grows a tree best-first: always splits the open leaf whose best split gains most, until the tree
/// has `maxLeaves` leaves or no leaf can gain (LightGBM's leaf-wise growth, XGBoost's
/// `grow_policy=lossguide`). `maxDepth` still caps depth when above 0. Ties go to the older node,
/// so growth is deterministic. The split rule is ``SplitRule``'s.
public struct LeafwiseTreeLearner: TreeLearner {
    public var maxLeaves: Int
    /// Depth cap; 0 means none.
    public var maxDepth: Int
    public var minChildWeight: Double
    public var lambda: Double
    public var alpha: Double
    public var gamma: Double
    public var learningRate: Double

    public init(
        maxLeaves: Int = 31, maxDepth: Int = 0, minChildWeight: Double = 1, lambda: Double = 1, alpha: Double = 0,
        gamma: Double = 0, learningRate: Double = 0.3
    ) {
        self.maxLeaves = maxLeaves
        self.maxDepth = maxDepth
        self.minChildWeight = minChildWeight
        self.lambda = lambda
        self.alpha = alpha
        self.gamma = gamma
        self.learningRate = learningRate
    }

    public func grow(_ input: TreeGrowthInput) -> (tree: RegressionTree, leafOfRow: [Int]) {
        let rule = SplitRule(
            minChildWeight: minChildWeight, lambda: lambda, alpha: alpha, gamma: gamma, learningRate: learningRate)
        var grower = TreeGrower(input, rule: rule)
        func mayGrow(_ depth: Int) -> Bool { maxDepth <= 0 || depth < maxDepth }
        // Open leaves; the tree has open.count + closed leaves. A linear scan for the best is cheap
        // next to building a histogram, and keeps tie-breaking explicit.
        var open = [grower.openRoot(searchSplit: mayGrow(0) && maxLeaves > 1)]
        var leaves = 1
        while leaves < maxLeaves {
            var best: Int?
            for i in open.indices {
                guard let split = open[i].split else { continue }
                if best == nil || split.gain > open[best!].split!.gain
                    || (split.gain == open[best!].split!.gain && open[i].node < open[best!].node)
                {
                    best = i
                }
            }
            guard let chosen = best else { break }
            let node = open.remove(at: chosen)
            open += grower.splitLevel([node], searchSplit: mayGrow(node.depth + 1))
            leaves += 1
        }
        for node in open { grower.close(node) }
        return grower.finish()
    }
}
