extension SVGPlot {
    /// Points beyond which a ROC curve is thinned before drawing.
    static let rocThinningThreshold = 1000

    /// ROC curves on one square plot, one line per curve (one for a binary model, one per class for
    /// one-vs-rest), with the dashed chance diagonal and a legend reading `name (AUC 0.9123)`.
    ///
    /// Up to eight curves share a legend inside the empty lower-right corner; more get a legend
    /// column beside the plot and a taller canvas. Curves over 1000 points are thinned for drawing, never
    /// by more than half a pixel and keeping both ends.
    public static func rocCurves(_ curves: [(name: String, curve: ROCCurve)]) -> String {
        let title = curves.count > 1 ? "ROC curves" : "ROC curve"
        guard !curves.isEmpty else { return noData(title: title, width: 520, height: 520) }

        let side = 400.0
        let plot = PlotArea(left: 72, top: 60, width: side, height: side)
        let legendInside = curves.count <= 8
        let entryHeight = 18.0
        let entryCount = Double(curves.count + 1)
        let width = legendInside ? 520 : plot.right + 24 + 260 + 16
        let height = legendInside ? 520 : max(520, plot.top + entryCount * entryHeight + 16)

        var document = SVGDocument(width: width, height: height)
        drawTitle(&document, title, subtitle: "true positive rate against false positive rate at every score threshold")
        let x = AxisScale(lower: 0, upper: 1, step: 0.2, pixels: (plot.left, plot.right))
        let y = AxisScale(lower: 0, upper: 1, step: 0.2, pixels: (plot.bottom, plot.top))
        drawAxes(&document, plot: plot, x: x, y: y, xTitle: "False positive rate", yTitle: "True positive rate")
        document.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.top, stroke: Palette.reference, dash: "5 4")

        // The first curve is drawn last, so it stays on top where lines overlap.
        for (index, entry) in curves.enumerated().reversed() {
            let curve = entry.curve
            let points =
                curve.falsePositiveRates.count > rocThinningThreshold
                ? curve.thinnedPoints(tolerance: 0.5 / side)
                : zip(curve.falsePositiveRates, curve.truePositiveRates).map { (x: $0, y: $1) }
            let style = Palette.seriesStyle(index)
            document.polyline(
                points.map { (x: x.position($0.x), y: y.position($0.y)) }, stroke: style.color, width: 2, dash: style.dash)
        }

        var entries = curves.enumerated().map { index, entry in
            let style = Palette.seriesStyle(index)
            let auc = " (AUC \(SVGDocument.fixed(entry.curve.auc, decimals: 4)))"
            return (name: entry.name, suffix: auc, color: style.color, dash: style.dash, width: 2.0)
        }
        entries.append((name: "chance", suffix: " (AUC 0.5)", color: Palette.reference, dash: "5 4", width: 1.0))
        let textSize = labelSize
        let maximumTextWidth = legendInside ? plot.width - 64 : 260 - 48
        let texts = entries.map { entry in
            let room = maximumTextWidth - SVGDocument.textWidth(entry.suffix, size: textSize)
            return SVGDocument.truncated(entry.name, toWidth: room, size: textSize) + entry.suffix
        }
        let boxWidth = (texts.map { SVGDocument.textWidth($0, size: textSize) }.max() ?? 0) + 48
        let boxHeight = entryCount * entryHeight + 8
        let (boxLeft, boxTop) =
            legendInside ? (plot.right - boxWidth - 8, plot.bottom - boxHeight - 8) : (plot.right + 24, plot.top)
        document.rect(x: boxLeft, y: boxTop, width: boxWidth, height: boxHeight, fill: "#ffffff", stroke: Palette.grid, opacity: 0.9)
        for (index, entry) in entries.enumerated() {
            let rowY = boxTop + 4 + (Double(index) + 0.5) * entryHeight
            document.line(
                x1: boxLeft + 8, y1: rowY, x2: boxLeft + 34, y2: rowY, stroke: entry.color, width: entry.width, dash: entry.dash)
            document.text(texts[index], x: boxLeft + 40, y: rowY + 4, size: textSize)
        }
        return document.rendered(title: title)
    }
}
