import ControllerRuntime
import KubeClient
import Testing

@Suite("WorkQueueState")
struct WorkQueueStateTests {
    let t0 = ContinuousClock.now

    @Test("a key queued twice is handed out once")
    func deduplicates() {
        var state = WorkQueueState<String>(globalRate: nil, now: t0)
        state.add("a", now: t0)
        state.add("a", now: t0)
        state.add("b", now: t0)
        #expect(state.depth == 2)
        #expect(state.pop(now: t0)?.key == "a")
        #expect(state.pop(now: t0)?.key == "b")
        #expect(state.pop(now: t0) == nil)
    }

    @Test("a key added while processing waits for done, then comes back once")
    func processingKeyIsNotHandedOutTwice() {
        var state = WorkQueueState<String>(globalRate: nil, now: t0)
        state.add("a", now: t0)
        #expect(state.pop(now: t0)?.key == "a")
        state.add("a", now: t0)
        state.add("a", now: t0)
        #expect(state.pop(now: t0) == nil, "a is being processed: no second worker may get it")
        state.done("a")
        #expect(state.pop(now: t0)?.key == "a")
        state.done("a")
        #expect(state.pop(now: t0) == nil)
    }

    @Test("delayed adds become due at their deadline and the earliest deadline wins")
    func delayed() {
        var state = WorkQueueState<String>(globalRate: nil, now: t0)
        state.add("a", after: .seconds(10), now: t0)
        state.add("a", after: .seconds(3), now: t0)
        state.add("a", after: .seconds(20), now: t0)
        #expect(state.promoteDue(now: t0 + .seconds(1)) == t0 + .seconds(3))
        #expect(state.pop(now: t0 + .seconds(1)) == nil)
        #expect(state.promoteDue(now: t0 + .seconds(3)) == nil)
        let item = state.pop(now: t0 + .seconds(4))
        #expect(item?.key == "a")
        #expect(item?.waited == .seconds(1), "waited counts from when it became due")
    }

    @Test("an immediate add overrides a pending delayed add")
    func immediateBeatsDelayed() {
        var state = WorkQueueState<String>(globalRate: nil, now: t0)
        state.add("a", after: .seconds(10), now: t0)
        state.add("a", now: t0)
        #expect(state.delayedCount == 0)
        #expect(state.pop(now: t0)?.key == "a")
    }

    @Test("per-key back-off doubles from 5 ms and is capped at 1000 s; forget resets it")
    func backoff() {
        var state = WorkQueueState<String>(now: t0)
        var delays: [Duration] = []
        for _ in 0..<20 {
            delays.append(state.addRateLimited("a", now: t0))
            _ = state.promoteDue(now: t0 + .seconds(2000))
            _ = state.pop(now: t0)
            state.done("a")
        }
        #expect(delays[0] == .milliseconds(5))
        #expect(delays[1] == .milliseconds(10))
        #expect(delays[2] == .milliseconds(20))
        #expect(delays[10] == .milliseconds(5120))
        #expect(delays[19] == .seconds(1000))
        #expect(state.failureCount("a") == 20)
        state.forget("a")
        #expect(state.failureCount("a") == 0)
        #expect(state.addRateLimited("a", now: t0) == .milliseconds(5))
    }

    @Test("the global rate limit slows retries of many keys down")
    func globalRateLimit() {
        var state = WorkQueueState<Int>(globalRate: (qps: 10, burst: 5), now: t0)
        let delays = (0..<8).map { state.addRateLimited($0, now: t0) }
        #expect(delays.prefix(5).allSatisfy { $0 == .milliseconds(5) }, "within the burst only the item back-off applies")
        #expect(delays[5] == .milliseconds(100))
        #expect(delays[7] == .milliseconds(300))
    }

    @Test("after shutdown nothing is accepted or handed out")
    func shutdown() {
        var state = WorkQueueState<String>(globalRate: nil, now: t0)
        state.add("a", now: t0)
        state.shutDown()
        state.add("b", now: t0)
        #expect(state.isShuttingDown)
        #expect(state.pop(now: t0) == nil)
    }
}
