import KubeClient

/// The work queue's bookkeeping as a pure value: which keys wait, which are being processed,
/// which are delayed, and how often each has failed. `WorkQueue` wraps it in an actor and does the
/// waiting; everything here is testable without a clock or tasks.
///
/// Rules (client-go's workqueue semantics):
/// - a key is queued at most once (adding it again while it waits is a no-op);
/// - a key being processed is never handed out again until `done`; adding it meanwhile marks it
///   dirty, and `done` queues it again;
/// - delayed adds keep the earliest deadline.
public struct WorkQueueState<Key: Hashable & Sendable>: Sendable {
    public typealias Instant = ContinuousClock.Instant

    private var queue: [Key] = []
    private var head = 0
    /// Keys that need processing (queued, or dirty while processing), with when they were added.
    private var dirty: [Key: Instant] = [:]
    private(set) var processing: Set<Key> = []
    private var delayed: [Key: Instant] = [:]
    private var failures: [Key: Int] = [:]
    private var bucket: TokenBucket?
    public let itemBackoff: Backoff
    public private(set) var isShuttingDown = false

    /// - Parameters:
    ///   - itemBackoff: per-key exponential back-off after failures (5 ms doubling to 1000 s).
    ///   - globalRate: overall retry rate limit (qps, burst), applied on top of the per-key back-off.
    public init(
        itemBackoff: Backoff = Backoff(base: .milliseconds(5), cap: .seconds(1000)),
        globalRate: (qps: Double, burst: Int)? = (10, 100),
        now: Instant = .now
    ) {
        self.itemBackoff = itemBackoff
        if let globalRate { bucket = TokenBucket(rate: globalRate.qps, burst: globalRate.burst, now: now) }
    }

    /// Keys waiting to be handed out.
    public var depth: Int { queue.count - head }
    public var delayedCount: Int { delayed.count }
    public func failureCount(_ key: Key) -> Int { failures[key] ?? 0 }

    /// Queues `key` unless it is already queued; a key being processed is queued again on `done`.
    public mutating func add(_ key: Key, now: Instant) {
        guard !isShuttingDown, dirty[key] == nil else { return }
        dirty[key] = now
        delayed[key] = nil
        if !processing.contains(key) { queue.append(key) }
    }

    /// Queues `key` after `delay`; an earlier pending deadline for the same key wins.
    public mutating func add(_ key: Key, after delay: Duration, now: Instant) {
        guard !isShuttingDown else { return }
        guard delay > .zero else { return add(key, now: now) }
        if dirty[key] != nil { return }  // already due sooner
        let deadline = now + delay
        if let existing = delayed[key], existing <= deadline { return }
        delayed[key] = deadline
    }

    /// Queues `key` after its back-off: the per-key exponential delay for its failure count, or
    /// the global rate limit's, whichever is longer. Returns that delay.
    @discardableResult
    public mutating func addRateLimited(_ key: Key, now: Instant) -> Duration {
        let count = failures[key, default: 0]
        failures[key] = count + 1
        var delay = itemBackoff.delay(attempt: count)
        if let wait = bucket?.reserve(now: now), wait > delay { delay = wait }
        add(key, after: delay, now: now)
        return delay
    }

    /// Clears the failure count, after a success or a terminal failure.
    public mutating func forget(_ key: Key) {
        failures[key] = nil
    }

    /// Moves delayed keys whose time has come into the queue; returns the next deadline, if any.
    public mutating func promoteDue(now: Instant) -> Instant? {
        var next: Instant?
        for (key, deadline) in delayed {
            if deadline <= now {
                delayed[key] = nil
                add(key, now: now)
            } else if next == nil || deadline < next! {
                next = deadline
            }
        }
        return next
    }

    /// Hands out the next key and marks it processing; returns how long it waited.
    public mutating func pop(now: Instant) -> (key: Key, waited: Duration)? {
        guard head < queue.count else { return nil }
        let key = queue[head]
        head += 1
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        let added = dirty.removeValue(forKey: key) ?? now
        processing.insert(key)
        return (key, now - added)
    }

    /// Marks processing of `key` finished; a key added meanwhile is queued again.
    public mutating func done(_ key: Key) {
        processing.remove(key)
        if dirty[key] != nil { queue.append(key) }
    }

    /// Stops accepting keys; waiting keys are dropped, delayed ones forgotten.
    public mutating func shutDown() {
        isShuttingDown = true
        queue.removeAll()
        head = 0
        dirty.removeAll()
        delayed.removeAll()
    }
}
