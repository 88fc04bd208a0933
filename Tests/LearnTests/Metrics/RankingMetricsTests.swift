import DataIO
import Testing

@testable import Learn

struct RankingMetricsTests {
    @Test func rocAUCOfScikitLearnDocsExample() throws {
        // Ascending scores 0.1 (neg), 0.35 (pos), 0.4 (neg), 0.8 (pos) have ranks 1, 2, 3, 4.
        // U = (2 + 4) - 2·3/2 = 3; AUC = 3 / (2·2) = 0.75.
        #expect(try Metrics.rocAUC(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
    }

    @Test func rocAUCGivesTiesHalfCredit() throws {
        // Ascending: 0.2 (neg idx2, pos idx4) ranks 1,2 -> 1.5 each; 0.5 (neg idx0, pos idx1) ranks 3,4 -> 3.5; 0.9 (pos) 5.
        // Positive rank sum = 3.5 + 5 + 1.5 = 10; U = 10 - 3·4/2 = 4; AUC = 4 / (3·2) = 2/3.
        // Pairwise check: (0.5,0.5) ½, (0.5,0.2) 1, (0.9,·) 1+1, (0.2,0.5) 0, (0.2,0.2) ½ -> 4 of 6.
        let auc = try Metrics.rocAUC(labels: [0, 1, 0, 1, 1], scores: [0.5, 0.5, 0.2, 0.9, 0.2])
        #expect(abs(auc - 2.0 / 3.0) < 1e-15)
    }

    @Test(arguments: [
        ([0.3, 0.3, 0.3, 0.3], 0.5),  // all tied: every pair counts ½
        ([0.1, 0.2, 0.8, 0.9], 1.0),  // perfect ranking
        ([0.9, 0.8, 0.2, 0.1], 0.0),  // perfectly inverted
        ([-3.0, -1.0, 2.5, 0.0], 1.0),  // margins, not probabilities
    ])
    func rocAUCExtremes(scores: [Double], expected: Double) throws {
        #expect(try Metrics.rocAUC(labels: [0, 0, 1, 1], scores: scores) == expected)
    }

    @Test func multiclassOneVsRestMacroAverage() throws {
        let labels: [Int32] = [0, 1, 2, 2]
        let scores = [
            0.6, 0.3, 0.1,
            0.2, 0.35, 0.45,
            0.1, 0.3, 0.6,
            0.3, 0.4, 0.3,
        ]
        // Class 0, column [.6, .2, .1, .3]: positive .6 beats all 3 negatives -> 1.
        // Class 1, column [.3, .35, .3, .4]: positive .35 beats .3, .3, loses to .4 -> 2/3.
        // Class 2, column [.1, .45, .6, .3]: positives .6, .3 vs negatives .1, .45 -> 1 + 1 + 1 + 0 = 3/4.
        // Macro = (1 + 2/3 + 3/4) / 3 = 29/36 = 0.80556.
        let auc = try Metrics.rocAUC(labels: labels, scores: scores, classCount: 3)
        #expect(abs(auc - 29.0 / 36.0) < 1e-15)
    }

    @Test func averagePrecisionOfScikitLearnDocsExample() throws {
        // Descending: 0.8 (pos) P=1 R=½; 0.4 (neg) P=½ R=½; 0.35 (pos) P=⅔ R=1; 0.1 (neg) P=½ R=1.
        // AP = ½·1 + 0·½ + ½·⅔ + 0·½ = 0.8333.
        let ap = try Metrics.prAUC(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])
        #expect(abs(ap - 5.0 / 6.0) < 1e-15)
    }

    @Test func averagePrecisionGroupsTiedScores() throws {
        // Descending: 0.9 (neg) P=0 R=0; 0.5 (pos, neg together) TP=1 FP=2 P=⅓ R=½; 0.2 (pos) P=½ R=1.
        // AP = 0 + ½·⅓ + ½·½ = 5/12. Breaking the tie positive-first would give ½·½ + ½·½ = ½ instead.
        let ap = try Metrics.prAUC(labels: [1, 0, 1, 0], scores: [0.5, 0.5, 0.2, 0.9])
        #expect(abs(ap - 5.0 / 12.0) < 1e-15)
    }

    @Test func averagePrecisionIsStepwiseNotTrapezoid() throws {
        // Descending: 0.9 (neg) P=0 R=0; 0.8 (pos) P=½ R=1. AP = 1·½ = 0.5.
        // A trapezoid from (R=0, P=1) would give 0.75; from (R=0, P=0) 0.25.
        #expect(try Metrics.prAUC(labels: [0, 1], scores: [0.9, 0.8]) == 0.5)
    }

    @Test func averagePrecisionWithOnlyPositivesIsOne() throws {
        #expect(try Metrics.prAUC(labels: [1, 1, 1], scores: [0.2, 0.5, 0.1]) == 1)
    }

    @Test func largeTiedInputsMatchAPairCount() throws {
        // 200k rows with heavy ties (scores in 100 buckets); labels follow the score. The AUC must
        // equal the share of (positive, negative) pairs ranked right, ties counting half, which
        // the bucket counts give exactly. (Speed belongs to benchmarks, not tests.)
        var generator = SeededGenerator(seed: 7)
        let buckets = (0..<200_000).map { _ in Int(generator.next() % 100) }
        let scores = buckets.map { Double($0) / 100 }
        let labels = scores.map { Int32(Double(generator.next() % 1000) / 1000 < $0 ? 1 : 0) }
        var positives = [Double](repeating: 0, count: 100)
        var negatives = [Double](repeating: 0, count: 100)
        for (bucket, label) in zip(buckets, labels) {
            if label == 1 { positives[bucket] += 1 } else { negatives[bucket] += 1 }
        }
        var rankedRight = 0.0
        var negativesBelow = 0.0
        for bucket in 0..<100 {
            rankedRight += positives[bucket] * (negativesBelow + 0.5 * negatives[bucket])
            negativesBelow += negatives[bucket]
        }
        let expected = rankedRight / (positives.reduce(0, +) * negatives.reduce(0, +))
        let auc = try Metrics.rocAUC(labels: labels, scores: scores)
        #expect(abs(auc - expected) < 1e-12)
        #expect(auc > 0.8 && auc < 0.9)
        let precision = try Metrics.prAUC(labels: labels, scores: scores)
        #expect(precision > 0 && precision <= 1)
    }

}
