extension SVGPlot {
    /// A regression model's predictions against the actual values, one dot per row, on equal axes with
    /// the dashed line where prediction equals actual.
    ///
    /// Over `limit` rows, an evenly strided sample of `limit` rows is drawn (the same rows every time)
    /// and the title says so. Rows where either value is non-finite are skipped and counted in a footnote.
    /// Arrays of different lengths give a plot that says so.
    public static func predictedVersusActual(actual: [Double], predicted: [Double], limit: Int = 2000) -> String {
        var title = "Predicted vs actual"
        guard actual.count == predicted.count else {
            return message(
                "cannot plot: actual has \(actual.count) values but predicted has \(predicted.count)", title: title, width: 560,
                height: 560)
        }
        let pairs = zip(actual, predicted).filter { $0.0.isFinite && $0.1.isFinite }
        let skipped = actual.count - pairs.count
        guard !pairs.isEmpty else { return noData(title: title, width: 560, height: 560) }

        let drawn: [(Double, Double)]
        let sampleSize = max(1, limit)
        if pairs.count > sampleSize {
            drawn = stridedSample(count: pairs.count, limit: sampleSize).map { pairs[$0] }
            title += " (\(SVGDocument.count(sampleSize)) of \(SVGDocument.count(pairs.count)) rows shown)"
        } else {
            drawn = pairs
        }

        let values = drawn.flatMap { [$0.0, $0.1] }
        // A little room around the data keeps dots off the axis lines, without making a non-negative
        // target's axis start below zero.
        let (low, high) = (values.min()!, values.max()!)
        let pad = (high - low) * 0.03
        let lower = low >= 0 ? max(0, low - pad) : low - pad
        let upper = high <= 0 ? min(0, high + pad) : high + pad
        let plot = PlotArea(left: 80, top: 60, width: 440, height: 440)
        let x = AxisScale(minimum: lower, maximum: upper, pixels: (plot.left, plot.right))
        let y = AxisScale(minimum: lower, maximum: upper, pixels: (plot.bottom, plot.top))

        var document = SVGDocument(width: 560, height: 560)
        let sampled = drawn.count < pairs.count
        let subtitle = (sampled ? "an evenly strided sample, " : "") + "one dot per row; dashed line: predicted = actual"
        drawTitle(&document, title, subtitle: subtitle)
        drawAxes(&document, plot: plot, x: x, y: y, xTitle: "Actual", yTitle: "Predicted")
        let radius = drawn.count > 500 ? 2.0 : 3.0
        // Dense scatters are translucent so overlapping dots show where rows pile up.
        let opacity = drawn.count > 500 ? "0.45" : "0.75"
        document.beginGroup("fill=\"\(Palette.series[0])\" fill-opacity=\"\(opacity)\"")
        for (actual, predicted) in drawn {
            document.circle(x: x.position(actual), y: y.position(predicted), radius: radius)
        }
        document.endGroup()
        document.line(
            x1: x.position(x.lower), y1: y.position(y.lower), x2: x.position(x.upper), y2: y.position(y.upper),
            stroke: Palette.series[1], width: 1.5, dash: "6 4")
        if let footnote = skippedNote(skipped, one: "row with a non-finite value", many: "rows with a non-finite value") {
            drawFootnote(&document, footnote)
        }
        return document.rendered(title: title)
    }

    /// `limit` indices spread evenly over `0..<count` (all of them when `count <= limit`), the first
    /// row included. Integer arithmetic makes the sample the same on every run and platform.
    static func stridedSample(count: Int, limit: Int) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        return (0..<limit).map { $0 * count / limit }
    }
}
