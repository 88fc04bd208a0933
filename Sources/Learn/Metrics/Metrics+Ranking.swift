extension Metrics {
    /// Binary ROC AUC: the probability that a random positive (label 1) row scores higher than a random
    /// negative one, ties counting one half. Computed from average ranks (Mann–Whitney U), which equals
    /// scikit-learn's `roc_auc_score` including its handling of tied scores.
    ///
    /// Scores need only be ordered like the probability of class 1; they may be margins.
    public static func rocAUC(labels: some Collection<Int32>, scores: some Collection<Double>) throws(MetricError) -> Double {
        let metric = "ROC AUC"
        try checkSameLength(metric, "labels", labels.count, "scores", scores.count)
        let result: Result<Double, MetricError> = withBuffer(labels) { labels in
            withBuffer(scores) { scores in
                if let error = checkLabels(metric, "labels", labels, classCount: 2) { return .failure(error) }
                if let error = checkFinite(metric, "scores", scores) { return .failure(error) }
                let pairs = (0..<labels.count).map { (score: scores[$0], positive: labels[$0] == 1) }
                guard let auc = mannWhitneyAUC(pairs) else { return .failure(MetricError(.singleClass, metric: metric)) }
                return .success(auc)
            }
        }
        return try result.get()
    }

    /// Multiclass ROC AUC, one-vs-rest and macro-averaged: for each class, the binary AUC of "this class"
    /// against all others using that class's column of `scores`, then the unweighted mean over classes.
    /// Equals scikit-learn's `roc_auc_score(multi_class="ovr", average="macro")`.
    ///
    /// `scores` is row-major (`rows x classCount`). Unlike scikit-learn, rows need not sum to 1, since
    /// one-vs-rest AUC only uses the order within each column. Every class must occur in `labels`.
    public static func rocAUC(
        labels: some Collection<Int32>, scores: some Collection<Double>, classCount: Int
    ) throws(MetricError) -> Double {
        let metric = "ROC AUC"
        try checkProbabilityShape(metric, labelCount: labels.count, valueCount: scores.count, classCount: classCount)
        let result: Result<Double, MetricError> = withBuffer(labels) { labels in
            withBuffer(scores) { scores in
                if let error = checkLabels(metric, "labels", labels, classCount: classCount) { return .failure(error) }
                if let error = checkFinite(metric, "scores", scores) { return .failure(error) }
                var present = [Bool](repeating: false, count: classCount)
                for label in labels { present[Int(label)] = true }
                if let absent = present.firstIndex(of: false) {
                    return .failure(MetricError(.classAbsent(classIndex: absent), metric: metric))
                }
                var total = 0.0
                for target in 0..<classCount {
                    let pairs = (0..<labels.count).map { row in
                        (score: scores[row * classCount + target], positive: Int(labels[row]) == target)
                    }
                    // Every class is present and there are at least two, so both sides are non-empty.
                    total += mannWhitneyAUC(pairs)!
                }
                return .success(total / Double(classCount))
            }
        }
        return try result.get()
    }

    /// Average precision, the area under the precision–recall curve as scikit-learn's
    /// `average_precision_score` computes it: `Σ (R_n − R_{n−1}) · P_n` over the distinct score thresholds
    /// from highest to lowest, a step function with no interpolation. Rows with equal scores enter
    /// together at one threshold. Undefined (an error) when no row is labelled 1.
    public static func prAUC(labels: some Collection<Int32>, scores: some Collection<Double>) throws(MetricError) -> Double {
        let metric = "average precision"
        try checkSameLength(metric, "labels", labels.count, "scores", scores.count)
        let result: Result<Double, MetricError> = withBuffer(labels) { labels in
            withBuffer(scores) { scores in
                if let error = checkLabels(metric, "labels", labels, classCount: 2) { return .failure(error) }
                if let error = checkFinite(metric, "scores", scores) { return .failure(error) }
                var pairs = (0..<labels.count).map { (score: scores[$0], positive: labels[$0] == 1) }
                let positiveCount = pairs.reduce(0) { $0 + ($1.positive ? 1 : 0) }
                guard positiveCount > 0 else { return .failure(MetricError(.noPositives, metric: metric)) }
                pairs.sort { $0.score > $1.score }
                var truePositives = 0
                var previousRecall = 0.0
                var area = 0.0
                var start = 0
                while start < pairs.count {
                    var end = start
                    while end < pairs.count && pairs[end].score == pairs[start].score {
                        if pairs[end].positive { truePositives += 1 }
                        end += 1
                    }
                    let recall = Double(truePositives) / Double(positiveCount)
                    let precision = Double(truePositives) / Double(end)
                    area += (recall - previousRecall) * precision
                    previousRecall = recall
                    start = end
                }
                return .success(area)
            }
        }
        return try result.get()
    }

    /// `(U / (positives · negatives))` from the positives' average ranks; nil when one side is empty.
    private static func mannWhitneyAUC(_ pairs: [(score: Double, positive: Bool)]) -> Double? {
        let positiveCount = pairs.reduce(0) { $0 + ($1.positive ? 1 : 0) }
        let negativeCount = pairs.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        let sorted = pairs.sorted { $0.score < $1.score }
        // Ranks are 1-based; a run of equal scores at positions start..<end shares their mean rank.
        var positiveRankSum = 0.0
        var start = 0
        while start < sorted.count {
            var end = start
            var positivesInRun = 0
            while end < sorted.count && sorted[end].score == sorted[start].score {
                if sorted[end].positive { positivesInRun += 1 }
                end += 1
            }
            let meanRank = Double(start + 1 + end) / 2
            positiveRankSum += meanRank * Double(positivesInRun)
            start = end
        }
        let p = Double(positiveCount)
        let u = positiveRankSum - p * (p + 1) / 2
        return u / (p * Double(negativeCount))
    }
}
