/// When and how long the client waits before sending a failed request again.
///
/// 429 is always retried: the server did not act on the request. Other 5xx answers and transport
/// failures are retried only for idempotent verbs. `Retry-After` wins over the back-off, capped
/// by `maxRetryAfter` so a misbehaving proxy cannot park a controller.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var backoff: Backoff
    public var maxRetryAfter: Duration

    public init(
        maxRetries: Int = 5,
        backoff: Backoff = Backoff(base: .milliseconds(100), cap: .seconds(5), jitter: 0.2),
        maxRetryAfter: Duration = .seconds(30)
    ) {
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxRetries: 0)

    /// The wait before retry `attempt` (0-based) of `request` after `error`, or nil to give up.
    public func delay(after error: KubeError, request: KubeRequest, attempt: Int) -> Duration? {
        guard attempt < maxRetries else { return nil }
        let retryable: Bool
        switch error.statusCode {
        case 429: retryable = true
        case 503 where error.retryAfterSeconds != nil: retryable = true
        case 500...599: retryable = request.isIdempotent
        case 0: retryable = error.code == .transport && request.isIdempotent
        default: retryable = false
        }
        guard retryable else { return nil }
        if let seconds = error.retryAfterSeconds {
            return min(.seconds(max(seconds, 0)), maxRetryAfter)
        }
        return backoff.delay(attempt: attempt)
    }
}
