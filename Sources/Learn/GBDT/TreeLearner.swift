/// What a tree learner grows one tree from: binned training rows, their gradients, and which rows
/// and features this tree may use (row and column subsampling).
public struct TreeGrowthInput: Sendable {
    public let binned: BinnedMatrix
    public let binner: FeatureBinner
    /// Row r's gradient (`.x`) and hessian (`.y`), as one pair so histogram building adds both
    /// with one vector instruction.
    public let gradientPairs: [SIMD2<Double>]
    /// The rows this tree is fitted to, ascending (all rows unless subsampled).
    public let rows: [Int]
    /// Features the tree may split on; empty means all.
    public let features: [Bool]
    /// Threads for histogram building.
    public let threads: Int

    public init(
        binned: BinnedMatrix, binner: FeatureBinner, gradientPairs: [SIMD2<Double>], rows: [Int], features: [Bool] = [],
        threads: Int = 1
    ) {
        precondition(gradientPairs.count == binned.rowCount, "TreeGrowthInput: one gradient pair per row")
        self.binned = binned
        self.binner = binner
        self.gradientPairs = gradientPairs
        self.rows = rows
        self.features = features
        self.threads = threads
    }
}

/// Grows one regression tree on binned features against per-row gradients and hessians: the
/// extension point between boosting and tree construction (``DepthwiseTreeLearner``,
/// ``LeafwiseTreeLearner``).
public protocol TreeLearner: Sendable {
    /// Returns the tree and, for every row of `input.rows`, the leaf it landed in (-1 for rows not in
    /// `input.rows`), so boosting can update training scores without walking the tree again.
    func grow(_ input: TreeGrowthInput) -> (tree: RegressionTree, leafOfRow: [Int])
}
