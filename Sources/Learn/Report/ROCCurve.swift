/// A binary receiver operating characteristic curve: the false and true positive rates at every
/// distinct score threshold, from (0, 0) (nothing predicted positive) to (1, 1) (everything), and the
/// area under it. Plotted by ``SVGPlot/rocCurves(_:)``.
///
/// Rows with equal scores cross the threshold together, so a run of tied scores is one straight
/// (possibly diagonal) step, which is what makes the trapezoid area equal ``Metrics/rocAUC(labels:scores:)``
/// with its half credit for ties.
public struct ROCCurve: Sendable, Equatable {
    /// The share of negative (label 0) rows scored at or above each threshold; starts at 0, ends at 1.
    public let falsePositiveRates: [Double]
    /// The share of positive (label 1) rows scored at or above each threshold; starts at 0, ends at 1.
    public let truePositiveRates: [Double]
    /// The area under the curve by trapezoids.
    public let auc: Double

    /// Builds the curve of `scores` against `labels` (0 or 1); a score orders rows like the probability
    /// of class 1. Throws the same ``MetricError`` as ``Metrics/rocAUC(labels:scores:)``: for mismatched
    /// or empty input, a label other than 0 or 1, a non-finite score, or only one class present.
    public init(labels: [Int32], scores: [Double]) throws(MetricError) {
        let metric = "ROC AUC"
        try Metrics.checkSameLength(metric, "labels", labels.count, "scores", scores.count)
        if let error = labels.withUnsafeBufferPointer({ Metrics.checkLabels(metric, "labels", $0, classCount: 2) })
            ?? scores.withUnsafeBufferPointer({ Metrics.checkFinite(metric, "scores", $0) })
        {
            throw error
        }
        let positiveCount = labels.reduce(0) { $0 + Int($1) }
        let negativeCount = labels.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { throw MetricError(.singleClass, metric: metric) }

        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var falsePositiveRates = [0.0]
        var truePositiveRates = [0.0]
        var truePositives = 0
        var falsePositives = 0
        // Twice the area in units of one positive x one negative, summed exactly in integers.
        var doubledArea = 0
        var start = 0
        while start < order.count {
            let (previousTrue, previousFalse) = (truePositives, falsePositives)
            var end = start
            while end < order.count && scores[order[end]] == scores[order[start]] {
                if labels[order[end]] == 1 { truePositives += 1 } else { falsePositives += 1 }
                end += 1
            }
            doubledArea += (falsePositives - previousFalse) * (truePositives + previousTrue)
            falsePositiveRates.append(Double(falsePositives) / Double(negativeCount))
            truePositiveRates.append(Double(truePositives) / Double(positiveCount))
            start = end
        }
        self.falsePositiveRates = falsePositiveRates
        self.truePositiveRates = truePositiveRates
        self.auc = Double(doubledArea) / (2 * Double(positiveCount) * Double(negativeCount))
    }

    /// One-vs-rest curves of a multiclass model, one per class: "this class" (label 1) against all others,
    /// scored by that class's column of `scores` (row-major, `rows x classCount`). The mean of their
    /// ``auc`` is ``Metrics/rocAUC(labels:scores:classCount:)``, whose errors this throws.
    public static func oneVsRest(labels: [Int32], scores: [Double], classCount: Int) throws(MetricError) -> [ROCCurve] {
        let metric = "ROC AUC"
        try Metrics.checkProbabilityShape(metric, labelCount: labels.count, valueCount: scores.count, classCount: classCount)
        if let error = labels.withUnsafeBufferPointer({ Metrics.checkLabels(metric, "labels", $0, classCount: classCount) })
            ?? scores.withUnsafeBufferPointer({ Metrics.checkFinite(metric, "scores", $0) })
        {
            throw error
        }
        var present = [Bool](repeating: false, count: classCount)
        for label in labels { present[Int(label)] = true }
        if let absent = present.firstIndex(of: false) {
            throw MetricError(.classAbsent(classIndex: absent), metric: metric)
        }
        var curves: [ROCCurve] = []
        for target in 0..<classCount {
            let binary = labels.map { Int($0) == target ? Int32(1) : 0 }
            let column = (0..<labels.count).map { scores[$0 * classCount + target] }
            curves.append(try ROCCurve(labels: binary, scores: column))
        }
        return curves
    }

    /// The curve's points with those that lie within `tolerance` of the simplified line left out
    /// (Ramer–Douglas–Peucker), for drawing: a curve over a million rows has up to a million points
    /// but a plot is a few hundred pixels wide. The first and last points are always kept.
    func thinnedPoints(tolerance: Double) -> [(x: Double, y: Double)] {
        PolylineThinning.thin(zip(falsePositiveRates, truePositiveRates).map { (x: $0, y: $1) }, tolerance: tolerance)
    }
}
