import Foundation

/// A fitted logistic regression on the original feature scale: for two classes one coefficient row
/// giving the logit of class 1, otherwise one row per class fed to the softmax.
public struct LogisticModel: Sendable, Codable, Equatable {
    /// How the fit ended, for reports and for deciding whether to raise `maxIterations`.
    public struct Convergence: Sendable, Codable, Equatable {
        /// The solver that ran (a multiclass `newton` request runs lbfgs).
        public var solver: LogisticRegression.Solver
        public var iterations: Int
        /// Whether the gradient's max norm reached the tolerance.
        public var converged: Bool
        public var gradientMaxNorm: Double
        /// The row-averaged penalised objective at the solution.
        public var objective: Double

        public init(solver: LogisticRegression.Solver, iterations: Int, converged: Bool, gradientMaxNorm: Double, objective: Double) {
            self.solver = solver
            self.iterations = iterations
            self.converged = converged
            self.gradientMaxNorm = gradientMaxNorm
            self.objective = objective
        }
    }

    public var classCount: Int
    /// Row-major `coefficientRows x featureNames.count`, on the original (unstandardised) scale.
    public var coefficients: [Double]
    /// One per coefficient row; multiclass intercepts are centred to sum to zero.
    public var intercepts: [Double]
    /// The standardisation used during the fit (identity when it was off). Predictions do not need
    /// it; it is kept to report standardised coefficients (`coefficient · std`) as importances.
    public var scaler: FeatureScaler
    public var featureNames: [String]
    public var convergence: Convergence

    /// 1 for binary models, `classCount` otherwise.
    public var coefficientRows: Int { classCount == 2 ? 1 : classCount }

    public init(
        classCount: Int, coefficients: [Double], intercepts: [Double], scaler: FeatureScaler, featureNames: [String],
        convergence: Convergence
    ) {
        let rows = classCount == 2 ? 1 : classCount
        precondition(classCount >= 2, "LogisticModel: classCount \(classCount) < 2")
        precondition(intercepts.count == rows, "LogisticModel: \(intercepts.count) intercepts for \(rows) coefficient rows")
        precondition(
            coefficients.count == rows * featureNames.count,
            "LogisticModel: \(coefficients.count) coefficients for \(rows) x \(featureNames.count)")
        self.classCount = classCount
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.scaler = scaler
        self.featureNames = featureNames
        self.convergence = convergence
    }

    /// Linear scores: `n` logits of class 1 for a binary model, else row-major `n x classCount`.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        let d = featureNames.count
        precondition(x.columnCount == d, "LogisticModel: matrix has \(x.columnCount) columns, model was fitted on \(d)")
        let rows = coefficientRows
        var out = [Double](repeating: 0, count: x.rowCount * rows)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<x.rowCount {
                for j in 0..<rows {
                    var z = intercepts[j]
                    for c in 0..<d { z += coefficients[j * d + c] * v[r * d + c] }
                    out[r * rows + j] = z
                }
            }
        }
        return out
    }

    /// Binary: P(class 1) per row. Multiclass: row-major `n x classCount` softmax probabilities.
    /// The matrix must have the fitted column count (precondition); a row with NaN gives NaN.
    public func predictProbabilities(_ x: FeatureMatrix) -> [Double] {
        var scores = decisionFunction(x)
        if classCount == 2 {
            for i in scores.indices { scores[i] = LogisticObjective.sigmoid(scores[i]) }
            return scores
        }
        let k = classCount
        for r in 0..<x.rowCount {
            let row = (r * k)..<((r + 1) * k)
            let top = scores[row].max()!
            var sum = 0.0
            for i in row {
                scores[i] = exp(scores[i] - top)
                sum += scores[i]
            }
            for i in row { scores[i] /= sum }
        }
        return scores
    }

    /// The most probable class per row (ties go to the lower class, as scikit-learn's argmax).
    public func predictClasses(_ x: FeatureMatrix) -> [Int32] {
        let scores = decisionFunction(x)
        if classCount == 2 { return scores.map { $0 > 0 ? 1 : 0 } }
        let k = classCount
        return (0..<x.rowCount).map { r in
            var best = 0
            for j in 1..<k where scores[r * k + j] > scores[r * k + best] { best = j }
            return Int32(best)
        }
    }
}
