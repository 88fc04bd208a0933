import Foundation

/// A numeric axis of a plot: the data range widened to round limits, ticks every 1, 2 or 5 × 10ⁿ, and
/// the mapping from values onto a pixel span (which may run backwards, as a y axis does).
struct AxisScale {
    let lower: Double
    let upper: Double
    let step: Double
    let ticks: [Double]
    let pixelStart: Double
    let pixelEnd: Double

    /// An axis covering `minimum...maximum` with about `tickCount` ticks. With `roundLimits` the
    /// limits move out to the enclosing ticks; without, they stay at the data and only ticks inside
    /// are drawn. With `integers` the step is at least 1 (for counts such as boosting rounds).
    init(
        minimum: Double, maximum: Double, pixels: (start: Double, end: Double), tickCount: Int = 6,
        roundLimits: Bool = true, integers: Bool = false
    ) {
        var (low, high) = (min(minimum, maximum), max(minimum, maximum))
        if !(low.isFinite && high.isFinite) { (low, high) = (0, 1) }
        if low == high {
            let pad = integers ? 1 : (low == 0 ? 1 : abs(low) * 0.1)
            (low, high) = (low - pad, high + pad)
        }
        var step = Self.niceStep((high - low) / Double(max(tickCount - 1, 1)))
        if integers { step = max(step, 1) }
        if roundLimits {
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
        }
        let first = Int((low / step - 1e-9).rounded(.up))
        let last = Int((high / step + 1e-9).rounded(.down))
        self.lower = low
        self.upper = high
        self.step = step
        self.ticks = first <= last ? (first...last).map { Double($0) * step } : []
        self.pixelStart = pixels.start
        self.pixelEnd = pixels.end
    }

    /// An axis over `lower...upper` with ticks every `step`, for fixed ranges such as rates in [0, 1].
    init(lower: Double, upper: Double, step: Double, pixels: (start: Double, end: Double)) {
        self.lower = lower
        self.upper = upper
        self.step = step
        let count = Int(((upper - lower) / step).rounded())
        self.ticks = (0...max(count, 0)).map { lower + Double($0) * step }
        self.pixelStart = pixels.start
        self.pixelEnd = pixels.end
    }

    /// The smallest of 1, 2, 5 or 10 × 10ⁿ at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let residual = rough / magnitude
        let factor: Double = residual <= 1 + 1e-9 ? 1 : residual <= 2 + 1e-9 ? 2 : residual <= 5 + 1e-9 ? 5 : 10
        return factor * magnitude
    }

    /// Where `value` falls on the canvas.
    func position(_ value: Double) -> Double {
        pixelStart + (value - lower) / (upper - lower) * (pixelEnd - pixelStart)
    }

    /// Whether `value` lies within the axis limits (with a little slack for rounding).
    func contains(_ value: Double) -> Bool {
        let slack = (upper - lower) * 1e-9
        return value >= lower - slack && value <= upper + slack
    }

    /// A tick label with just the decimals the step needs (`0.25`, `1.5`, `20`), or an SI suffix for
    /// large numbers (`250k`, `1.5M`), never an exponent.
    func label(_ value: Double) -> String {
        let largest = max(abs(lower), abs(upper))
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        if largest >= 1e5, value != 0, let (unit, suffix) = units.first(where: { largest >= $0.0 }) {
            return SVGDocument.fixed(value / unit, decimals: Self.decimals(step / unit)) + suffix
        }
        return SVGDocument.fixed(value, decimals: Self.decimals(step))
    }

    private static func decimals(_ step: Double) -> Int {
        guard step < 1, step > 0 else { return 0 }
        return min(12, Int((-log10(step) - 1e-9).rounded(.up)))
    }
}
