extension SVGPlot {
    /// Feature importance as horizontal bars, largest first, each labelled with its share as a
    /// percentage. `share` is a fraction of the total (0.25 is drawn as 25%).
    ///
    /// Only the `limit` largest are drawn; the rest are counted in a note ("12 more features not shown").
    /// Items with a non-finite share are skipped and counted in a footnote.
    public static func featureImportance(_ items: [(name: String, share: Double)], limit: Int = 25) -> String {
        let title = "Feature importance"
        let finite = items.enumerated().filter { $0.element.share.isFinite }
        let skipped = items.count - finite.count
        guard !finite.isEmpty else { return noData(title: title) }

        // Largest first; equal shares keep their input order so the plot is deterministic.
        let sorted = finite.sorted { a, b in
            a.element.share != b.element.share ? a.element.share > b.element.share : a.offset < b.offset
        }.map(\.element)
        let shown = Array(sorted.prefix(max(1, limit)))
        let hidden = sorted.count - shown.count

        let names = shown.map { SVGDocument.truncated($0.name, toWidth: 200, size: labelSize) }
        let nameWidth = names.map { SVGDocument.textWidth($0, size: labelSize) }.max() ?? 0
        let rowHeight = 22.0
        let width = 640.0
        let plot = PlotArea(
            left: 16 + nameWidth + 10, top: 60, width: width - (16 + nameWidth + 10) - 64, height: rowHeight * Double(shown.count))
        let footnote = skippedNote(skipped, one: "feature with a non-finite share", many: "features with a non-finite share")
        let height = plot.bottom + 48 + (hidden > 0 ? 22 : 0) + (footnote == nil ? 8 : 24)

        var document = SVGDocument(width: width, height: height)
        let subtitle =
            hidden > 0
            ? "share of the total, top \(shown.count) of \(SVGDocument.count(sorted.count)) features"
            : "share of the total, \(SVGDocument.count(sorted.count)) \(sorted.count == 1 ? "feature" : "features")"
        drawTitle(&document, title, subtitle: subtitle)
        let percents = shown.map { $0.share * 100 }
        let (lowest, highest) = (min(0, percents.min()!), max(0, percents.max()!))
        // All zero still gets a 0–1% axis rather than one centred on zero.
        let axis = AxisScale(
            minimum: lowest, maximum: lowest == highest ? 1 : highest, pixels: (plot.left, plot.right), tickCount: 6)
        for tick in axis.ticks {
            let position = axis.position(tick)
            document.line(x1: position, y1: plot.top, x2: position, y2: plot.bottom, stroke: Palette.grid)
            document.text(axis.label(tick) + "%", x: position, y: plot.bottom + 16, size: labelSize, anchor: .middle)
        }
        let zero = axis.position(0)
        for (index, item) in shown.enumerated() {
            let rowTop = plot.top + Double(index) * rowHeight
            let end = axis.position(percents[index])
            document.rect(x: min(zero, end), y: rowTop + 4, width: abs(end - zero), height: rowHeight - 8, fill: Palette.series[0])
            document.text(names[index], x: plot.left - 8, y: rowTop + rowHeight / 2 + 4, size: labelSize, anchor: .end)
            document.text(SVGDocument.percent(item.share), x: max(zero, end) + 4, y: rowTop + rowHeight / 2 + 4, size: labelSize)
        }
        document.line(x1: zero, y1: plot.top, x2: zero, y2: plot.bottom, stroke: Palette.axis)
        document.text("Share of importance", x: plot.left + plot.width / 2, y: plot.bottom + 36, anchor: .middle)
        if hidden > 0 {
            let note = "\(SVGDocument.count(hidden)) more \(hidden == 1 ? "feature" : "features") not shown"
            document.text(note, x: plot.left, y: plot.bottom + 58, size: labelSize, fill: Palette.mutedText)
        }
        if let footnote { drawFootnote(&document, footnote) }
        return document.rendered(title: title)
    }
}
