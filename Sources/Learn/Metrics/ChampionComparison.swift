import DataIO
import Foundation

/// The current champion scored on the candidate's validation rows, so promotion compares two
/// models on the same data, and, with a confidence, a paired bootstrap of the improvement: the
/// validation rows are resampled with replacement, both models scored on each resample, and the
/// lower quantile of the differences says how sure the improvement is.
public struct ChampionComparison: Sendable, Equatable {
    /// The champion's metrics on the validation rows.
    public var championMetrics: MetricReport
    /// With a confidence: the `1 - confidence` quantile of (candidate − champion), signed so that
    /// positive means the candidate is better on `metric`.
    public var improvementLowerBound: Double?

    /// - Parameters:
    ///   - candidate: the candidate's predictions on the validation rows.
    ///   - champion: the champion's predictions on the same rows, in the same order.
    ///   - targets: the validation labels (class indices of the candidate's classes) or targets.
    public static func compare(
        candidate: Predictions, champion: Predictions, targets: [Double], metric: MetricName, confidence: Double?,
        resamples: Int = 1000, seed: UInt64 = 0
    ) throws -> ChampionComparison {
        let aligned = try align(champion, to: candidate)
        let championReport = try report(aligned, targets)
        guard let confidence else { return ChampionComparison(championMetrics: championReport, improvementLowerBound: nil) }
        var generator = SeededGenerator(seed: seed)
        var differences: [Double] = []
        differences.reserveCapacity(resamples)
        let n = targets.count
        for _ in 0..<resamples {
            let rows = (0..<n).map { _ in generator.uniform(below: n) }
            guard let a = try? report(subset(candidate, rows), rows.map { targets[$0] }).metrics[metric.rawValue],
                let b = try? report(subset(aligned, rows), rows.map { targets[$0] }).metrics[metric.rawValue], a.isFinite, b.isFinite
            else { continue }  // a resample with one class has no AUC
            differences.append(metric.higherIsBetter ? a - b : b - a)
        }
        guard differences.count >= resamples / 2 else {
            throw ChampionComparisonError(
                message:
                    "only \(differences.count) of \(resamples) bootstrap resamples could be scored on \(metric.rawValue); too few validation rows"
            )
        }
        differences.sort()
        let index = min(differences.count - 1, max(0, Int((Double(differences.count) * (1 - confidence)).rounded(.down))))
        return ChampionComparison(championMetrics: championReport, improvementLowerBound: differences[index])
    }

    /// The champion's predictions with its classes in the candidate's order; a class the
    /// champion never learned cannot be compared.
    static func align(_ champion: Predictions, to candidate: Predictions) throws -> Predictions {
        guard champion.rowCount == candidate.rowCount else {
            throw ChampionComparisonError(message: "the champion scored \(champion.rowCount) rows, the candidate \(candidate.rowCount)")
        }
        guard candidate.isClassification else {
            guard !champion.isClassification else {
                throw ChampionComparisonError(message: "the champion classifies; the candidate does regression")
            }
            return champion
        }
        guard champion.classes != candidate.classes else { return champion }
        let k = candidate.classes.count
        let columns = try candidate.classes.map { name in
            guard let index = champion.classes.firstIndex(of: name) else {
                throw ChampionComparisonError(
                    message: "the champion does not know class \"\(name)\" (its classes: \(champion.classes.joined(separator: ", ")))")
            }
            return index
        }
        let width = champion.classes.count
        var values = [Double](repeating: 0, count: champion.rowCount * k)
        for row in 0..<champion.rowCount {
            for (c, source) in columns.enumerated() { values[row * k + c] = champion.values[row * width + source] }
        }
        return Predictions(classes: candidate.classes, values: values, rowCount: champion.rowCount)
    }

    public static func subset(_ predictions: Predictions, _ rows: [Int]) -> Predictions {
        let width = max(predictions.classes.count, 1)
        var values: [Double] = []
        values.reserveCapacity(rows.count * width)
        for row in rows { values.append(contentsOf: predictions.values[(row * width)..<((row + 1) * width)]) }
        return Predictions(classes: predictions.classes, values: values, rowCount: rows.count)
    }

    static func report(_ predictions: Predictions, _ targets: [Double]) throws -> MetricReport {
        if !predictions.isClassification { return try MetricReport.regression(targets: targets, predicted: predictions.values) }
        return try MetricReport.multiclassClassification(
            labels: targets.map { Int32($0) }, probabilities: predictions.values, classCount: predictions.classes.count)
    }
}

/// The champion cannot be compared with the candidate on these rows.
public struct ChampionComparisonError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
