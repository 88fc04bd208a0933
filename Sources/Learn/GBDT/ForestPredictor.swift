/// A tree ensemble compiled for prediction: all trees' nodes in one flat array of small structs, so
/// walking a tree touches one cache line per node. Rows are scored in blocks (every tree for a block
/// of rows, so a tree stays in cache while it serves them), blocks in parallel. Each row sums its
/// trees in tree order, so results do not depend on the thread count.
///
/// Within a block, rows descend a tree level by level together, a fixed number of steps (the tree's
/// depth; a leaf points to itself): the rows' walks are independent, so the processor overlaps them
/// instead of waiting on one row's chain of dependent loads and mispredicted branches.
struct ForestPredictor: Sendable {
    private struct Node {
        /// Split value, or the leaf value at a leaf.
        var value: Double
        /// Split feature, or -1 at a leaf.
        var feature: Int32
        var left: Int32
        var right: Int32
        /// Index into `categoryBits` of a categorical split's 256-bit set, or -1 for a numeric split.
        var categories: Int32
        var defaultLeft: Bool
    }

    private let nodes: [Node]
    private let roots: [Int]
    /// Depth of each tree: the steps from the root to its deepest leaf.
    private let depths: [Int]
    private let categoryBits: [UInt64]
    /// Output (class) of each tree.
    private let treeOutputs: [Int]
    let outputCount: Int
    let featureCount: Int

    /// Rows per parallel chunk and per cache block.
    private static let chunkRows = 2048
    private static let blockRows = 64

    init(trees: some Collection<RegressionTree>, outputCount: Int, featureCount: Int) {
        var nodes: [Node] = []
        var roots: [Int] = []
        var depths: [Int] = []
        var bits: [UInt64] = []
        for tree in trees {
            let root = nodes.count
            roots.append(root)
            var depth = [Int](repeating: 0, count: tree.nodeCount)
            for n in 0..<tree.nodeCount where !tree.isLeaf(n) {
                // Children have larger indices than their parent.
                depth[tree.left[n]] = depth[n] + 1
                depth[tree.right[n]] = depth[n] + 1
            }
            depths.append(depth.max() ?? 0)
            for n in 0..<tree.nodeCount {
                if tree.isLeaf(n) {
                    let me = Int32(root + n)
                    nodes.append(Node(value: tree.leafValue[n], feature: 0, left: me, right: me, categories: -1, defaultLeft: true))
                    continue
                }
                var categories: Int32 = -1
                if tree.isCategorical(n) {
                    categories = Int32(bits.count)
                    var set = [UInt64](repeating: 0, count: 4)
                    for code in tree.rightCategories[n] where code >= 0 && code < 256 { set[code >> 6] |= 1 << UInt64(code & 63) }
                    bits.append(contentsOf: set)
                }
                nodes.append(
                    Node(
                        value: tree.threshold[n], feature: Int32(tree.featureIndex[n]), left: Int32(root + tree.left[n]),
                        right: Int32(root + tree.right[n]), categories: categories, defaultLeft: tree.defaultLeft[n]))
            }
        }
        self.nodes = nodes
        self.roots = roots
        self.depths = depths
        self.categoryBits = bits
        self.treeOutputs = (0..<roots.count).map { $0 % outputCount }
        self.outputCount = outputCount
        self.featureCount = featureCount
    }

    /// Adds every tree's output to `scores` (row-major `rows x outputCount`, holding the base scores)
    /// for the rows of the row-major `values` (`featureCount` per row).
    func accumulate(_ values: [Double], rowCount: Int, into scores: inout [Double], threads: Int) {
        precondition(values.count == rowCount * featureCount && scores.count == rowCount * outputCount, "ForestPredictor: shape mismatch")
        let chunks = (rowCount + Self.chunkRows - 1) / Self.chunkRows
        nodes.withUnsafeBufferPointer { nodes in
            categoryBits.withUnsafeBufferPointer { bits in
                values.withUnsafeBufferPointer { values in
                    scores.withUnsafeMutableBufferPointer { scores in
                        let nodes = SharedBuffer(nodes)
                        let bits = SharedBuffer(bits)
                        let values = SharedBuffer(values)
                        let out = SharedBuffer(scores)
                        Parallel.forEach(chunks: chunks, threads: threads) { chunk in
                            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.blockRows) { position in
                                let end = min(rowCount, (chunk + 1) * Self.chunkRows)
                                var start = chunk * Self.chunkRows
                                while start < end {
                                    let count = min(end - start, Self.blockRows)
                                    let rows = values.base + start * featureCount
                                    for t in 0..<roots.count {
                                        for r in 0..<count { position[r] = Int32(roots[t]) }
                                        for _ in 0..<depths[t] {
                                            for r in 0..<count {
                                                position[r] = Self.step(
                                                    nodes.base[Int(position[r])], rows + r * featureCount, bits.base)
                                            }
                                        }
                                        let output = treeOutputs[t]
                                        for r in 0..<count {
                                            out.base[(start + r) * outputCount + output] += nodes.base[Int(position[r])].value
                                        }
                                    }
                                    start += count
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The node a row moves to from `node`: a child for a split, the node itself for a leaf.
    @inline(__always)
    private static func step(_ node: Node, _ row: UnsafeMutablePointer<Double>, _ bits: UnsafeMutablePointer<UInt64>) -> Int32 {
        let v = row[Int(node.feature)]
        var goLeft = v.isNaN ? node.defaultLeft : v < node.value
        if node.categories >= 0, !v.isNaN {
            if v >= 0, v < 256, v == v.rounded(.down) {
                let code = Int(v)
                goLeft = bits[Int(node.categories) + code >> 6] & (1 << UInt64(code & 63)) == 0
            } else {
                goLeft = true
            }
        }
        return goLeft ? node.left : node.right
    }
}
