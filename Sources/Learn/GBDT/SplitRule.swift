/// XGBoost's second-order split rule, shared by the tree learners:
///
///     gain = ½ [T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G_L+G_R)²/(H_L+H_R+λ)] − γ
///     leaf weight w = −T(G)/(H+λ),   T(G) = sign(G)·max(|G| − α, 0)   (XGBoost's ThresholdL1)
///
/// A split needs both children to have hessian sum ≥ `minChildWeight` and a gain above 1e-6
/// (XGBoost's `kRtEps`). Every allowed feature is tried twice, once with the node's missing values
/// on the right and once on the left, and the better kept (ties: missing right, lower feature,
/// lower bin), so the default direction is learned.
///
/// Numeric features: every bin boundary. Categorical features: the categories present at the node
/// are sorted by `G/(H+λ)` and every prefix of that order is tried as the set that goes right (the
/// partition search of LightGBM and XGBoost, which finds the best two-way grouping for these
/// objectives without trying all 2^k subsets).
///
/// γ: XGBoost's code computes the bracket without the ½ and prunes splits whose bracket is below γ
/// (`min_split_loss`) bottom up; here γ is subtracted from the ½-scaled gain before splitting, so γ
/// here matches XGBoost's `min_split_loss = 2γ`, and a weak split is never kept for the sake of a
/// strong one below it. With γ = 0 the trees agree.
struct SplitRule: Sendable {
    var minChildWeight: Double
    var lambda: Double
    var alpha: Double
    var gamma: Double
    /// Multiplies every leaf weight, so the tree's leaf values are what boosting adds.
    var learningRate: Double

    /// Smallest gain that justifies a split (XGBoost's `kRtEps`), so float noise never splits a node.
    static let minimumGain = 1e-6

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

    /// The best split of a node with gradient sum `g`, hessian sum `h` and this histogram, over the
    /// features allowed by `features` (all when empty), or nil when no split gains enough.
    func bestSplit(
        _ histogram: GradientHistogram, gradient g: Double, hessian h: Double, features: [Bool], binner: FeatureBinner
    ) -> SplitCandidate? {
        let parentScore = score(g, h)
        var best: SplitCandidate?
        var bestGain = Self.minimumGain
        histogram.sums.withUnsafeBufferPointer { sums in
            for f in 0..<histogram.binCounts.count where features.isEmpty || features[f] {
                if binner.isCategorical(f) {
                    bestCategorical(f, sums, histogram, g, h, parentScore, &best, &bestGain)
                } else {
                    bestNumeric(f, sums, histogram, g, h, parentScore, &best, &bestGain)
                }
            }
        }
        return best
    }

    private func bestNumeric(
        _ f: Int, _ sums: UnsafeBufferPointer<SIMD2<Double>>, _ histogram: GradientHistogram, _ g: Double, _ h: Double,
        _ parentScore: Double, _ best: inout SplitCandidate?, _ bestGain: inout Double
    ) {
        let base = histogram.offsets[f]
        let missing = sums[histogram.missingSlot(f)]
        let gm = missing.x
        let hm = missing.y
        var gl = 0.0
        var hl = 0.0
        // The last bin has no cut above it, so boundaries run over all bins but the last.
        for b in 0..<(histogram.binCounts[f] - 1) {
            gl += sums[base + b].x
            hl += sums[base + b].y
            // Without missing values at this node both sides are the same split: try it once,
            // as "missing right", which is also what the tie-break would keep.
            for side in 0..<(hm == 0 && gm == 0 ? 1 : 2) {
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
                        gain: gain, feature: f, bin: b, rightCategories: [], defaultLeft: missingLeft, leftGradient: leftG,
                        leftHessian: leftH, rightGradient: rightG, rightHessian: rightH)
                }
            }
        }
    }

    private func bestCategorical(
        _ f: Int, _ sums: UnsafeBufferPointer<SIMD2<Double>>, _ histogram: GradientHistogram, _ g: Double, _ h: Double,
        _ parentScore: Double, _ best: inout SplitCandidate?, _ bestGain: inout Double
    ) {
        let base = histogram.offsets[f]
        let missing = sums[histogram.missingSlot(f)]
        let gm = missing.x
        let hm = missing.y
        // Categories present at this node, ordered by their optimal weight's numerator/denominator.
        var present: [(ratio: Double, code: Int)] = []
        for b in 0..<histogram.binCounts[f] where sums[base + b].y > 0 {
            present.append((sums[base + b].x / (sums[base + b].y + lambda), b))
        }
        guard present.count >= 2 else { return }
        present.sort { $0.ratio != $1.ratio ? $0.ratio < $1.ratio : $0.code < $1.code }
        var gr = 0.0
        var hr = 0.0
        for i in 0..<(present.count - 1) {
            let code = present[i].code
            gr += sums[base + code].x
            hr += sums[base + code].y
            for side in 0..<(hm == 0 && gm == 0 ? 1 : 2) {
                let missingLeft = side == 1
                let rightG = missingLeft ? gr : gr + gm
                let rightH = missingLeft ? hr : hr + hm
                let leftG = g - rightG
                let leftH = h - rightH
                guard leftH >= minChildWeight, rightH >= minChildWeight, leftH > 0, rightH > 0 else { continue }
                let gain = splitGain(leftG, leftH, rightG, rightH, parentScore: parentScore)
                if gain > bestGain {
                    bestGain = gain
                    best = SplitCandidate(
                        gain: gain, feature: f, bin: 0, rightCategories: present[0...i].map(\.code).sorted(),
                        defaultLeft: missingLeft, leftGradient: leftG, leftHessian: leftH, rightGradient: rightG,
                        rightHessian: rightH)
                }
            }
        }
    }
}
