import Foundation
import Testing

@testable import Learn

@Suite("FeatureBinner")
struct FeatureBinnerTests {
    private func column(_ values: [Double]) -> FeatureMatrix {
        FeatureMatrix(rowCount: values.count, columnCount: 1, values: values)
    }

    @Test("few distinct values: one bin per value, cut at midpoints, x >= cut goes to the upper bin")
    func fewDistinctValues() {
        let binner = FeatureBinner(fitting: column([3, 1, 2, 2]), maxBins: 255)
        #expect(binner.cuts == [[1.5, 2.5]])
        #expect(binner.binCounts == [3])
        #expect(binner.bin(column([1, 2, 3, 1.5, 2.4999, -10, 100])).bins == [0, 1, 2, 1, 1, 0, 2])
    }

    @Test("NaN goes to the missing bin and does not shape the cuts")
    func missingValues() {
        let x = column([.nan, 5, .nan, 7])
        let binner = FeatureBinner(fitting: x, maxBins: 255)
        #expect(binner.cuts == [[6]])
        // One real cut: bins 0 and 1 are real, 2 marks missing.
        #expect(binner.bin(x).missingBin(0) == 2)
        #expect(binner.bin(x).bins == [2, 0, 2, 1])
    }

    @Test(
        "edge cases per feature",
        arguments: [
            ([Double.nan, .nan], [Double]()),  // all missing: no cuts, one (empty) real bin
            ([4, 4, 4], []),  // constant
            ([-0.0, 0.0, 1], [0.5]),  // -0 and 0 are one value
        ])
    func edgeCases(values: [Double], cuts: [Double]) {
        #expect(FeatureBinner(fitting: column(values), maxBins: 255).cuts == [cuts])
    }

    @Test("many distinct values: cuts at count quantiles")
    func quantiles() {
        // 100 distinct values, 4 bins: the running count reaches 25, 50, 75 after 24, 49, 74.
        let binner = FeatureBinner(fitting: column((0..<100).map(Double.init)), maxBins: 4)
        #expect(binner.cuts == [[24.5, 49.5, 74.5]])
        let bins = binner.bin(column((0..<100).map(Double.init))).bins
        #expect((0..<4).map { b in bins.filter { $0 == b }.count } == [25, 25, 25, 25])
    }

    @Test("a heavy value gets its own bin and does not leave empty bins behind")
    func heavyValue() {
        // 60 zeros then 1...40 (100 rows, 4 bins): 0 passes the 25 and 50 boundaries at once (cut
        // 0.5); the running count reaches 75 at 15 (cut 15.5); the 100 boundary is the end.
        let values = [Double](repeating: 0, count: 60) + (1...40).map(Double.init)
        #expect(FeatureBinner(fitting: column(values), maxBins: 4).cuts == [[0.5, 15.5]])
    }

    @Test("a cut between adjacent doubles is the upper one, so both values stay apart")
    func adjacentDoubles() {
        let a = 1.0
        let b = a.nextUp
        let binner = FeatureBinner(fitting: column([a, b]), maxBins: 255)
        #expect(binner.cuts == [[b]])
        #expect(binner.bin(column([a, b])).bins == [0, 1])
    }

    @Test("binning is row-major and matches x < cut on the raw value")
    func rowMajorAndConsistent() {
        var generator = SeededGeneratorForTests(seed: 7)
        let rows = (0..<300).map { _ in [generator.unit(), generator.unit() * 10] }
        let x = FeatureMatrix(rows: rows)
        let binner = FeatureBinner(fitting: x, maxBins: 16)
        let binned = binner.bin(x)
        #expect(binner.binCounts.allSatisfy { $0 == 16 })
        for r in 0..<x.rowCount {
            for c in 0..<2 {
                let b = Int(binned.bins[r * x.columnCount + c])
                #expect(binned[r, c] == UInt8(b))
                let cuts = binner.cuts[c]
                if b > 0 { #expect(x[r, c] >= cuts[b - 1]) }
                if b < cuts.count { #expect(x[r, c] < cuts[b]) }
            }
        }
    }
}

@Suite("Radix sort of feature values")
struct RadixSortTests {
    @Test("sorts like the standard library: signs, zeros, subnormals, extremes, duplicates")
    func matchesStandardSort() {
        var generator = SeededGeneratorForTests(seed: 99)
        var values: [Double] = [
            0, -1, 1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, -1e300,
        ]
        for _ in 0..<5000 {
            let u = generator.unit()
            values.append(u < 0.3 ? Double(Int(u * 100)) : (u - 0.5) * pow(10, Double(Int(generator.unit() * 40)) - 20))
        }
        var radix = values
        FeatureBinner.radixSort(&radix)
        #expect(radix == values.sorted())
        var small = [3.0, -2, 1]
        FeatureBinner.radixSort(&small)
        #expect(small == [-2, 1, 3])
    }
}
