/// One tree of a gradient-boosted model as flat per-node arrays, laid out like XGBoost's JSON model
/// so an exporter maps field to field: `left`/`right` → `left_children`/`right_children` (-1 at a
/// leaf), `featureIndex` → `split_indices`, `threshold` → `split_conditions` (XGBoost writes the
/// leaf value there for leaves), `defaultLeft` → `default_left`, `leafValue` → the leaf's value
/// (`base_weights` / `split_conditions` of a leaf), `gain` → `loss_changes`, `sumHessian` →
/// `sum_hessian`. Node 0 is the root; children always have larger indices than their parent.
///
/// A row goes left when `value < threshold` (XGBoost's "yes" child); at a categorical split (non-empty
/// `rightCategories`), it goes right when its category code is in the set and left otherwise, as in
/// XGBoost. A missing (NaN) value goes left when `defaultLeft`. Leaf values include the learning rate.
public struct RegressionTree: Sendable, Codable, Equatable {
    public var left: [Int]
    public var right: [Int]
    /// Split feature; 0 at leaves, as in XGBoost.
    public var featureIndex: [Int]
    /// Split bin: bins `0...thresholdBin` of the training binner go left. 0 at leaves.
    public var thresholdBin: [Int]
    /// Split value (`value < threshold` goes left); 0 at leaves and categorical splits.
    public var threshold: [Double]
    /// Categorical splits: the category codes that go right, ascending; empty elsewhere.
    public var rightCategories: [[Int]]
    public var defaultLeft: [Bool]
    /// Output of a leaf (learning rate included); 0 at internal nodes.
    public var leafValue: [Double]
    /// Loss reduction of the split (the gain that chose it); 0 at leaves.
    public var gain: [Double]
    /// Sum of the hessians of the training rows that reached the node.
    public var sumHessian: [Double]

    public init() {
        left = []
        right = []
        featureIndex = []
        thresholdBin = []
        threshold = []
        rightCategories = []
        defaultLeft = []
        leafValue = []
        gain = []
        sumHessian = []
    }

    public var nodeCount: Int { left.count }

    public func isLeaf(_ node: Int) -> Bool { left[node] < 0 }

    /// Indices of the leaves, in node order.
    public var leaves: [Int] { (0..<nodeCount).filter(isLeaf) }

    /// Appends a node (a leaf until ``setSplit(_:feature:bin:threshold:defaultLeft:gain:left:right:)``)
    /// and returns its index.
    mutating func appendNode(sumHessian h: Double) -> Int {
        left.append(-1)
        right.append(-1)
        featureIndex.append(0)
        thresholdBin.append(0)
        threshold.append(0)
        rightCategories.append([])
        defaultLeft.append(false)
        leafValue.append(0)
        gain.append(0)
        sumHessian.append(h)
        return left.count - 1
    }

    public func isCategorical(_ node: Int) -> Bool { !rightCategories[node].isEmpty }

    mutating func setSplit(
        _ node: Int, feature: Int, bin: Int, threshold t: Double, rightCategories categories: [Int] = [],
        defaultLeft d: Bool, gain g: Double, left l: Int, right r: Int
    ) {
        rightCategories[node] = categories
        featureIndex[node] = feature
        thresholdBin[node] = bin
        threshold[node] = t
        defaultLeft[node] = d
        gain[node] = g
        left[node] = l
        right[node] = r
    }

    /// The leaf a row of raw values reaches; `value(feature)` reads the row.
    @inline(__always)
    func leaf(_ value: (Int) -> Double) -> Int {
        var node = 0
        while left[node] >= 0 {
            let v = value(featureIndex[node])
            let goLeft: Bool
            if v.isNaN {
                goLeft = defaultLeft[node]
            } else if rightCategories[node].isEmpty {
                goLeft = v < threshold[node]
            } else {
                goLeft = !rightCategories[node].contains(Int(exactly: v) ?? -1)
            }
            node = goLeft ? left[node] : right[node]
        }
        return node
    }

    /// The leaf a binned training row reaches (for rows a subsampled tree did not see).
    func leaf(binnedRow bins: UnsafePointer<UInt8>, binCounts: [Int]) -> Int {
        var node = 0
        while left[node] >= 0 {
            let f = featureIndex[node]
            let b = Int(bins[f])
            let goLeft: Bool
            if b == binCounts[f] {
                goLeft = defaultLeft[node]
            } else if rightCategories[node].isEmpty {
                goLeft = b <= thresholdBin[node]
            } else {
                goLeft = !rightCategories[node].contains(b)
            }
            node = goLeft ? left[node] : right[node]
        }
        return node
    }
}
