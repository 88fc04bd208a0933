import Testing

@testable import Learn

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ClassificationMetricsTests {
    @Test func accuracyCountsMatchingRows() throws {
        // 3 of 5 rows match (indices 0, 2, 4).
        #expect(try Metrics.accuracy(labels: [0, 1, 2, 1, 0], predicted: [0, 2, 2, 0, 0]) == 0.6)
    }

    @Test func binaryPrecisionRecallF1OfClassOne() throws {
        let labels: [Int32] = [0, 1, 1, 0, 1]
        let predicted: [Int32] = [1, 1, 0, 1, 1]
        // TP = 2 (indices 1, 4), FP = 2 (indices 0, 3), FN = 1 (index 2).
        // precision = 2 / 4, recall = 2 / 3, F1 = 2·2 / (2·2 + 2 + 1) = 4 / 7.
        #expect(try Metrics.precision(labels: labels, predicted: predicted) == 0.5)
        #expect(try Metrics.recall(labels: labels, predicted: predicted) == 2.0 / 3.0)
        #expect(try Metrics.f1(labels: labels, predicted: predicted) == 4.0 / 7.0)
    }

    @Test func noPredictedPositivesGivesZeroNotNaN() throws {
        // Nothing predicted 1: precision 0/0 and F1 0/(0+0+2) are 0, as sklearn's zero_division=0.
        #expect(try Metrics.precision(labels: [0, 1, 1], predicted: [0, 0, 0]) == 0)
        #expect(try Metrics.recall(labels: [0, 1, 1], predicted: [0, 0, 0]) == 0)
        #expect(try Metrics.f1(labels: [0, 1, 1], predicted: [0, 0, 0]) == 0)
    }

    @Test func binaryLogLossMatchesScikitLearnDocs() throws {
        // sklearn docs: log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
        // = 0.21616...; classes sort as ham = 0, spam = 1, so P(class 1) = [.9, .1, .2, .65].
        // p(true class) = .9, .9, .8, .65:
        // (0.1053605 + 0.1053605 + 0.2231436 + 0.4307829) / 4 = 0.8646475 / 4 = 0.2161619
        let loss = try Metrics.logLoss(labels: [1, 0, 0, 1], probabilities: [0.9, 0.1, 0.2, 0.65])
        #expect(abs(loss - 0.216161874) < 1e-8)
        #expect(abs(loss - (-(log(0.9) + log(0.9) + log(0.8) + log(0.65)) / 4)) < 1e-15)
    }

    @Test func multiclassLogLossWithTwoColumnsEqualsBinary() throws {
        let loss = try Metrics.logLoss(
            labels: [1, 0, 0, 1], probabilities: [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], classCount: 2)
        #expect(abs(loss - 0.216161874) < 1e-8)
    }

    @Test func multiclassLogLossTakesTheTrueClassColumn() throws {
        // p(true class) = .7 (row 0, class 0), .8 (row 1, class 1), .6 (row 2, class 2):
        // (0.3566749 + 0.2231436 + 0.5108256) / 3 = 1.0906441 / 3 = 0.3635480
        let loss = try Metrics.logLoss(
            labels: [0, 1, 2], probabilities: [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6], classCount: 3)
        #expect(abs(loss - 0.363548) < 1e-6)
    }

    @Test func logLossClipsCertainMistakesTo1e15() throws {
        // A certain mistake costs -ln(1e-15) = 34.538776..., not infinity.
        let wrongOne = try Metrics.logLoss(labels: [1], probabilities: [0.0])
        let wrongZero = try Metrics.logLoss(labels: [0], probabilities: [1.0])
        #expect(abs(wrongOne - 34.538776394910684) < 1e-9)
        // 1 - (1 - 1e-15) is 1e-15 up to one ulp of 1.0 (1.1e-16), so about -ln(1.1e-15) ... -ln(0.9e-15).
        #expect(abs(wrongZero - 34.538776394910684) < 0.2)
        #expect(wrongZero.isFinite)
        // A certain correct answer costs -ln(1 - 1e-15) ≈ 1e-15, not exactly 0.
        let right = try Metrics.logLoss(labels: [1, 0], probabilities: [1.0, 0.0])
        #expect(right > 0 && right < 1e-14)
    }

    @Test func logLossAcceptsNonArrayCollections() throws {
        let labels: ArraySlice<Int32> = [9, 1, 0, 0, 1][1...]
        let probabilities = [0.9, 0.1, 0.2, 0.65].lazy.map { $0 }
        let loss = try Metrics.logLoss(labels: labels, probabilities: probabilities)
        #expect(abs(loss - 0.216161874) < 1e-8)
    }
}
