extension SVGPlot {
    /// A confusion matrix as a heat map: actual classes on rows, predicted classes on columns, each
    /// cell showing its count and its share of the row (the recall for diagonal cells) and shaded by that
    /// share, so a small class's confusions show as clearly as a large one's.
    ///
    /// `counts[actual][predicted]`, as ``ConfusionMatrix/counts``; `classes` names the rows and columns
    /// (long names are cut with an ellipsis). The canvas grows with the class count so 30 classes stay
    /// legible. A matrix that is not `classes.count` square, or holds a negative count, gives a plot
    /// that says so.
    public static func confusionMatrix(classes: [String], counts: [[Int]]) -> String {
        let title = "Confusion matrix"
        let n = classes.count
        guard n > 0 else { return noData(title: title) }
        if counts.count != n || counts.contains(where: { $0.count != n }) {
            let shape = "\(counts.count) x \(counts.map(\.count).max() ?? 0)"
            return message("cannot plot: counts is \(shape) but there are \(n) classes", title: title)
        }
        if counts.contains(where: { $0.contains { $0 < 0 } }) {
            return message("cannot plot: counts contain a negative value", title: title)
        }

        let labels = classes.map { SVGDocument.truncated($0, toWidth: 150, size: labelSize) }
        let widestLabel = labels.map { SVGDocument.textWidth($0, size: labelSize) }.max() ?? 0
        let cell = min(96, max(40, (600 / Double(n)).rounded(.down)))
        let rotated = widestLabel > cell - 6
        // Rotated by 45°, a column label reaches down and left by its width over √2.
        let slant = widestLabel * 0.7071
        let columnLabelHeight = rotated ? slant + 14 : 20
        let left = max(16 + 20 + 8 + widestLabel + 10, slant - cell / 2 + 8)
        let top = 64.0
        let grid = PlotArea(left: left, top: top, width: cell * Double(n), height: cell * Double(n))
        let width = max(520, grid.right + 96)
        let height = grid.bottom + columnLabelHeight + 44

        let total = counts.reduce(0) { $0 + $1.reduce(0, +) }
        let correct = (0..<n).reduce(0) { $0 + counts[$1][$1] }
        var subtitle = "\(SVGDocument.count(total)) rows"
        if total > 0 { subtitle += " · accuracy \(SVGDocument.percent(Double(correct) / Double(total)))" }
        subtitle += " · cell: count, % of actual class"

        var document = SVGDocument(width: width, height: height)
        drawTitle(&document, title, subtitle: subtitle)
        let countSize = 13.0
        let shareSize = 10.0
        for actual in 0..<n {
            let rowTotal = counts[actual].reduce(0, +)
            let y = grid.top + Double(actual) * cell
            for predicted in 0..<n {
                let x = grid.left + Double(predicted) * cell
                let count = counts[actual][predicted]
                let share = rowTotal > 0 ? Double(count) / Double(rowTotal) : 0
                document.rect(x: x, y: y, width: cell, height: cell, fill: Palette.blue(share), stroke: "#ffffff")
                // Empty cells recede so the confusions that happen stand out among many classes.
                let ink = share > 0.55 ? "#ffffff" : count == 0 ? Palette.faintText : Palette.text
                let countText = SVGDocument.count(count)
                let shareText = rowTotal > 0 ? SVGDocument.percent(share) : "–"
                document.text(
                    countText, x: x + cell / 2, y: y + cell / 2 - 1, size: fitted(countText, countSize, cell), anchor: .middle,
                    bold: actual == predicted, fill: ink)
                let shareFont = fitted(shareText, shareSize, cell)
                document.text(shareText, x: x + cell / 2, y: y + cell / 2 + shareFont + 1, size: shareFont, anchor: .middle, fill: ink)
            }
            document.text(labels[actual], x: grid.left - 8, y: y + cell / 2 + 4, size: labelSize, anchor: .end)
        }
        for (index, label) in labels.enumerated() {
            let x = grid.left + (Double(index) + 0.5) * cell
            if rotated {
                document.text(label, x: x + 4, y: grid.bottom + 12, size: labelSize, anchor: .end, rotation: -45)
            } else {
                document.text(label, x: x, y: grid.bottom + 16, size: labelSize, anchor: .middle)
            }
        }
        document.text("Predicted", x: grid.left + grid.width / 2, y: grid.bottom + columnLabelHeight + 20, anchor: .middle, bold: true)
        document.text("Actual", x: 24, y: grid.top + grid.height / 2, anchor: .middle, bold: true, rotation: -90)
        drawShareLegend(&document, x: grid.right + 24, top: grid.top, height: min(grid.height, 200))
        return document.rendered(title: title)
    }

    /// The colour bar: 0% to 100% of the actual class.
    private static func drawShareLegend(_ document: inout SVGDocument, x: Double, top: Double, height: Double) {
        document.linearGradient(id: "share", colors: Palette.blues, vertical: true)
        document.rect(x: x, y: top, width: 14, height: height, fill: "url(#share)", stroke: Palette.grid)
        for (fraction, label) in [(1.0, "100%"), (0.5, "50%"), (0.0, "0%")] {
            let y = top + (1 - fraction) * height
            document.line(x1: x + 14, y1: y, x2: x + 18, y2: y, stroke: Palette.axis)
            document.text(label, x: x + 21, y: y + 4, size: 10, fill: Palette.mutedText)
        }
    }

    /// The font size at most `size` at which `text` fits a cell with a little padding.
    private static func fitted(_ text: String, _ size: Double, _ cell: Double) -> Double {
        min(size, max(7, (cell - 6) / (Double(text.count) * 0.6)))
    }
}
