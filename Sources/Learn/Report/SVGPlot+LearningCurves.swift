extension SVGPlot {
    /// The evaluation metric after each boosting round (x = round 1...n) on the training rows and on
    /// the validation set, as in ``BoostingHistory``, with a dashed vertical marker at `bestRound` (the
    /// round the model keeps) when it is one of the plotted rounds.
    ///
    /// Either series may be empty (no validation set). Non-finite values leave a gap in their line
    /// and are counted in a footnote.
    public static func learningCurves(metric: String, train: [Double], validation: [Double], bestRound: Int?) -> String {
        let title = "Learning curves: \(metric)"
        let rounds = max(train.count, validation.count)
        let finite = (train + validation).filter(\.isFinite)
        guard rounds > 0, let low = finite.min(), let high = finite.max() else { return noData(title: title) }
        let skipped = train.count + validation.count - finite.count

        let width = 640.0
        let height = 480.0
        let plot = PlotArea(left: 76, top: 64, width: width - 76 - 24, height: height - 64 - 72)
        let x = AxisScale(minimum: 1, maximum: Double(rounds), pixels: (plot.left, plot.right), roundLimits: false, integers: true)
        let y = AxisScale(minimum: low, maximum: high, pixels: (plot.bottom, plot.top))

        var document = SVGDocument(width: width, height: height)
        drawTitle(&document, title)
        drawAxes(&document, plot: plot, x: x, y: y, xTitle: "Boosting round", yTitle: metric)

        let best = bestRound.flatMap { (1...rounds).contains($0) ? $0 : nil }
        if let best {
            let position = x.position(Double(best))
            document.line(x1: position, y1: plot.top, x2: position, y2: plot.bottom, stroke: Palette.axis, dash: "4 3")
            // Label on the side with more room, so it never runs off the plot.
            let onRight = position < plot.left + plot.width * 0.7
            document.text(
                "best round \(best)", x: position + (onRight ? 5 : -5), y: plot.top + 14, size: labelSize,
                anchor: onRight ? .start : .end, fill: Palette.axis)
        }

        let series = [("train", train, Palette.series[0]), ("validation", validation, Palette.series[1])]
        for (_, values, color) in series {
            for segment in finiteSegments(values) {
                var points = segment.map { (x: x.position(Double($0.round)), y: y.position($0.value)) }
                if points.count > 1000 { points = PolylineThinning.thin(points, tolerance: 0.5) }
                document.polyline(points, stroke: color, width: 2)
            }
            if let best, best <= values.count, values[best - 1].isFinite {
                document.circle(x: x.position(Double(best)), y: y.position(values[best - 1]), radius: 3.5, fill: color)
            }
        }

        // Legend along the top right, beside the title.
        var legendX = plot.right
        for (name, values, color) in series.reversed() where !values.isEmpty {
            legendX -= SVGDocument.textWidth(name, size: labelSize) + 34
            document.line(x1: legendX, y1: 44, x2: legendX + 22, y2: 44, stroke: color, width: 2)
            document.text(name, x: legendX + 26, y: 48, size: labelSize)
            legendX -= 8
        }
        if let footnote = skippedNote(skipped) { drawFootnote(&document, footnote) }
        return document.rendered(title: title)
    }

    /// Runs of consecutive finite values with their 1-based round, so a NaN breaks the line.
    static func finiteSegments(_ values: [Double]) -> [[(round: Int, value: Double)]] {
        var segments: [[(round: Int, value: Double)]] = []
        var current: [(round: Int, value: Double)] = []
        for (index, value) in values.enumerated() {
            if value.isFinite {
                current.append((round: index + 1, value: value))
            } else if !current.isEmpty {
                segments.append(current)
                current = []
            }
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }
}
