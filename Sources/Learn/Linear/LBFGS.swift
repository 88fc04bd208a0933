/// Limited-memory BFGS (two-loop recursion) with a strong-Wolfe line search (Nocedal & Wright,
/// Algorithms 7.4, 3.5 and 3.6). Converged means the gradient's largest absolute component is at
/// most `tolerance`; otherwise it stops, unconverged, after `maxIterations` or when the line search
/// finds no acceptable step. There is deliberately no stop on a small change in the objective
/// (scipy's `ftol`): near the optimum that change is rounding noise while the gradient still
/// improves, and such a stop left tight tolerances (1e-10) unreachable.
struct LBFGS {
    var memory = 10
    var maxIterations = 100
    var tolerance = 1e-6
    var maxLineSearchSteps = 50

    private static let c1 = 1e-4
    private static let c2 = 0.9

    func minimize(from start: [Double], _ evaluate: ([Double], inout [Double]) -> Double) -> OptimizationResult {
        let m = start.count
        var x = start
        var g = [Double](repeating: 0, count: m)
        var f = evaluate(x, &g)
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        var iteration = 0
        var gradientNorm = LBFGS.maxNorm(g)

        while gradientNorm > tolerance && iteration < maxIterations {
            iteration += 1
            // Two-loop recursion: direction = -H g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[i] = rhoHistory[i] * LBFGS.dot(sHistory[i], q)
                for j in 0..<m { q[j] -= alphas[i] * yHistory[i][j] }
            }
            var gamma = 1.0
            if let s = sHistory.last, let y = yHistory.last {
                gamma = LBFGS.dot(s, y) / LBFGS.dot(y, y)
            }
            for j in 0..<m { q[j] *= gamma }
            for i in 0..<sHistory.count {
                let beta = rhoHistory[i] * LBFGS.dot(yHistory[i], q)
                for j in 0..<m { q[j] += sHistory[i][j] * (alphas[i] - beta) }
            }
            var direction = q.map { -$0 }
            var slope = LBFGS.dot(g, direction)
            if !(slope < 0) {
                // Curvature information went bad: restart from steepest descent.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = LBFGS.dot(g, direction)
            }
            // Without history the direction is the raw gradient; scale the first trial step to a unit move.
            let initialStep = sHistory.isEmpty ? min(1, 1 / LBFGS.norm(g)) : 1

            guard let step = lineSearch(x: x, f: f, slope: slope, direction: direction, initialStep: initialStep, evaluate) else {
                break
            }
            var s = [Double](repeating: 0, count: m)
            var y = [Double](repeating: 0, count: m)
            for j in 0..<m {
                s[j] = step.x[j] - x[j]
                y[j] = step.g[j] - g[j]
            }
            x = step.x
            g = step.g
            f = step.f
            gradientNorm = LBFGS.maxNorm(g)
            let sy = LBFGS.dot(s, y)
            if sy > 1e-10 * LBFGS.dot(y, y) {
                if sHistory.count == memory {
                    sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst()
                }
                sHistory.append(s)
                yHistory.append(y)
                rhoHistory.append(1 / sy)
            }
        }
        return OptimizationResult(
            parameters: x, objective: f, gradientMaxNorm: gradientNorm, iterations: iteration, converged: gradientNorm <= tolerance)
    }

    private struct Point {
        var step: Double
        var x: [Double]
        var f: Double
        var g: [Double]
        var slope: Double
    }

    /// A step satisfying the strong Wolfe conditions along `direction`, or the best point with
    /// sufficient decrease found within the budget, or nil if there is none.
    private func lineSearch(
        x: [Double], f f0: Double, slope slope0: Double, direction: [Double], initialStep: Double,
        _ evaluate: ([Double], inout [Double]) -> Double
    ) -> Point? {
        var evaluations = 0
        var best: Point?
        func probe(_ step: Double) -> Point {
            evaluations += 1
            var trial = x
            for j in trial.indices { trial[j] += step * direction[j] }
            var gradient = [Double](repeating: 0, count: x.count)
            let value = evaluate(trial, &gradient)
            let point = Point(step: step, x: trial, f: value, g: gradient, slope: LBFGS.dot(gradient, direction))
            if LBFGS.sufficientDecrease(point, f0: f0, slope0: slope0), value < best?.f ?? .infinity { best = point }
            return point
        }
        func wolfe(_ p: Point) -> Bool {
            LBFGS.sufficientDecrease(p, f0: f0, slope0: slope0) && abs(p.slope) <= -LBFGS.c2 * slope0
        }

        var previous = Point(step: 0, x: x, f: f0, g: [], slope: slope0)
        var step = initialStep
        var low: Point
        var high: Point
        while true {
            let current = probe(step)
            if !LBFGS.sufficientDecrease(current, f0: f0, slope0: slope0)
                || (evaluations > 1 && current.f >= previous.f && current.slope >= 0)
            {
                (low, high) = (previous, current)
                break
            }
            if wolfe(current) { return current }
            if current.slope >= 0 {
                (low, high) = (current, previous)
                break
            }
            if evaluations >= maxLineSearchSteps { return best }
            previous = current
            step *= 2
        }

        // Zoom: low always has sufficient decrease and the lowest value seen so far in the bracket.
        while evaluations < maxLineSearchSteps {
            let trialStep = LBFGS.interpolate(low, high)
            let current = probe(trialStep)
            if !LBFGS.sufficientDecrease(current, f0: f0, slope0: slope0) || (current.f >= low.f && current.slope >= 0) {
                high = current
            } else {
                if wolfe(current) { return current }
                if current.slope * (high.step - low.step) >= 0 { high = low }
                low = current
            }
            if abs(high.step - low.step) <= 1e-16 * max(abs(low.step), 1e-300) { break }
        }
        return best
    }

    /// Armijo's sufficient decrease, or, when the change in value is within rounding noise of f0,
    /// Hager & Zhang's approximate Wolfe test on the slope instead: near the optimum the objective
    /// differences drown in rounding while the gradient still carries information, and without
    /// this a tight tolerance would stall a few digits short.
    private static func sufficientDecrease(_ p: Point, f0: Double, slope0: Double) -> Bool {
        guard p.f.isFinite else { return false }
        if p.f <= f0 + c1 * p.step * slope0 { return true }
        return p.f <= f0 + 1e-12 * abs(f0) && p.slope <= (2 * c1 - 1) * slope0
    }

    /// Minimiser of the cubic through both ends (values and slopes), kept inside the middle 80% of
    /// the bracket; bisection when the cubic is unusable (an end with a non-finite value).
    private static func interpolate(_ a: Point, _ b: Point) -> Double {
        let lo = min(a.step, b.step)
        let hi = max(a.step, b.step)
        let bisection = (lo + hi) / 2
        guard a.f.isFinite, b.f.isFinite, a.slope.isFinite, b.slope.isFinite, a.step != b.step else { return bisection }
        let d1 = a.slope + b.slope - 3 * (a.f - b.f) / (a.step - b.step)
        let radicand = d1 * d1 - a.slope * b.slope
        guard radicand >= 0 else { return bisection }
        let d2 = (b.step > a.step ? 1.0 : -1.0) * radicand.squareRoot()
        let candidate = b.step - (b.step - a.step) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
        let margin = 0.1 * (hi - lo)
        guard candidate.isFinite, candidate >= lo + margin, candidate <= hi - margin else { return bisection }
        return candidate
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    static func maxNorm(_ a: [Double]) -> Double {
        a.reduce(0) { max($0, abs($1)) }
    }
}
