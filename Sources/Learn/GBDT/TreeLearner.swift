/// Grows one regression tree on binned features against per-row gradients and hessians: the
/// extension point between boosting and tree construction (depth-wise now; leaf-wise later).
public protocol TreeLearner: Sendable {
    /// Returns the tree and, for every training row, the leaf it landed in, so boosting can update
    /// training scores without walking the tree again.
    func grow(
        _ binned: BinnedMatrix, binner: FeatureBinner, gradients: [Double], hessians: [Double]
    ) -> (tree: RegressionTree, leafOfRow: [Int])
}
