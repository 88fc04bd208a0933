/// Cholesky factor `L` (lower triangular, `A = L Lᵀ`) of a symmetric positive definite matrix,
/// for the normal equations of ridge and the Newton steps of logistic regression.
struct Cholesky {
    /// Why a factorisation failed: the pivot at `column` was not positive enough, and `dependence`
    /// holds the coefficients expressing that column in terms of the earlier ones (only meaningful
    /// for a matrix with unit diagonal, where it tells which columns are collinear).
    struct Failure: Error {
        let column: Int
        let dependence: [Double]
    }

    let size: Int
    /// Row-major `size x size`; only the lower triangle is used.
    private(set) var lower: [Double]

    /// Factors the row-major symmetric `matrix` (only its lower triangle is read). A pivot `L[j][j]²`
    /// below `relativeTolerance * A[j][j]` means column j is (numerically) a combination of the
    /// earlier ones: for a matrix scaled to unit diagonal, its residual variance after regressing
    /// it on the earlier columns is below that fraction.
    init(_ matrix: [Double], size n: Int, relativeTolerance: Double = 1e-12) throws(Failure) {
        precondition(matrix.count == n * n)
        var l = matrix
        for j in 0..<n {
            var pivot = l[j * n + j]
            for k in 0..<j { pivot -= l[j * n + k] * l[j * n + k] }
            guard pivot > relativeTolerance * matrix[j * n + j], pivot > 0, pivot.isFinite else {
                throw Failure(column: j, dependence: Cholesky.backSolve(l, size: n, upTo: j, rhs: Array(l[(j * n)..<(j * n + j)])))
            }
            let diagonal = pivot.squareRoot()
            l[j * n + j] = diagonal
            for i in (j + 1)..<max(n, j + 1) {
                var value = l[i * n + j]
                for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = value / diagonal
            }
        }
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) { l[i * n + j] = 0 }
        }
        self.size = n
        self.lower = l
    }

    /// Solves `A x = b`.
    func solve(_ b: [Double]) -> [Double] {
        let n = size
        precondition(b.count == n)
        var y = b
        for i in 0..<n {
            var value = y[i]
            for k in 0..<i { value -= lower[i * n + k] * y[k] }
            y[i] = value / lower[i * n + i]
        }
        return Cholesky.backSolve(lower, size: n, upTo: n, rhs: y)
    }

    /// Solves `L[0..<m, 0..<m]ᵀ x = rhs` using the first m columns of a (partial) factor.
    private static func backSolve(_ l: [Double], size n: Int, upTo m: Int, rhs: [Double]) -> [Double] {
        var x = rhs
        for i in stride(from: m - 1, through: 0, by: -1) {
            var value = x[i]
            for k in (i + 1)..<max(m, i + 1) { value -= l[k * n + i] * x[k] }
            x[i] = value / l[i * n + i]
        }
        return x
    }
}
