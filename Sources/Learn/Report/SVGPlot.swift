/// Plots of a training run as standalone SVG documents, logged as MLflow artifacts and viewed in its
/// artifact browser: a confusion matrix, ROC curves, feature importance, learning curves, and
/// predicted against actual values.
///
/// Every function returns a complete, valid document whatever the input: text is XML-escaped,
/// non-finite values are skipped (and the plot says how many), and empty input gives a plot that says
/// "no data". Colours are colour-blind safe (Okabe–Ito lines, a sequential blue heat map).
public enum SVGPlot {}

/// The rectangle data is drawn in, inside the canvas margins.
struct PlotArea {
    let left: Double
    let top: Double
    let width: Double
    let height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }
}

extension SVGPlot {
    static let titleSize = 16.0
    static let labelSize = 11.0

    /// A document for input with nothing to draw: the plot's title and "no data" in the middle.
    static func noData(title: String, width: Double = 640, height: Double = 480) -> String {
        message("no data", title: title, width: width, height: height)
    }

    /// A document that explains, in place of the plot, why it could not be drawn.
    static func message(_ text: String, title: String, width: Double = 640, height: Double = 480) -> String {
        var document = SVGDocument(width: width, height: height)
        drawTitle(&document, title)
        document.text(text, x: width / 2, y: height / 2, size: 14, anchor: .middle, fill: Palette.mutedText)
        return document.rendered(title: title)
    }

    static func drawTitle(_ document: inout SVGDocument, _ title: String, subtitle: String? = nil) {
        let available = document.width - 32
        document.text(
            SVGDocument.truncated(title, toWidth: available, size: titleSize), x: 16, y: 26, size: titleSize, bold: true)
        if let subtitle {
            document.text(
                SVGDocument.truncated(subtitle, toWidth: available, size: labelSize), x: 16, y: 44, size: labelSize,
                fill: Palette.mutedText)
        }
    }

    /// A footnote in the bottom-left corner, such as how many non-finite values were left out.
    static func drawFootnote(_ document: inout SVGDocument, _ text: String) {
        document.text(text, x: 16, y: document.height - 10, size: 10, fill: Palette.mutedText)
    }

    /// "3 non-finite values skipped", or nil when nothing was skipped.
    static func skippedNote(_ count: Int, one: String = "non-finite value", many: String = "non-finite values") -> String? {
        count == 0 ? nil : "\(SVGDocument.count(count)) \(count == 1 ? one : many) skipped"
    }

    /// Grid lines, axis lines, tick labels and axis titles around `plot`.
    static func drawAxes(
        _ document: inout SVGDocument, plot: PlotArea, x: AxisScale, y: AxisScale, xTitle: String, yTitle: String
    ) {
        for tick in x.ticks {
            let position = x.position(tick)
            document.line(x1: position, y1: plot.top, x2: position, y2: plot.bottom, stroke: Palette.grid)
            document.line(x1: position, y1: plot.bottom, x2: position, y2: plot.bottom + 5, stroke: Palette.axis)
            document.text(x.label(tick), x: position, y: plot.bottom + 18, size: labelSize, anchor: .middle)
        }
        var widestLabel = 0.0
        for tick in y.ticks {
            let position = y.position(tick)
            let label = y.label(tick)
            widestLabel = max(widestLabel, SVGDocument.textWidth(label, size: labelSize))
            document.line(x1: plot.left, y1: position, x2: plot.right, y2: position, stroke: Palette.grid)
            document.line(x1: plot.left - 5, y1: position, x2: plot.left, y2: position, stroke: Palette.axis)
            document.text(label, x: plot.left - 8, y: position + 4, size: labelSize, anchor: .end)
        }
        document.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: Palette.axis)
        document.line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: Palette.axis)
        document.text(
            SVGDocument.truncated(xTitle, toWidth: plot.width, size: 12), x: plot.left + plot.width / 2, y: plot.bottom + 38,
            anchor: .middle)
        let yTitleX = max(14, plot.left - 8 - widestLabel - 10)
        document.text(
            SVGDocument.truncated(yTitle, toWidth: plot.height, size: 12), x: yTitleX, y: plot.top + plot.height / 2,
            anchor: .middle, rotation: -90)
    }
}
