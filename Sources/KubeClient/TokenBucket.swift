/// A token bucket: `rate` tokens a second, at most `burst` saved up. A pure value; callers hold it
/// under a lock and sleep for what `reserve` returns.
///
/// Reservations may run the bucket negative, so waiters queue in arrival order instead of all
/// waking at once when a token frees up.
public struct TokenBucket: Sendable {
    public let rate: Double
    public let burst: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant

    public init(rate: Double, burst: Int, now: ContinuousClock.Instant = .now) {
        precondition(rate > 0 && burst > 0, "a token bucket needs a positive rate and burst")
        self.rate = rate
        self.burst = burst
        self.tokens = Double(burst)
        self.last = now
    }

    /// Takes one token and returns how long the caller must wait before using it (zero if it may
    /// go now).
    public mutating func reserve(now: ContinuousClock.Instant = .now) -> Duration {
        let elapsed = now - last
        if elapsed > .zero {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            tokens = min(Double(burst), tokens + seconds * rate)
            last = now
        }
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .nanoseconds(Int64((-tokens / rate * 1e9).rounded(.up)))
    }
}
