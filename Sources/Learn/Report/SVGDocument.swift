import Foundation

/// An SVG document being drawn: a fixed canvas, elements appended in paint order, and the escaping and
/// number formatting every plot needs. Coordinates are written with at most two decimals and text is
/// XML-escaped here, so no plot can produce an invalid file.
struct SVGDocument {
    enum Anchor: String {
        case start, middle, end
    }

    let width: Double
    let height: Double
    private var body: [String] = []
    private var definitions: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished document, with `title` as its accessible name (shown as a tooltip by browsers).
    func rendered(title: String) -> String {
        let size = "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" \(size) viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
                + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"\(Palette.text)\">",
            "<title>\(Self.escaped(title))</title>",
        ]
        if !definitions.isEmpty { lines.append("<defs>\n" + definitions.joined(separator: "\n") + "\n</defs>") }
        lines.append("<rect \(size) fill=\"#ffffff\"/>")
        lines.append(contentsOf: body)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Elements

    mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, bold: Bool = false,
        fill: String? = nil, rotation: Double? = nil, baseline: String? = nil
    ) {
        var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
        if size != 12 { attributes += " font-size=\"\(Self.number(size))\"" }
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { attributes += " font-weight=\"bold\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        if let baseline { attributes += " dominant-baseline=\"\(baseline)\"" }
        if let rotation {
            attributes += " transform=\"rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))\""
        }
        body.append("<text \(attributes)>\(Self.escaped(content))</text>")
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil
    ) {
        var attributes =
            "x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" "
            + "stroke=\"\(stroke)\""
        if width != 1 { attributes += " stroke-width=\"\(Self.number(width))\"" }
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        body.append("<line \(attributes)/>")
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, opacity: Double? = nil
    ) {
        var attributes =
            "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0, width)))\" "
            + "height=\"\(Self.number(max(0, height)))\" fill=\"\(fill)\""
        if let stroke { attributes += " stroke=\"\(stroke)\"" }
        if let opacity { attributes += " fill-opacity=\"\(Self.number(opacity))\"" }
        body.append("<rect \(attributes)/>")
    }

    /// A line through `points` (canvas coordinates); a single point becomes a dot so it stays visible.
    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard let first = points.first else { return }
        if points.count == 1 {
            circle(x: first.x, y: first.y, radius: width + 1, fill: stroke)
            return
        }
        let coordinates = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        var attributes = "points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
        attributes += " stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        body.append("<polyline \(attributes)/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String? = nil) {
        var attributes = "cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\""
        if let fill { attributes += " fill=\"\(fill)\"" }
        body.append("<circle \(attributes)/>")
    }

    /// Starts a group whose children inherit `attributes` (already formatted, such as `fill="#000"`);
    /// close it with ``endGroup()``. Saves repeating a style on thousands of scatter points.
    mutating func beginGroup(_ attributes: String) {
        body.append("<g \(attributes)>")
    }

    mutating func endGroup() {
        body.append("</g>")
    }

    /// A left-to-right gradient through `colors`, referenced as `url(#id)`.
    mutating func linearGradient(id: String, colors: [String], vertical: Bool = false) {
        let direction = vertical ? "x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\"" : "x1=\"0\" y1=\"0\" x2=\"1\" y2=\"0\""
        let denominator = Double(max(colors.count - 1, 1))
        let stops = colors.enumerated().map { index, color in
            "<stop offset=\"\(Self.number(Double(index) / denominator))\" stop-color=\"\(color)\"/>"
        }
        definitions.append("<linearGradient id=\"\(id)\" \(direction)>" + stops.joined() + "</linearGradient>")
    }

    // MARK: Formatting

    /// A coordinate with at most two decimals and no exponent or negative zero: `12.5`, `300`, `-0.25`.
    /// Non-finite values, which callers filter out, become 0 rather than breaking the file.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return fixed(value, decimals: 2, trimmingZeros: true)
    }

    /// `value` with `decimals` decimals (never an exponent), optionally with trailing zeros removed.
    static func fixed(_ value: Double, decimals: Int, trimmingZeros: Bool = false) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        var text = String(format: "%.\(max(0, min(decimals, 12)))f", value)
        if trimmingZeros, text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text.removeFirst() }
        return text
    }

    /// A count with thousands separators: `150,000`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// A percentage for labels: one decimal, but `0%` and `100%` exactly and `<0.1%` for tiny shares.
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "–" }
        let value = fraction * 100
        if value == 0 { return "0%" }
        if value == 100 { return "100%" }
        if value > 0 && value < 0.05 { return "<0.1%" }
        return fixed(value, decimals: 1) + "%"
    }

    /// `text` made safe inside an XML element or attribute value: the five special characters become
    /// entities, and characters XML 1.0 forbids (most control characters) become U+FFFD.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(" ")
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xFFFE...0xFFFF).contains(value)
                result.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return result
    }

    /// An estimate of the rendered width of `text` in a sans-serif font: the SVG is drawn before any
    /// font is measured, so labels are sized by an average character width, on the wide side (DejaVu
    /// Sans rather than Helvetica) so labels do not collide in the wider fonts.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }

    /// `text` cut to fit `width` at `size`, with an ellipsis in the middle when cut: names that share
    /// a long prefix (`category_with_a_long_name_12`) usually differ at the end, so both ends are kept.
    static func truncated(_ text: String, toWidth width: Double, size: Double) -> String {
        let maximum = max(1, Int(width / (size * 0.6)))
        guard text.count > maximum else { return text }
        let kept = maximum - 1
        let tail = kept * 2 / 5
        return String(text.prefix(kept - tail)) + "…" + String(text.suffix(tail))
    }
}
