import DataIO
import Foundation
import Testing

@testable import Learn

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What XMLParser saw in a document: every element with its attributes, and the text of each
/// `<text>` and `<title>` element as the parser decoded it (entities resolved).
final class ParsedSVG: NSObject, XMLParserDelegate {
    private(set) var elements: [(name: String, attributes: [String: String])] = []
    private(set) var texts: [String] = []
    private var openText: String?

    static func parse(_ svg: String) throws -> ParsedSVG {
        let result = ParsedSVG()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = result
        guard parser.parse() else {
            throw ParseFailure(description: "\(parser.parserError.map { "\($0)" } ?? "unknown error") in:\n\(svg.prefix(2000))")
        }
        return result
    }

    struct ParseFailure: Error, CustomStringConvertible {
        let description: String
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append((elementName, attributes))
        if elementName == "text" || elementName == "title" { openText = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        openText? += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text" || elementName == "title", let text = openText {
            texts.append(text)
            openText = nil
        }
    }

    func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }
    func all(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
    func hasText(_ text: String) -> Bool { texts.contains(text) }
    func hasText(containing part: String) -> Bool { texts.contains { $0.contains(part) } }
}

struct SVGPlotTests {
    // MARK: Every plot is a valid SVG document

    static let examples: [(String, String)] = {
        var generator = SeededGenerator(seed: 11)
        let labels = (0..<400).map { _ in Int32(generator.uniform(below: 2)) }
        let scores = labels.map { Double($0) * 0.3 + Double(generator.uniform(below: 100)) / 100 }
        let curve = try! ROCCurve(labels: labels, scores: scores)
        let manyClasses = (0..<30).map { "class number \($0) with a long name" }
        let manyCounts = (0..<30).map { row in (0..<30).map { row == $0 ? 500 + row : ($0 + row) % 7 } }
        return [
            ("binary confusion matrix", SVGPlot.confusionMatrix(classes: ["no", "yes"], counts: [[50, 3], [7, 40]])),
            ("30-class confusion matrix", SVGPlot.confusionMatrix(classes: manyClasses, counts: manyCounts)),
            ("one ROC curve", SVGPlot.rocCurves([(name: "Class", curve: curve)])),
            ("twelve ROC curves", SVGPlot.rocCurves((0..<12).map { (name: "class \($0)", curve: curve) })),
            ("all-zero importance", SVGPlot.featureImportance([(name: "a", share: 0), (name: "b", share: 0)])),
            ("importance", SVGPlot.featureImportance((0..<40).map { (name: "feature \($0)", share: 1 / Double($0 + 2)) })),
            (
                "learning curves",
                SVGPlot.learningCurves(
                    metric: "logloss", train: (1...200).map { 0.7 / Double($0) },
                    validation: (1...200).map { 0.8 / Double($0) + 0.001 * Double($0) },
                    bestRound: 28)
            ),
            (
                "predicted vs actual",
                SVGPlot.predictedVersusActual(actual: (0..<300).map { Double($0) * 1e4 }, predicted: (0..<300).map { Double($0) * 1.1e4 })
            ),
            ("tiny values", SVGPlot.predictedVersusActual(actual: [1e-7, 2e-7, 3e-7], predicted: [1.5e-7, 2e-7, 2.5e-7])),
        ]
    }()

