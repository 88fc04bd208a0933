/// Parameters of ordinary least squares and ridge regression; `fit` turns a dataset into a
/// `LinearModel`.
///
/// The fit minimises `Σ wᵢ (yᵢ - xᵢ·β - b)² + alpha·‖β‖²`, which is exactly scikit-learn's
/// `Ridge(alpha:)` (and `LinearRegression()` when `alpha` is 0), including its handling of sample
/// weights: with an intercept, X and y are centred on their weighted means, the normal equations
/// `(XcᵀWXc + αI) β = XcᵀW yc` are solved by Cholesky, and `b = ȳ - x̄·β`. The intercept is never
/// penalised. Unlike scikit-learn's `LinearRegression`, which returns the minimum-norm solution of
/// a singular system, an unregularised fit with a constant or collinear column throws and names
/// the column: a silently arbitrary split of weight between duplicated columns is rarely wanted.
///
/// Deterministic: one thread, fixed summation order, so identical inputs give identical bits.
public struct LinearRegression: Sendable, Codable, Equatable {
    /// L2 (ridge) strength, as scikit-learn `Ridge(alpha=...)`; 0 is ordinary least squares.
    public var alpha: Double = 0
    public var fitIntercept: Bool = true

    public init(alpha: Double = 0, fitIntercept: Bool = true) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
    }

    private static let name = "linear regression"

    /// Fits `y ≈ x·β + b`. `weights`, if given, are non-negative per-row sample weights.
    public func fit(_ x: FeatureMatrix, _ y: [Double], weights: [Double]? = nil) throws -> LinearModel {
        let model = Self.name
        guard alpha >= 0, alpha.isFinite else {
            throw ModelError(.invalidParameter, "\(model): alpha is \(alpha); it must be a finite number >= 0 (0 = ordinary least squares)")
        }
        try LinearInputCheck.features(x, model: model)
        try LinearInputCheck.rowCount(y.count, of: "targets", matches: x, model: model)
        try LinearInputCheck.finite(y, of: "target", model: model)
        if let weights {
            try LinearInputCheck.rowCount(weights.count, of: "weights", matches: x, model: model)
            try LinearInputCheck.finite(weights, of: "weight", model: model)
            if let row = weights.firstIndex(where: { $0 < 0 }) {
                throw ModelError(.invalidParameter, "\(model): weight at row \(row) is \(weights[row]); weights must be >= 0")
            }
            guard weights.contains(where: { $0 > 0 }) else {
                throw ModelError(
                    .invalidParameter, "\(model): all \(weights.count) weights are 0; at least one row needs a positive weight")
            }
        }

        let n = x.rowCount
        let d = x.columnCount
        let w = weights ?? Array(repeating: 1, count: n)

        // Weighted means; a column constant over the weighted rows gets its exact value as mean so
        // that it centres to exactly 0 and ridge gives it exactly 0 weight.
        var xMean = [Double](repeating: 0, count: d)
        var yMean = 0.0
        var constant = [Bool](repeating: true, count: d)
        if fitIntercept {
            var weightSum = 0.0
            var firstValue = [Double](repeating: .nan, count: d)
            for r in 0..<n where w[r] > 0 {
                weightSum += w[r]
                yMean += w[r] * y[r]
                for c in 0..<d {
                    let value = x.values[r * d + c]
                    xMean[c] += w[r] * value
                    if firstValue[c].isNaN { firstValue[c] = value } else if value != firstValue[c] { constant[c] = false }
                }
            }
            yMean /= weightSum
            for c in 0..<d { xMean[c] = constant[c] ? firstValue[c] : xMean[c] / weightSum }
        } else {
            for c in 0..<d { constant[c] = false }
        }

        // Lower triangle of XcᵀWXc and XcᵀW yc, accumulated row by row in a fixed order.
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        var row = [Double](repeating: 0, count: d)
        for r in 0..<n where w[r] > 0 {
            for c in 0..<d { row[c] = x.values[r * d + c] - xMean[c] }
            let target = y[r] - yMean
            for i in 0..<d {
                let weighted = w[r] * row[i]
                rhs[i] += weighted * target
                for j in 0...i { gram[i * d + j] += weighted * row[j] }
            }
        }
        for i in 0..<d {
            gram[i * d + i] += alpha
            for j in 0..<i { gram[j * d + i] = gram[i * d + j] }
        }

        // Scale to unit diagonal: the solution is the same, but Cholesky's pivot test becomes a
        // scale-free collinearity test and columns of very different magnitude lose less precision.
        var scale = [Double](repeating: 0, count: d)
        for c in 0..<d {
            if gram[c * d + c] > 0 {
                scale[c] = 1 / gram[c * d + c].squareRoot()
            } else {
                let what =
                    fitIntercept
                    ? "column \"\(x.names[c])\" is constant, so with an intercept its coefficient is undetermined"
                    : "column \"\(x.names[c])\" is all zeros, so its coefficient is undetermined"
                throw ModelError(.singularSystem, "\(model): \(what); drop the column or set alpha > 0")
            }
        }
        for i in 0..<d {
            for j in 0..<d { gram[i * d + j] *= scale[i] * scale[j] }
            rhs[i] *= scale[i]
        }

        let coefficients: [Double]
        do {
            let factor = try Cholesky(gram, size: d, relativeTolerance: alpha > 0 ? 0 : 1e-10)
            let solution = factor.solve(rhs)
            coefficients = (0..<d).map { solution[$0] * scale[$0] }
        } catch {
            let partners = error.dependence.indices
                .filter { abs(error.dependence[$0]) > 1e-6 }
                .map { "\"\(x.names[$0])\"" }
            let what =
                partners.isEmpty
                ? "column \"\(x.names[error.column])\" is numerically singular"
                : "column \"\(x.names[error.column])\" is a linear combination of column\(partners.count == 1 ? "" : "s") \(partners.joined(separator: ", "))"
            throw ModelError(
                .singularSystem, "\(model): \(what), so least squares has no unique solution; drop one of them or set alpha > 0")
        }

        var intercept = 0.0
        if fitIntercept {
            intercept = yMean
            for c in 0..<d { intercept -= xMean[c] * coefficients[c] }
        }
        return LinearModel(coefficients: coefficients, intercept: intercept, featureNames: x.names)
    }
}
