#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Metrics {
    /// The smallest probability log loss takes the logarithm of: probabilities are clipped to
    /// `[1e-15, 1 - 1e-15]`, so one confident mistake costs at most `-ln(1e-15)` ≈ 34.54.
    ///
    /// This is scikit-learn's long-standing default (`eps=1e-15`, before 1.5) and LightGBM's. scikit-learn
    /// 1.5 and later clip to the float64 machine epsilon (≈ 2.2e-16) instead; the two agree except for
    /// rows whose probability of the true class is below 1e-15.
    public static let logLossEpsilon = 1e-15

    /// How far a multiclass row's probabilities may sum from 1 before ``logLoss(labels:probabilities:classCount:)``
    /// rejects them (scikit-learn warns instead; here a model that emits unnormalised rows is a bug to surface).
    public static let probabilitySumTolerance = 1e-6

    /// Fraction of rows whose predicted class equals the label.
    public static func accuracy(labels: some Collection<Int32>, predicted: some Collection<Int32>) throws(MetricError) -> Double {
        try checkSameLength("accuracy", "labels", labels.count, "predicted", predicted.count)
        let correct = withBuffer(labels) { labels in
            withBuffer(predicted) { predicted in
                var correct = 0
                for index in 0..<labels.count where labels[index] == predicted[index] { correct += 1 }
                return correct
            }
        }
        return Double(correct) / Double(labels.count)
    }

    /// Precision of the positive class 1: of the rows predicted 1, the fraction labelled 1; 0 when none are
    /// predicted 1 (scikit-learn's `zero_division=0`).
    public static func precision(labels: some Collection<Int32>, predicted: some Collection<Int32>) throws(MetricError) -> Double {
        try binaryMatrix("precision", labels, predicted).precision(of: 1)
    }

    /// Recall of the positive class 1: of the rows labelled 1, the fraction predicted 1; 0 when none are labelled 1.
    public static func recall(labels: some Collection<Int32>, predicted: some Collection<Int32>) throws(MetricError) -> Double {
        try binaryMatrix("recall", labels, predicted).recall(of: 1)
    }

    /// F1 of the positive class 1, `2TP / (2TP + FP + FN)`; 0 when there are no true positives.
    public static func f1(labels: some Collection<Int32>, predicted: some Collection<Int32>) throws(MetricError) -> Double {
        try binaryMatrix("F1", labels, predicted).f1(of: 1)
    }

    private static func binaryMatrix(
        _ metric: String, _ labels: some Collection<Int32>, _ predicted: some Collection<Int32>
    ) throws(MetricError) -> ConfusionMatrix {
        try ConfusionMatrix(labels: labels, predicted: predicted, classCount: 2, metric: metric)
    }

    /// Binary log loss (cross-entropy), the mean of `-ln p(true class)`, where `probabilities[i]` is the
    /// probability that row `i` is class 1. Probabilities are clipped as ``logLossEpsilon`` describes.
    public static func logLoss(labels: some Collection<Int32>, probabilities: some Collection<Double>) throws(MetricError) -> Double {
        let metric = "log loss"
        try checkSameLength(metric, "labels", labels.count, "probabilities", probabilities.count)
        let result: Result<Double, MetricError> = withBuffer(labels) { labels in
            withBuffer(probabilities) { probabilities in
                if let error = checkLabels(metric, "labels", labels, classCount: 2) { return .failure(error) }
                var total = 0.0
                for index in 0..<labels.count {
                    let p = probabilities[index]
                    guard p >= 0, p <= 1 else {
                        return .failure(MetricError(.probabilityOutOfRange(index: index, value: p), metric: metric))
                    }
                    let pTrue = labels[index] == 1 ? p : 1 - p
                    total -= log(clipped(pTrue))
                }
                return .success(total / Double(labels.count))
            }
        }
        return try result.get()
    }

    /// Multiclass log loss, the mean of `-ln p(true class)`, where `probabilities` is row-major
    /// (`rows x classCount`) and each row sums to 1 (within ``probabilitySumTolerance``). Probabilities are
    /// clipped as ``logLossEpsilon`` describes, without renormalising the row afterwards (as scikit-learn ≥ 1.5).
    public static func logLoss(
        labels: some Collection<Int32>, probabilities: some Collection<Double>, classCount: Int
    ) throws(MetricError) -> Double {
        let metric = "log loss"
        try checkProbabilityShape(metric, labelCount: labels.count, valueCount: probabilities.count, classCount: classCount)
        let result: Result<Double, MetricError> = withBuffer(labels) { labels in
            withBuffer(probabilities) { probabilities in
                if let error = checkLabels(metric, "labels", labels, classCount: classCount) { return .failure(error) }
                var total = 0.0
                for row in 0..<labels.count {
                    let rowStart = row * classCount
                    var sum = 0.0
                    for index in rowStart..<(rowStart + classCount) {
                        let p = probabilities[index]
                        guard p >= 0, p <= 1 else {
                            return .failure(MetricError(.probabilityOutOfRange(index: index, value: p), metric: metric))
                        }
                        sum += p
                    }
                    guard abs(sum - 1) <= probabilitySumTolerance else {
                        return .failure(MetricError(.probabilitiesDoNotSumToOne(row: row, sum: sum), metric: metric))
                    }
                    total -= log(clipped(probabilities[rowStart + Int(labels[row])]))
                }
                return .success(total / Double(labels.count))
            }
        }
        return try result.get()
    }

    @inline(__always)
    private static func clipped(_ p: Double) -> Double {
        min(max(p, logLossEpsilon), 1 - logLossEpsilon)
    }

    static func checkProbabilityShape(_ metric: String, labelCount: Int, valueCount: Int, classCount: Int) throws(MetricError) {
        guard classCount >= 2 else { throw MetricError(.classCount(classCount, minimum: 2), metric: metric) }
        guard labelCount > 0 else { throw MetricError(.empty, metric: metric) }
        guard valueCount == labelCount * classCount else {
            throw MetricError(.probabilityShape(valueCount: valueCount, rowCount: labelCount, classCount: classCount), metric: metric)
        }
    }
}
