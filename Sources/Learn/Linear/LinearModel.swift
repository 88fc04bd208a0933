/// A fitted linear regression: `prediction = intercept + Σ coefficients[j] · x[j]`, with features
/// in the order of `featureNames` (the columns the model was fitted on).
public struct LinearModel: Sendable, Codable, Equatable {
    public var coefficients: [Double]
    public var intercept: Double
    public var featureNames: [String]

    public init(coefficients: [Double], intercept: Double, featureNames: [String]) {
        precondition(
            coefficients.count == featureNames.count,
            "LinearModel: \(coefficients.count) coefficients for \(featureNames.count) feature names")
        self.coefficients = coefficients
        self.intercept = intercept
        self.featureNames = featureNames
    }

    /// One prediction per row of `x`, which must have the fitted column count (checked by a
    /// precondition: a mismatch is a programming error, the caller owns the column mapping).
    /// A row with a NaN predicts NaN.
    public func predict(_ x: FeatureMatrix) -> [Double] {
        let d = coefficients.count
        precondition(x.columnCount == d, "LinearModel.predict: matrix has \(x.columnCount) columns, model was fitted on \(d)")
        var out = [Double](repeating: intercept, count: x.rowCount)
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<x.rowCount {
                var sum = intercept
                for c in 0..<d { sum += coefficients[c] * v[r * d + c] }
                out[r] = sum
            }
        }
        return out
    }
}
