/// Parameters of L2-regularised logistic regression; `fit` turns a dataset into a `LogisticModel`.
///
/// Two classes use the sigmoid on one coefficient row (the logit of class 1); more use the
/// multinomial softmax with one coefficient row per class, all of them penalised, as scikit-learn's
/// default lbfgs solver does. The minimised objective is `Σ logloss_i + ‖W‖² / (2C)`, the same
/// minimiser as scikit-learn's `C·Σ loss + ‖W‖²/2`; the intercepts are not penalised.
///
/// With `standardize` (the default) the fit runs on `(x - mean) / std` and the penalty applies to
/// the standardised coefficients, so the result matches scikit-learn's
/// `make_pipeline(StandardScaler(), LogisticRegression(C=c))`, not a bare `LogisticRegression`,
/// which does not standardise. The model stores the coefficients mapped back to the original scale
/// (and the scaler), so it predicts on raw features. Standardising also means an original-scale
/// intercept appears even with `fitIntercept == false`, exactly as in that pipeline.
///
/// Deterministic: one thread, fixed summation order, no randomness, so identical inputs give
/// identical bits.
public struct LogisticRegression: Sendable, Codable, Equatable {
    /// How the objective is minimised. Both reach the same optimum; they differ in speed.
    public enum Solver: String, Codable, Sendable {
        /// Limited-memory BFGS (memory 10) with a strong-Wolfe line search. Good for many features.
        case lbfgs
        /// Newton's method (IRLS) with a Cholesky solve of the (d+1)-square Hessian: few, exact
        /// iterations, cost O(n·d² + d³) each. Binary only; a multiclass fit falls back to lbfgs.
        case newton
    }

    /// Inverse regularisation strength, exactly as scikit-learn `LogisticRegression(C=...)`:
    /// smaller means a stronger L2 penalty on the coefficients (never on the intercepts).
    public var c: Double = 1.0
    public var solver: Solver = .lbfgs
    public var maxIterations: Int = 100
    /// The fit has converged when the largest absolute component of the gradient of the
    /// row-averaged objective, `(1/n) Σ logloss_i + ‖W‖² / (2·C·n)` (with respect to the
    /// standardised coefficients when `standardize`), is at most this. That is scikit-learn's
    /// `tol` for lbfgs (whose default of 1e-4 is looser).
    public var tolerance: Double = 1e-6
    /// Fit on standardised features (population std on the training rows; a constant column gets
    /// std 1 and therefore coefficient 0). See the type's documentation.
    public var standardize: Bool = true
    public var fitIntercept: Bool = true

    public init(
        c: Double = 1.0, solver: Solver = .lbfgs, maxIterations: Int = 100, tolerance: Double = 1e-6,
        standardize: Bool = true, fitIntercept: Bool = true
    ) {
        self.c = c
        self.solver = solver
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.standardize = standardize
        self.fitIntercept = fitIntercept
    }

    private static let name = "logistic regression"

    /// Fits class probabilities for `labels` in `0..<classCount`; every class needs at least one
    /// row (an absent class would need an intercept of minus infinity). Not converging within
    /// `maxIterations` is not an error: the model reports it in `convergence`.
    public func fit(_ x: FeatureMatrix, _ labels: [Int32], classCount: Int) throws -> LogisticModel {
        let model = Self.name
        guard c > 0, c.isFinite else {
            throw ModelError(.invalidParameter, "\(model): C is \(c); it must be a finite number > 0 (smaller = stronger regularisation)")
        }
        guard maxIterations >= 0 else {
            throw ModelError(.invalidParameter, "\(model): maxIterations is \(maxIterations); it must be >= 0")
        }
        guard tolerance >= 0, !tolerance.isNaN else {
            throw ModelError(.invalidParameter, "\(model): tolerance is \(tolerance); it must be >= 0")
        }
        guard classCount >= 2 else {
            throw ModelError(.invalidParameter, "\(model): classCount is \(classCount); classification needs at least 2 classes")
        }
        try LinearInputCheck.features(x, model: model)
        try LinearInputCheck.rowCount(labels.count, of: "labels", matches: x, model: model)
        var counts = [Int](repeating: 0, count: classCount)
        for (row, label) in labels.enumerated() {
            guard label >= 0, Int(label) < classCount else {
                throw ModelError(
                    .invalidLabels,
                    "\(model): label at row \(row) is \(label); labels must be in 0..<\(classCount) (classCount is \(classCount))")
            }
            counts[Int(label)] += 1
        }
        let absent = counts.indices.filter { counts[$0] == 0 }
        guard absent.isEmpty else {
            let list = absent.map(String.init).joined(separator: ", ")
            throw ModelError(
                .invalidLabels,
                "\(model): class\(absent.count == 1 ? "" : "es") \(list) \(absent.count == 1 ? "has" : "have") no rows among the \(labels.count) labels; every one of the \(classCount) classes needs at least one (or lower classCount)"
            )
        }

        let scaler = standardize ? FeatureScaler(fitting: x) : .identity(columnCount: x.columnCount)
        let objective = LogisticObjective(
            x: scaler.transform(x), labels: labels, classCount: classCount, inverseC: 1 / c, fitIntercept: fitIntercept)
        let start = [Double](repeating: 0, count: objective.parameterCount)
        let result: OptimizationResult
        let used: Solver
        if solver == .newton && classCount == 2 {
            used = .newton
            result = BinaryNewton(maxIterations: maxIterations, tolerance: tolerance).minimize(objective, from: start)
        } else {
            used = .lbfgs
            result = LBFGS(memory: 10, maxIterations: maxIterations, tolerance: tolerance).minimize(from: start) { theta, gradient in
                objective.evaluate(theta, gradient: &gradient)
            }
        }

        // Back to the original scale: w·(x - m)/s + b = (w/s)·x + (b - Σ w m / s).
        let d = x.columnCount
        let rows = objective.rows
        let p = objective.stride
        var coefficients = [Double](repeating: 0, count: rows * d)
        var intercepts = [Double](repeating: 0, count: rows)
        for j in 0..<rows {
            var intercept = fitIntercept ? result.parameters[j * p + d] : 0
            for column in 0..<d {
                let standardized = result.parameters[j * p + column]
                coefficients[j * d + column] = standardized / scaler.stds[column]
                intercept -= standardized * scaler.means[column] / scaler.stds[column]
            }
            intercepts[j] = intercept
        }
        if rows > 1 {
            // Softmax ignores a common shift of the intercepts and they are unpenalised; centre them
            // so the reported values are unique.
            let mean = intercepts.reduce(0, +) / Double(rows)
            for j in 0..<rows { intercepts[j] -= mean }
        }
        return LogisticModel(
            classCount: classCount, coefficients: coefficients, intercepts: intercepts, scaler: scaler, featureNames: x.names,
            convergence: .init(
                solver: used, iterations: result.iterations, converged: result.converged,
                gradientMaxNorm: result.gradientMaxNorm, objective: result.objective))
    }
}
