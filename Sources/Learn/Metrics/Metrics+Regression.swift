#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Metrics {
    /// Root mean squared error, `sqrt(mean((target − predicted)²))`.
    public static func rmse(targets: some Collection<Double>, predicted: some Collection<Double>) throws(MetricError) -> Double {
        try residuals("RMSE", targets, predicted) { total, residual in total += residual * residual }.squareRoot()
    }

    /// Mean absolute error, `mean(|target − predicted|)`.
    public static func mae(targets: some Collection<Double>, predicted: some Collection<Double>) throws(MetricError) -> Double {
        try residuals("MAE", targets, predicted) { total, residual in total += abs(residual) }
    }

    /// Coefficient of determination as scikit-learn's `r2_score`: `1 − SS_res / SS_tot`, where SS_tot is the
    /// squared deviation of the targets from their mean. When the targets are constant (SS_tot = 0) it is
    /// 1 for a perfect prediction and 0 otherwise (scikit-learn's `force_finite=True`). Needs at least two
    /// rows, where scikit-learn warns and returns NaN.
    public static func r2(targets: some Collection<Double>, predicted: some Collection<Double>) throws(MetricError) -> Double {
        let metric = "R2"
        try checkSameLength(metric, "targets", targets.count, "predicted", predicted.count)
        guard targets.count >= 2 else { throw MetricError(.tooFewRows(count: targets.count, minimum: 2), metric: metric) }
        let result: Result<Double, MetricError> = withBuffer(targets) { targets in
            withBuffer(predicted) { predicted in
                if let error = checkFinite(metric, "targets", targets) ?? checkFinite(metric, "predicted", predicted) {
                    return .failure(error)
                }
                var mean = 0.0
                for target in targets { mean += target }
                mean /= Double(targets.count)
                var residualSum = 0.0
                var totalSum = 0.0
                for index in 0..<targets.count {
                    let residual = targets[index] - predicted[index]
                    let deviation = targets[index] - mean
                    residualSum += residual * residual
                    totalSum += deviation * deviation
                }
                if totalSum == 0 { return .success(residualSum == 0 ? 1 : 0) }
                return .success(1 - residualSum / totalSum)
            }
        }
        return try result.get()
    }

    /// The mean of `accumulate` over the residuals, after checking lengths and finiteness.
    private static func residuals(
        _ metric: String, _ targets: some Collection<Double>, _ predicted: some Collection<Double>,
        _ accumulate: (inout Double, Double) -> Void
    ) throws(MetricError) -> Double {
        try checkSameLength(metric, "targets", targets.count, "predicted", predicted.count)
        let result: Result<Double, MetricError> = withBuffer(targets) { targets in
            withBuffer(predicted) { predicted in
                if let error = checkFinite(metric, "targets", targets) ?? checkFinite(metric, "predicted", predicted) {
                    return .failure(error)
                }
                var total = 0.0
                for index in 0..<targets.count { accumulate(&total, targets[index] - predicted[index]) }
                return .success(total / Double(targets.count))
            }
        }
        return try result.get()
    }
}
