/// Grows a tree level by level to `maxDepth`, as XGBoost's `grow_policy=depthwise` with
/// `tree_method=hist`; the split rule is ``SplitRule``'s (XGBoost's second-order gain).
public struct DepthwiseTreeLearner: TreeLearner {
    public var maxDepth: Int
    public var minChildWeight: Double
    public var lambda: Double
    public var alpha: Double
    public var gamma: Double
    /// Multiplies every leaf weight, so the tree's leaf values are what boosting adds.
    public var learningRate: Double

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

    var rule: SplitRule {
        SplitRule(minChildWeight: minChildWeight, lambda: lambda, alpha: alpha, gamma: gamma, learningRate: learningRate)
    }

    public func grow(_ input: TreeGrowthInput) -> (tree: RegressionTree, leafOfRow: [Int]) {
        var grower = TreeGrower(input, rule: rule)
        var level = [grower.openRoot(searchSplit: maxDepth > 0)]
        while !level.isEmpty {
            let searchChildren = level[0].depth + 1 < maxDepth
            level = grower.splitLevel(level, searchSplit: searchChildren)
        }
        return grower.finish()
    }
}
