import Foundation

/// Exponential back-off: `base * factor^attempt`, capped, with optional jitter so that many
/// clients failing together do not retry together.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration
    public var factor: Double
    /// Fraction of the delay added at random (0 disables it, which tests and the work queue use).
    public var jitter: Double

    public init(base: Duration, cap: Duration, factor: Double = 2, jitter: Double = 0) {
        self.base = base
        self.cap = cap
        self.factor = factor
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (0 for the first retry).
    public func delay(attempt: Int) -> Duration {
        let baseSeconds = base.seconds
        let capSeconds = cap.seconds
        // Past ~60 doublings the power overflows a Double's useful range; the cap applies anyway.
        var seconds = min(capSeconds, baseSeconds * pow(factor, Double(min(attempt, 64))))
        if jitter > 0 { seconds += seconds * jitter * Double.random(in: 0..<1) }
        return .nanoseconds(Int64(seconds * 1e9))
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
