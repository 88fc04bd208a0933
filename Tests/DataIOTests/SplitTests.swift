import Testing

@testable import DataIO

struct SplitTests {
    @Test func splitMix64MatchesReferenceStream() {
        // Reference values of SplitMix64 (Vigna) for seed 0 and seed 1234567.
        var zero = SeededGenerator(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
        #expect(zero.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(zero.next() == 0x06C4_5D18_8009_454F)
        var other = SeededGenerator(seed: 1_234_567)
        #expect(other.next() == 6_457_827_717_110_365_317)
        #expect(other.next() == 3_203_168_211_198_807_973)
    }

    @Test func uniformStaysInRangeAndCoversIt() {
        var generator = SeededGenerator(seed: 9)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let v = generator.uniform(below: 7)
            #expect((0..<7).contains(v))
            seen.insert(v)
        }
        #expect(seen.count == 7)
    }

    @Test(arguments: [(100, 0.2, 20), (10, 0.25, 3), (3, 0.9, 2), (2, 0.01, 1), (1000, 0.333, 333)])
    func plainSplitSizes(_ rows: Int, _ fraction: Double, _ validationCount: Int) {
        let split = trainValidationSplit(rowCount: rows, validationFraction: fraction, seed: 1)
        #expect(split.validation.count == validationCount)
        #expect(split.train.count == rows - validationCount)
        #expect((split.train + split.validation).sorted() == Array(0..<rows))
        #expect(split.train == split.train.sorted())
        #expect(split.validation == split.validation.sorted())
    }

    @Test(arguments: [0.0, -0.5, 1.0, 1.5, Double.nan])
    func fractionOutsideOpenIntervalKeepsAllRowsInTrain(_ fraction: Double) {
        let split = trainValidationSplit(rowCount: 10, validationFraction: fraction, seed: 1)
        #expect(split.train == Array(0..<10))
        #expect(split.validation.isEmpty)
    }

    @Test func sameSeedSameSplitDifferentSeedDifferentSplit() {
        let labels = (0..<500).map { Int32($0 % 3) }
        let a = trainValidationSplit(rowCount: 500, validationFraction: 0.2, seed: 42)
        let b = trainValidationSplit(rowCount: 500, validationFraction: 0.2, seed: 42)
        let c = trainValidationSplit(rowCount: 500, validationFraction: 0.2, seed: 43)
        #expect(a.validation == b.validation)
        #expect(a.validation != c.validation)
        let sa = trainValidationSplit(rowCount: 500, validationFraction: 0.2, seed: 42, stratifyBy: labels)
        let sb = trainValidationSplit(rowCount: 500, validationFraction: 0.2, seed: 42, stratifyBy: labels)
        let sc = trainValidationSplit(rowCount: 500, validationFraction: 0.2, seed: 43, stratifyBy: labels)
        #expect(sa.validation == sb.validation)
        #expect(sa.validation != sc.validation)
    }

    @Test func stratifiedSplitKeepsClassProportions() {
        // 990 negatives and 10 positives, like a fraud data set.
        var labels = [Int32](repeating: 0, count: 1000)
        for k in stride(from: 5, to: 1000, by: 100) { labels[k] = 1 }
        let split = trainValidationSplit(rowCount: 1000, validationFraction: 0.2, seed: 7, stratifyBy: labels)
        #expect(split.validation.count == 200)
        #expect(split.validation.filter { labels[$0] == 1 }.count == 2)
        #expect(split.train.filter { labels[$0] == 1 }.count == 8)
        #expect((split.train + split.validation).sorted() == Array(0..<1000))
        #expect(split.train == split.train.sorted() && split.validation == split.validation.sorted())
    }

    @Test func stratifiedSplitKeepsEveryClassInTrain() {
        // Three singleton classes: none may go to validation, whatever the fraction.
        let labels: [Int32] = [0, 0, 0, 0, 0, 0, 1, 2, 3]
        for seed in 0..<20 as Range<UInt64> {
            let split = trainValidationSplit(rowCount: labels.count, validationFraction: 0.5, seed: seed, stratifyBy: labels)
            #expect(Set(split.train.map { labels[$0] }) == [0, 1, 2, 3])
            #expect(split.validation.count == 5)
            #expect(split.validation.allSatisfy { labels[$0] == 0 })
        }
    }

    @Test func stratifiedRemaindersReachTheRequestedTotal() {
        // Six classes of two rows at 20%: per-class rounding alone would give no validation rows.
        let labels: [Int32] = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        let split = trainValidationSplit(rowCount: 12, validationFraction: 0.2, seed: 1, stratifyBy: labels)
        #expect(split.validation.count == 2)
        #expect(Set(split.validation.map { labels[$0] }).count == 2)
    }
}
