/// Counts of rows by actual and predicted class, `counts[actual][predicted]`, with the per-class and
/// macro-averaged precision, recall and F1 derived from it. Stored in `metrics.json` so a user can see
/// which classes a model confuses.
///
/// Undefined ratios (no rows predicted as, or labelled as, a class) are 0, as scikit-learn's
/// `zero_division=0`.
public struct ConfusionMatrix: Codable, Sendable, Equatable {
    /// The number of classes; `counts` is `classCount x classCount`.
    public let classCount: Int
    /// `counts[actual][predicted]`: how many rows of class `actual` were predicted as `predicted`.
    public let counts: [[Int]]

    /// Tallies `labels` against `predicted`; both must hold class indices in `0..<classCount`.
    public init(labels: some Collection<Int32>, predicted: some Collection<Int32>, classCount: Int) throws(MetricError) {
        try self.init(labels: labels, predicted: predicted, classCount: classCount, metric: "confusion matrix")
    }

    init(labels: some Collection<Int32>, predicted: some Collection<Int32>, classCount: Int, metric: String) throws(MetricError) {
        guard classCount >= 1 else { throw MetricError(.classCount(classCount, minimum: 1), metric: metric) }
        try Metrics.checkSameLength(metric, "labels", labels.count, "predicted", predicted.count)
        let result: Result<[Int], MetricError> = Metrics.withBuffer(labels) { labels in
            Metrics.withBuffer(predicted) { predicted in
                if let error = Metrics.checkLabels(metric, "labels", labels, classCount: classCount)
                    ?? Metrics.checkLabels(metric, "predicted", predicted, classCount: classCount)
                {
                    return .failure(error)
                }
                var flat = [Int](repeating: 0, count: classCount * classCount)
                for index in 0..<labels.count { flat[Int(labels[index]) * classCount + Int(predicted[index])] += 1 }
                return .success(flat)
            }
        }
        let flat = try result.get()
        self.classCount = classCount
        self.counts = (0..<classCount).map { Array(flat[($0 * classCount)..<(($0 + 1) * classCount)]) }
    }

    /// Wraps counts already tallied, such as a matrix read back from `metrics.json`.
    public init(counts: [[Int]]) throws(MetricError) {
        let metric = "confusion matrix"
        guard !counts.isEmpty else { throw MetricError(.classCount(0, minimum: 1), metric: metric) }
        for (index, row) in counts.enumerated() where row.count != counts.count {
            throw MetricError(.notSquare(row: index, count: row.count, classCount: counts.count), metric: metric)
        }
        for (actual, row) in counts.enumerated() {
            if let predicted = row.firstIndex(where: { $0 < 0 }) {
                throw MetricError(.negativeCount(actual: actual, predicted: predicted, value: row[predicted]), metric: metric)
            }
        }
        self.classCount = counts.count
        self.counts = counts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let counts = try container.decode([[Int]].self, forKey: .counts)
        do {
            try self.init(counts: counts)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: container, debugDescription: error.description)
        }
        if let classCount = try container.decodeIfPresent(Int.self, forKey: .classCount), classCount != self.classCount {
            throw DecodingError.dataCorruptedError(
                forKey: .classCount, in: container,
                debugDescription: "classCount is \(classCount) but counts is \(self.classCount) x \(self.classCount)")
        }
    }

    /// All rows tallied.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Fraction of rows on the diagonal.
    public var accuracy: Double {
        let total = total
        guard total > 0 else { return 0 }
        return Double((0..<classCount).reduce(0) { $0 + counts[$1][$1] }) / Double(total)
    }

    /// Rows of class `index` predicted as `index`.
    public func truePositives(of index: Int) -> Int { counts[index][index] }
    /// Rows of other classes predicted as `index`.
    public func falsePositives(of index: Int) -> Int { predictedCount(of: index) - counts[index][index] }
    /// Rows of class `index` predicted as another class.
    public func falseNegatives(of index: Int) -> Int { actualCount(of: index) - counts[index][index] }

    /// Rows labelled `index` (the row sum).
    public func actualCount(of index: Int) -> Int { counts[index].reduce(0, +) }
    /// Rows predicted as `index` (the column sum).
    public func predictedCount(of index: Int) -> Int { counts.reduce(0) { $0 + $1[index] } }

    /// Of the rows predicted as `index`, the fraction that are `index`; 0 when none are predicted as it.
    public func precision(of index: Int) -> Double { ratio(truePositives(of: index), predictedCount(of: index)) }

    /// Of the rows labelled `index`, the fraction predicted as `index`; 0 when none are labelled it.
    public func recall(of index: Int) -> Double { ratio(truePositives(of: index), actualCount(of: index)) }

    /// `2TP / (2TP + FP + FN)` for class `index`, the harmonic mean of precision and recall; 0 when TP is 0.
    public func f1(of index: Int) -> Double {
        let tp = truePositives(of: index)
        return ratio(2 * tp, 2 * tp + falsePositives(of: index) + falseNegatives(of: index))
    }

    /// Unweighted mean of ``precision(of:)`` over the classes that occur as a label or a prediction.
    public var macroPrecision: Double { macroAverage(precision(of:)) }
    /// Unweighted mean of ``recall(of:)`` over the classes that occur as a label or a prediction.
    public var macroRecall: Double { macroAverage(recall(of:)) }
    /// Unweighted mean of ``f1(of:)`` over the classes that occur as a label or a prediction.
    public var macroF1: Double { macroAverage(f1(of:)) }

    /// Classes that occur neither as a label nor as a prediction are left out, as scikit-learn does when
    /// it takes the classes from the data; otherwise a declared but unseen class would count as 0.
    private func macroAverage(_ metric: (Int) -> Double) -> Double {
        let seen = (0..<classCount).filter { actualCount(of: $0) > 0 || predictedCount(of: $0) > 0 }
        guard !seen.isEmpty else { return 0 }
        return seen.reduce(0) { $0 + metric($1) } / Double(seen.count)
    }

    private func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
