/// Newton's method (iteratively reweighted least squares) for the binary logistic objective: each
/// step solves the `(d+1) x (d+1)` Hessian system by Cholesky and backtracks (Armijo) so that
/// nearly separable data, where full steps overshoot, still descends. Converged means the
/// gradient's largest absolute component is at most `tolerance`.
struct BinaryNewton {
    var maxIterations = 100
    var tolerance = 1e-6

    func minimize(_ objective: LogisticObjective, from start: [Double]) -> OptimizationResult {
        let m = start.count
        var x = start
        var g = [Double](repeating: 0, count: m)
        var f = objective.evaluate(x, gradient: &g)
        var gradientNorm = LBFGS.maxNorm(g)
        var iteration = 0
        while gradientNorm > tolerance && iteration < maxIterations {
            iteration += 1
            var hessian = objective.binaryHessian(x)
            // When every probability saturates the Hessian can be numerically singular; a growing
            // diagonal shift (Levenberg) keeps the step a descent direction.
            var factor: Cholesky?
            let largestDiagonal = (0..<m).map { hessian[$0 * m + $0] }.max() ?? 1
            var shift = 0.0
            for _ in 0..<12 {
                if let f = try? Cholesky(hessian, size: m, relativeTolerance: 0) {
                    factor = f
                    break
                }
                let next = shift == 0 ? 1e-12 * max(largestDiagonal, 1e-300) : shift * 10
                for i in 0..<m { hessian[i * m + i] += next - shift }
                shift = next
            }
            guard let factor else { break }
            let direction = factor.solve(g).map { -$0 }
            let slope = LBFGS.dot(g, direction)
            guard slope < 0 else { break }

            var step = 1.0
            var accepted = false
            var trial = x
            var trialGradient = g
            var trialValue = f
            for _ in 0..<50 {
                for j in 0..<m { trial[j] = x[j] + step * direction[j] }
                trialValue = objective.evaluate(trial, gradient: &trialGradient)
                // Armijo, or near the optimum (value change within rounding) a slope that has not
                // turned upward: Hager & Zhang's approximate Wolfe test, as in `LBFGS`.
                let trialSlope = LBFGS.dot(trialGradient, direction)
                if trialValue.isFinite
                    && (trialValue <= f + 1e-4 * step * slope
                        || (trialValue <= f + 1e-12 * abs(f) && trialSlope <= (2e-4 - 1) * slope))
                {
                    accepted = true
                    break
                }
                step /= 2
            }
            guard accepted else { break }
            x = trial
            g = trialGradient
            f = trialValue
            gradientNorm = LBFGS.maxNorm(g)
        }
        return OptimizationResult(
            parameters: x, objective: f, gradientMaxNorm: gradientNorm, iterations: iteration, converged: gradientNorm <= tolerance)
    }
}
