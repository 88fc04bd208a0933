import Testing

@testable import Learn

@Suite("Champion comparison on the same rows")
struct ChampionComparisonTests {
    static let targets: [Double] = [0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1]
    /// A good candidate: P(class 1) follows the label with some noise.
    static let candidate = Predictions(
        classes: ["benign", "malignant"],
        values: targets.enumerated().flatMap { i, y in
            let p = y == 1 ? 0.8 - Double(i % 3) * 0.1 : 0.2 + Double(i % 3) * 0.1
            return [1 - p, p]
        }, rowCount: targets.count)

    @Test("a champion with its classes in another order is aligned, and the same model scores the same")
    func alignment() throws {
        let swapped = Predictions(
            classes: ["malignant", "benign"],
            values: (0..<Self.targets.count).flatMap { [Self.candidate.values[$0 * 2 + 1], Self.candidate.values[$0 * 2]] },
            rowCount: Self.targets.count)
        let comparison = try ChampionComparison.compare(
            candidate: Self.candidate, champion: swapped, targets: Self.targets, metric: .auc, confidence: 0.95, resamples: 200, seed: 3)
        let own = try ChampionComparison.report(Self.candidate, Self.targets)
        #expect(comparison.championMetrics.metrics["auc"] == own.metrics["auc"])
        // The same predictions: every resample differs by exactly zero, so no improvement is shown.
        #expect(comparison.improvementLowerBound == 0)
    }

    @Test("a clearly better candidate has a positive lower bound; a coin-flip champion scores 0.5")
    func betterCandidate() throws {
        let coin = Predictions(
            classes: ["benign", "malignant"], values: Array(repeating: 0.5, count: Self.targets.count * 2), rowCount: Self.targets.count)
        let comparison = try ChampionComparison.compare(
            candidate: Self.candidate, champion: coin, targets: Self.targets, metric: .auc, confidence: 0.9, resamples: 300, seed: 1)
        #expect(comparison.championMetrics.metrics["auc"] == 0.5)
        #expect((comparison.improvementLowerBound ?? 0) > 0.2, "\(String(describing: comparison.improvementLowerBound))")
        let noBound = try ChampionComparison.compare(
            candidate: Self.candidate, champion: coin, targets: Self.targets, metric: .auc, confidence: nil)
        #expect(noBound.improvementLowerBound == nil)
    }

    @Test("a champion that does not know a class, or scored other rows, cannot be compared")
    func mismatches() {
        let other = Predictions(classes: ["benign", "other"], values: Self.candidate.values, rowCount: Self.targets.count)
        #expect {
            try ChampionComparison.compare(candidate: Self.candidate, champion: other, targets: Self.targets, metric: .auc, confidence: nil)
        } throws: { error in
            "\(error)".contains("does not know class \"malignant\"")
        }
        let fewer = Predictions(classes: Self.candidate.classes, values: Array(Self.candidate.values.prefix(4)), rowCount: 2)
        #expect(throws: ChampionComparisonError.self) {
            try ChampionComparison.compare(candidate: Self.candidate, champion: fewer, targets: Self.targets, metric: .auc, confidence: nil)
        }
    }
}
