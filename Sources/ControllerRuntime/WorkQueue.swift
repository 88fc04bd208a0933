import KubeClient

/// The controller's queue of keys to reconcile: deduplicating, never handing the same key to two
/// workers at once, with delayed and rate-limited (back-off) adds. The rules live in
/// `WorkQueueState`; this actor adds waiting for work and a timer for delayed keys.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var state: WorkQueueState<Key>
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var timer: Task<Void, Never>?
    private var timerDeadline: ContinuousClock.Instant?
    let metrics: WorkQueueMetrics?

    public init(
        itemBackoff: Backoff = Backoff(base: .milliseconds(5), cap: .seconds(1000)),
        globalRate: (qps: Double, burst: Int)? = (10, 100),
        metrics: WorkQueueMetrics? = nil
    ) {
        self.state = WorkQueueState(itemBackoff: itemBackoff, globalRate: globalRate)
        self.metrics = metrics
    }

    public var depth: Int { state.depth }
    public var isShuttingDown: Bool { state.isShuttingDown }
    public func failureCount(_ key: Key) -> Int { state.failureCount(key) }

    public func add(_ key: Key) {
        state.add(key, now: .now)
        metrics?.added()
        dispatch()
    }

    public func add(_ key: Key, after delay: Duration) {
        state.add(key, after: delay, now: .now)
        dispatch()
    }

    /// Re-queues `key` after its back-off and returns the delay chosen.
    @discardableResult
    public func addRateLimited(_ key: Key) -> Duration {
        metrics?.retried()
        let delay = state.addRateLimited(key, now: .now)
        dispatch()
        return delay
    }

    public func forget(_ key: Key) {
        state.forget(key)
    }

    /// The next key to process; waits for one. Nil once the queue is shut down.
    public func next() async -> Key? {
        if let item = state.pop(now: .now) {
            metrics?.handedOut(item.waited, state.depth)
            return item.key
        }
        if state.isShuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks `key` finished; a key added while it was processed is queued again.
    public func done(_ key: Key) {
        state.done(key)
        dispatch()
    }

    /// Wakes every waiting worker with nil and refuses further keys.
    public func shutDown() {
        state.shutDown()
        timer?.cancel()
        timer = nil
        let waiting = waiters
        waiters = []
        waiting.forEach { $0.resume(returning: nil) }
    }

    /// Hands queued keys to waiting workers and (re)arms the timer for the next delayed key.
    private func dispatch() {
        let now = ContinuousClock.now
        let nextDeadline = state.promoteDue(now: now)
        while !waiters.isEmpty, let item = state.pop(now: now) {
            metrics?.handedOut(item.waited, state.depth)
            waiters.removeFirst().resume(returning: item.key)
        }
        metrics?.depthChanged(state.depth)
        guard let nextDeadline else {
            timer?.cancel()
            timer = nil
            timerDeadline = nil
            return
        }
        if let timerDeadline, timer != nil, timerDeadline <= nextDeadline { return }
        timer?.cancel()
        timerDeadline = nextDeadline
        timer = Task { [weak self] in
            try? await Task.sleep(until: nextDeadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        dispatch()
    }
}

/// Hooks the work queue calls so the runtime can export depth, adds, retries and wait times.
public struct WorkQueueMetrics: Sendable {
    public var added: @Sendable () -> Void
    public var retried: @Sendable () -> Void
    public var handedOut: @Sendable (_ waited: Duration, _ depth: Int) -> Void
    public var depthChanged: @Sendable (Int) -> Void

    public init(
        added: @escaping @Sendable () -> Void, retried: @escaping @Sendable () -> Void,
        handedOut: @escaping @Sendable (Duration, Int) -> Void, depthChanged: @escaping @Sendable (Int) -> Void
    ) {
        self.added = added
        self.retried = retried
        self.handedOut = handedOut
        self.depthChanged = depthChanged
    }
}