    @Test(arguments: examples.indices)
    func everyPlotIsWellFormedSVG(_ index: Int) throws {
        let (name, svg) = Self.examples[index]
        let parsed = try ParsedSVG.parse(svg)
        let root = try #require(parsed.elements.first, "\(name)")
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"]?.hasPrefix("0 0 ") == true)
        #expect(root.attributes["font-family"]?.contains("sans-serif") == true)
        // Coordinates are plain fixed-point numbers: no exponent, NaN or infinity anywhere.
        let plainNumber = /-?[0-9]+(\.[0-9]{1,2})?/
        for element in parsed.elements {
            for key in ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"] {
                guard let value = element.attributes[key] else { continue }
                #expect(value.wholeMatch(of: plainNumber) != nil, "\(name): <\(element.name) \(key)=\"\(value)\">")
            }
            if let points = element.attributes["points"] {
                for coordinate in points.split(whereSeparator: { $0 == " " || $0 == "," }) {
                    #expect(coordinate.wholeMatch(of: plainNumber) != nil, "\(name): polyline coordinate \(coordinate)")
                }
            }
        }
        #expect(!svg.contains("nan") && !svg.contains("inf"), "\(name)")
    }

    // MARK: Text escaping

    @Test func specialCharactersAreEscapedAndRoundTrip() throws {
        let name = "a<&\"'>b"
        let curve = try ROCCurve(labels: [0, 1, 0, 1], scores: [0.1, 0.9, 0.4, 0.35])
        let documents = [
            SVGPlot.confusionMatrix(classes: [name, "other"], counts: [[1, 2], [3, 4]]),
            SVGPlot.rocCurves([(name: name, curve: curve)]),
            SVGPlot.featureImportance([(name: name, share: 0.6), (name: "x", share: 0.4)]),
            SVGPlot.learningCurves(metric: name, train: [0.5, 0.4], validation: [0.6, 0.5], bestRound: 2),
        ]
        for svg in documents {
            #expect(!svg.contains(name))
            #expect(svg.contains("a&lt;&amp;&quot;&apos;&gt;b"))
            let parsed = try ParsedSVG.parse(svg)
            #expect(parsed.hasText(containing: name))
        }
        #expect(try ParsedSVG.parse(documents[1]).hasText("\(name) (AUC 0.7500)"))
    }

    @Test func controlCharactersDoNotBreakTheDocument() throws {
        let svg = SVGPlot.featureImportance([(name: "tab\there\u{1}bell\u{7}", share: 1)])
        let parsed = try ParsedSVG.parse(svg)
        #expect(parsed.hasText("tab here\u{FFFD}bell\u{FFFD}"))
    }

    // MARK: ROC curve

    @Test func rocPointsOfAHandComputedExample() throws {
        // Descending thresholds over P = 3 positives and N = 3 negatives:
        //   0.9 negative          -> FP 1, TP 0 -> (1/3, 0)
        //   0.8 positive+negative -> FP 2, TP 1 -> (2/3, 1/3), one diagonal step for the tie
        //   0.6 positive          -> FP 2, TP 2 -> (2/3, 2/3)
        //   0.3 positive          -> FP 2, TP 3 -> (2/3, 1)
        //   0.1 negative          -> FP 3, TP 3 -> (1, 1)
        // Trapezoids: 1/3·0 + 1/3·(0 + 1/3)/2 + 0 + 0 + 1/3·1 = 1/18 + 6/18 = 7/18.
        let curve = try ROCCurve(labels: [0, 1, 0, 1, 1, 0], scores: [0.9, 0.8, 0.8, 0.6, 0.3, 0.1])
        let third: Double = 1.0 / 3
        let twoThirds: Double = 2.0 / 3
        let expectedFalsePositiveRates: [Double] = [0, third, twoThirds, twoThirds, twoThirds, 1]
        let expectedTruePositiveRates: [Double] = [0, 0, third, twoThirds, 1, 1]
        #expect(curve.falsePositiveRates == expectedFalsePositiveRates)
        #expect(curve.truePositiveRates == expectedTruePositiveRates)
        #expect(abs(curve.auc - 7.0 / 18) < 1e-15)
    }

    @Test func allTiedScoresMakeOneDiagonal() throws {
        let curve = try ROCCurve(labels: [0, 1, 1, 0, 1], scores: [0.4, 0.4, 0.4, 0.4, 0.4])
        #expect(curve.falsePositiveRates == [0, 1])
        #expect(curve.truePositiveRates == [0, 1])
        #expect(curve.auc == 0.5)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func rocAreaEqualsMetricsRocAUCWithTies(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let rows = 50 + generator.uniform(below: 5000)
        // Few distinct score values, so most rows tie with others; labels depend on the score.
        let buckets = 2 + generator.uniform(below: 40)
        let scores = (0..<rows).map { _ in Double(generator.uniform(below: buckets)) / Double(buckets) }
        let labels = scores.map { Int32(Double(generator.uniform(below: 1000)) / 1000 < 0.2 + 0.6 * $0 ? 1 : 0) }
        let curve = try ROCCurve(labels: labels, scores: scores)
        #expect(abs(curve.auc - (try Metrics.rocAUC(labels: labels, scores: scores))) < 1e-12)
        #expect(curve.falsePositiveRates.count == Set(scores).count + 1)
        #expect(curve.falsePositiveRates.first == 0 && curve.truePositiveRates.first == 0)
        #expect(curve.falsePositiveRates.last == 1 && curve.truePositiveRates.last == 1)
    }

    @Test func rocAreaEqualsMetricsRocAUCWithoutTies() throws {
        var generator = SeededGenerator(seed: 99)
        let scores = (0..<3000).map { _ in Double(generator.next() >> 11) / Double(1 << 53) }
        let labels = scores.map { Int32(generator.uniform(below: 100) < Int($0 * 70) + 15 ? 1 : 0) }
        let curve = try ROCCurve(labels: labels, scores: scores)
        #expect(abs(curve.auc - (try Metrics.rocAUC(labels: labels, scores: scores))) < 1e-12)
    }

    @Test(
        arguments: [
            ([0, 0, 0], [0.1, 0.2, 0.3]),  // one class only
            ([0, 1], [0.1]),  // counts differ
            ([], []),  // empty
            ([0, 2, 1], [0.1, 0.2, 0.3]),  // label out of range
            // Non-finite score: infinity rather than NaN, as a NaN in the error would make it unequal to itself.
            ([0, 1, 1], [0.1, .infinity, 0.3]),
        ] as [([Int32], [Double])])
    func rocCurveThrowsWhatRocAUCThrows(labels: [Int32], scores: [Double]) throws {
        var thrown: MetricError?
        do { _ = try Metrics.rocAUC(labels: labels, scores: scores) } catch { thrown = error }
        let expected = try #require(thrown)
        #expect(throws: expected) { try ROCCurve(labels: labels, scores: scores) }
    }

    @Test func oneVsRestCurvesAverageToTheMulticlassAUC() throws {
        var generator = SeededGenerator(seed: 21)
        let classCount = 4
        let labels = (0..<600).map { _ in Int32(generator.uniform(below: classCount)) }
        let scores = labels.flatMap { label in
            (0..<classCount).map { Double(generator.uniform(below: 10) + ($0 == Int(label) ? 4 : 0)) / 14 }
        }
        let curves = try ROCCurve.oneVsRest(labels: labels, scores: scores, classCount: classCount)
        #expect(curves.count == classCount)
        let mean = curves.reduce(0) { $0 + $1.auc } / Double(classCount)
        #expect(abs(mean - (try Metrics.rocAUC(labels: labels, scores: scores, classCount: classCount))) < 1e-12)
        #expect(throws: MetricError(.classAbsent(classIndex: 2), metric: "ROC AUC")) {
            try ROCCurve.oneVsRest(labels: [0, 1, 3], scores: [Double](repeating: 0.25, count: 12), classCount: 4)
        }
    }

    @Test func longCurvesAreThinnedWithinHalfAPixel() throws {
        var generator = SeededGenerator(seed: 5)
        let scores = (0..<20_000).map { _ in Double(generator.next() >> 11) / Double(1 << 53) }
        let labels = scores.map { Int32(Double(generator.uniform(below: 1000)) / 1000 < $0 ? 1 : 0) }
        let curve = try ROCCurve(labels: labels, scores: scores)
        let tolerance = 0.5 / 400
        let thinned = curve.thinnedPoints(tolerance: tolerance)
        #expect(thinned.count < curve.falsePositiveRates.count / 4)
        #expect(thinned.first! == (x: 0, y: 0) && thinned.last! == (x: 1, y: 1))
        for (x, y) in zip(curve.falsePositiveRates, curve.truePositiveRates) {
            let nearest = zip(thinned, thinned.dropFirst()).map { PolylineThinning.distanceFromSegment((x, y), $0, $1) }.min()!
            #expect(nearest <= tolerance + 1e-12, "(\(x), \(y)) is \(nearest) from the thinned curve")
        }
        // The plot draws the thinned curve, not all 20,000 points.
        let polyline = try #require(ParsedSVG.parse(SVGPlot.rocCurves([(name: "c", curve: curve)])).all("polyline").first)
        #expect(polyline["points"]!.split(separator: " ").count == thinned.count)
    }

    @Test func rocPlotHasALegendEntryPerCurveAndTheChanceLine() throws {
        let a = try ROCCurve(labels: [0, 1, 0, 1], scores: [0.1, 0.9, 0.4, 0.35])
        let b = try ROCCurve(labels: [0, 1, 0, 1], scores: [0.1, 0.9, 0.4, 0.8])
        let parsed = try ParsedSVG.parse(SVGPlot.rocCurves([(name: "setosa", curve: a), (name: "virginica", curve: b)]))
        #expect(parsed.count("polyline") == 2)
        #expect(parsed.hasText("setosa (AUC 0.7500)") && parsed.hasText("virginica (AUC 1.0000)"))
        #expect(parsed.hasText("chance (AUC 0.5)"))
        #expect(parsed.hasText("False positive rate") && parsed.hasText("True positive rate"))
        #expect(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"].allSatisfy { parsed.hasText($0) })
        #expect(parsed.all("line").contains { $0["stroke-dasharray"] != nil && $0["x1"] == "72" && $0["y2"] == "60" })
    }

    // MARK: Confusion matrix

    @Test func confusionMatrixShowsCountsAndRowShares() throws {
        let parsed = try ParsedSVG.parse(SVGPlot.confusionMatrix(classes: ["cat", "dog"], counts: [[8, 2], [1, 3]]))
        for text in ["Actual", "Predicted", "cat", "dog", "8", "80.0%", "2", "20.0%", "1", "25.0%", "3", "75.0%"] {
            #expect(parsed.hasText(text), "missing \(text)")
        }
        #expect(parsed.hasText(containing: "accuracy 78.6%"))  // 11 of 14
        // Four cells, shaded darker for the larger share of its row.
        let cells = parsed.all("rect").filter { $0["stroke"] == "#ffffff" }
        #expect(cells.count == 4)
        #expect(cells[0]["fill"] != cells[1]["fill"])
    }

    @Test func longClassNamesAreCutWithAnEllipsis() throws {
        let long = String(repeating: "verylongclassname", count: 5)
        let classes = [long + "_1", long + "_2", "c"]
        let parsed = try ParsedSVG.parse(SVGPlot.confusionMatrix(classes: classes, counts: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
        #expect(!parsed.hasText(containing: long))
        // The ellipsis goes in the middle, so names differing only at the end stay distinct.
        for suffix in ["_1", "_2"] {
            let cut = parsed.texts.filter { $0.hasPrefix("verylong") && $0.contains("…") && $0.hasSuffix("name" + suffix) }
            #expect(cut.count == 2, "row and column label ending \(suffix)")
        }
    }

    @Test func manyClassesGrowTheCanvas() throws {
        let classes = (0..<30).map { "c\($0)" }
        let counts = (0..<30).map { row in (0..<30).map { $0 == row ? 10 : 0 } }
        let parsed = try ParsedSVG.parse(SVGPlot.confusionMatrix(classes: classes, counts: counts))
        let root = parsed.elements[0].attributes
        #expect(Double(root["width"]!)! >= 30 * 40)
        #expect(parsed.all("rect").filter { $0["stroke"] == "#ffffff" }.count == 900)
    }

    @Test func aMatrixOfTheWrongShapeSaysSo() throws {
        let parsed = try ParsedSVG.parse(SVGPlot.confusionMatrix(classes: ["a", "b", "c"], counts: [[1, 2], [3, 4]]))
        #expect(parsed.hasText("cannot plot: counts is 2 x 2 but there are 3 classes"))
    }

    // MARK: Feature importance

    @Test func importanceDrawsTheLargestUpToTheLimitAndCountsTheRest() throws {
        // Shares in scrambled order; feature k has share proportional to k.
        let order = [7, 3, 12, 0, 9, 1, 14, 5, 11, 2, 13, 6, 10, 4, 8]
        let items = order.map { (name: "f\($0)", share: Double($0 + 1) / 120) }
        let parsed = try ParsedSVG.parse(SVGPlot.featureImportance(items, limit: 5))
        let bars = parsed.all("rect").filter { $0["fill"] == Palette.series[0] }
        #expect(bars.count == 5)
        let names = parsed.texts.filter { $0.hasPrefix("f") && Int($0.dropFirst()) != nil }
        #expect(names == ["f14", "f13", "f12", "f11", "f10"])
        #expect(parsed.hasText("10 more features not shown"))
        #expect(parsed.hasText("share of the total, top 5 of 15 features"))
        #expect(parsed.hasText("12.5%"))  // f14: 15/120
        let widths = bars.map { Double($0["width"]!)! }
        #expect(widths == widths.sorted(by: >))

        let all = try ParsedSVG.parse(SVGPlot.featureImportance(items))
        #expect(all.all("rect").filter { $0["fill"] == Palette.series[0] }.count == 15)
        #expect(!all.hasText(containing: "not shown"))
    }

    // MARK: Learning curves

    @Test func learningCurvesMarkTheBestRound() throws {
        let parsed = try ParsedSVG.parse(
            SVGPlot.learningCurves(metric: "rmse", train: [5, 4, 3, 2.5, 2], validation: [5.5, 4.6, 4.1, 4.3, 4.4], bestRound: 3))
        #expect(parsed.count("polyline") == 2)
        #expect(parsed.hasText("best round 3") && parsed.hasText("train") && parsed.hasText("validation"))
        #expect(parsed.hasText("Boosting round") && parsed.hasText("Learning curves: rmse"))
        let marker = try #require(parsed.all("line").first { $0["stroke-dasharray"] == "4 3" })
        #expect(marker["x1"] == marker["x2"])

        let outOfRange = try ParsedSVG.parse(SVGPlot.learningCurves(metric: "rmse", train: [3, 2], validation: [], bestRound: 9))
        #expect(!outOfRange.hasText(containing: "best round"))
        #expect(outOfRange.count("polyline") == 1)
    }

    // MARK: Predicted versus actual

    @Test func scatterDrawsEveryRowUpToTheLimit() throws {
        let parsed = try ParsedSVG.parse(SVGPlot.predictedVersusActual(actual: [1, 2, 3, 4], predicted: [1.1, 2.2, 2.7, 4.4]))
        #expect(parsed.count("circle") == 4)
        #expect(parsed.hasText("Predicted vs actual"))
    }

    @Test func largeScattersDrawAStridedSampleAndSaySo() throws {
        let actual = (0..<5000).map { Double($0) }
        let svg = SVGPlot.predictedVersusActual(actual: actual, predicted: actual.map { $0 * 0.9 }, limit: 2000)
        let parsed = try ParsedSVG.parse(svg)
        #expect(parsed.count("circle") == 2000)
        #expect(parsed.hasText("Predicted vs actual (2,000 of 5,000 rows shown)"))
        #expect(svg == SVGPlot.predictedVersusActual(actual: actual, predicted: actual.map { $0 * 0.9 }, limit: 2000))
    }

    @Test func theSampleIsEvenlyStrided() {
        let sample = SVGPlot.stridedSample(count: 5000, limit: 2000)
        #expect(sample.count == 2000)
        #expect(sample.first == 0 && sample.last == 4997)
        // 5000 / 2000 = 2.5 rows apart: every gap is 2 or 3.
        #expect(zip(sample, sample.dropFirst()).allSatisfy { [2, 3].contains($1 - $0) })
        #expect(SVGPlot.stridedSample(count: 3, limit: 2000) == [0, 1, 2])
    }

    // MARK: Non-finite and empty input

    @Test func nonFiniteValuesAreSkipped() throws {
        let curves = SVGPlot.learningCurves(
            metric: "logloss", train: [0.6, .nan, 0.4, 0.3], validation: [0.7, 0.6, .infinity, 0.5], bestRound: 4)
        let parsedCurves = try ParsedSVG.parse(curves)
        // Each gap splits its line: train becomes a dot and a line, validation a line and a dot.
        #expect(parsedCurves.count("polyline") == 2)
        #expect(parsedCurves.hasText("2 non-finite values skipped"))

        let scatter = try ParsedSVG.parse(
            SVGPlot.predictedVersusActual(actual: [1, .nan, 3, 4, 5], predicted: [1, 2, -.infinity, 4, 5]))
        #expect(scatter.count("circle") == 3)
        #expect(scatter.hasText("2 rows with a non-finite value skipped"))

        let importance = try ParsedSVG.parse(
            SVGPlot.featureImportance([(name: "a", share: 0.7), (name: "b", share: .nan), (name: "c", share: 0.3)]))
        #expect(!importance.hasText("b"))
        #expect(importance.hasText("1 feature with a non-finite share skipped"))

        for svg in [curves, SVGPlot.predictedVersusActual(actual: [.nan, 1], predicted: [1, .infinity])] {
            #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
        }
    }

    @Test func emptyInputSaysNoData() throws {
        let documents = [
            SVGPlot.confusionMatrix(classes: [], counts: []),
            SVGPlot.rocCurves([]),
            SVGPlot.featureImportance([]),
            SVGPlot.featureImportance([(name: "a", share: .nan)]),
            SVGPlot.learningCurves(metric: "auc", train: [], validation: [], bestRound: nil),
            SVGPlot.learningCurves(metric: "auc", train: [.nan], validation: [], bestRound: 1),
            SVGPlot.predictedVersusActual(actual: [], predicted: []),
            SVGPlot.predictedVersusActual(actual: [.nan], predicted: [1]),
        ]
        for svg in documents {
            let parsed = try ParsedSVG.parse(svg)
            #expect(parsed.hasText("no data"))
            #expect(parsed.count("polyline") == 0 && parsed.count("circle") == 0)
        }
    }

    // MARK: Axes and numbers

    @Test func ticksAreNiceSteps() {
        let rates = AxisScale(minimum: 0.13, maximum: 0.87, pixels: (0, 100))
        #expect(rates.step == 0.2 && rates.lower == 0 && rates.upper == 1)
        #expect(rates.ticks.map(rates.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])

        let losses = AxisScale(minimum: 0.0412, maximum: 0.0688, pixels: (0, 100))
        #expect(losses.ticks.map(losses.label) == ["0.04", "0.05", "0.06", "0.07"])

        let rounds = AxisScale(minimum: 1, maximum: 437, pixels: (0, 100), roundLimits: false, integers: true)
        #expect(rounds.ticks == [100, 200, 300, 400])
        #expect(rounds.lower == 1 && rounds.upper == 437)

        let prices = AxisScale(minimum: 12_000, maximum: 730_000, pixels: (0, 100))
        #expect(prices.ticks.map(prices.label) == ["0", "200k", "400k", "600k", "800k"])

        let fewRounds = AxisScale(minimum: 1, maximum: 3, pixels: (0, 100), roundLimits: false, integers: true)
        #expect(fewRounds.ticks == [1, 2, 3])
    }

    @Test func coordinatesAreFixedPointWithoutNegativeZero() {
        #expect(SVGDocument.number(12.5) == "12.5")
        #expect(SVGDocument.number(300) == "300")
        #expect(SVGDocument.number(1e-5) == "0")
        #expect(SVGDocument.number(-0.001) == "0")
        #expect(SVGDocument.number(1.0 / 3) == "0.33")
        #expect(SVGDocument.number(.nan) == "0")
        #expect(SVGDocument.count(1_234_567) == "1,234,567")
        #expect(SVGDocument.percent(0.0004) == "<0.1%")
        #expect(SVGDocument.percent(1) == "100%")
    }
}
