/// Colours chosen to stay distinguishable with the common colour-vision deficiencies: the Okabe–Ito
/// qualitative palette for lines and ColorBrewer's sequential Blues for heat maps.
enum Palette {
    static let text = "#222222"
    static let mutedText = "#555555"
    static let faintText = "#a0a0a0"
    static let axis = "#444444"
    static let grid = "#e3e3e3"
    static let reference = "#888888"

    /// Okabe–Ito without its yellow, which is too light on white.
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    /// Dash patterns that, with ``series``, tell up to 35 lines apart.
    static let dashes: [String?] = [nil, "7 3", "2 2", "9 3 2 3", "4 4"]

    static func seriesStyle(_ index: Int) -> (color: String, dash: String?) {
        (series[index % series.count], dashes[(index / series.count) % dashes.count])
    }

    static let blues = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]

    /// The Blues colour for `fraction` in [0, 1], interpolated between the palette's stops.
    static func blue(_ fraction: Double) -> String {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let position = clamped * Double(blues.count - 1)
        let lower = min(Int(position), blues.count - 2)
        let t = position - Double(lower)
        let (a, b) = (rgb(blues[lower]), rgb(blues[lower + 1]))
        func mix(_ x: Int, _ y: Int) -> Int { Int((Double(x) + (Double(y) - Double(x)) * t).rounded()) }
        return hex(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    private static func rgb(_ hex: String) -> (Int, Int, Int) {
        let value = Int(hex.dropFirst(), radix: 16) ?? 0
        return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)
    }

    private static func hex(_ red: Int, _ green: Int, _ blue: Int) -> String {
        let digits = Array("0123456789abcdef")
        return "#" + [red, green, blue].map { String([digits[$0 >> 4], digits[$0 & 0xF]]) }.joined()
    }
}
