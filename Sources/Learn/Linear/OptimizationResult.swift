/// Where an iterative solver stopped, and why.
struct OptimizationResult {
    var parameters: [Double]
    var objective: Double
    var gradientMaxNorm: Double
    var iterations: Int
    var converged: Bool
}
