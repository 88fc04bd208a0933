import NIOCore

/// The mutable part of a ``ServiceProxy``, kept behind one lock: the current endpoints and where the round-robin
/// stands, the open channels (so `stop()` can close them), the connections waiting for an endpoint, and counters.
///
/// Its methods only change state and return what the caller must do (resume waiters, close channels); no I/O
/// happens under the lock.
struct ServiceProxyState {
    enum Pick: Equatable {
        /// Try these endpoints in this order: the round-robin choice first, then the others as fallbacks.
        case tryInOrder([Endpoint])
        /// No endpoints now.
        case none
        /// The proxy stopped.
        case stopped
    }

    private(set) var endpoints: [Endpoint] = []
    private(set) var isStopped = false
    private var nextIndex = 0
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterID: UInt64 = 0
    var statistics = ServiceProxy.Statistics()

    /// Replaces the endpoints (duplicates dropped, order kept); returns whether they changed, and the waiters to
    /// resume when there are endpoints now.
    mutating func setEndpoints(_ new: [Endpoint]) -> (changed: Bool, resume: [CheckedContinuation<Void, Never>]) {
        var seen = Set<Endpoint>()
        let unique = new.filter { seen.insert($0).inserted }
        let changed = unique != endpoints
        endpoints = unique
        if endpoints.isEmpty { return (changed, []) }
        nextIndex %= endpoints.count
        return (changed, takeWaiters())
    }

    /// Chooses the endpoint for a new connection and advances the round-robin.
    mutating func pick() -> Pick {
        if isStopped { return .stopped }
        if endpoints.isEmpty { return .none }
        let start = nextIndex % endpoints.count
        nextIndex = (start + 1) % endpoints.count
        return .tryInOrder(Array(endpoints[start...] + endpoints[..<start]))
    }

    mutating func makeWaiterID() -> UInt64 {
        nextWaiterID += 1
        return nextWaiterID
    }

    /// Parks a connection until the endpoints change; returns false when it must not wait (there are endpoints
    /// already, the proxy stopped, or the waiting task was cancelled), in which case the caller resumes it.
    mutating func park(_ id: UInt64, _ continuation: CheckedContinuation<Void, Never>, cancelled: Bool) -> Bool {
        if isStopped || !endpoints.isEmpty || cancelled { return false }
        waiters[id] = continuation
        return true
    }

    mutating func unpark(_ id: UInt64) -> CheckedContinuation<Void, Never>? {
        waiters.removeValue(forKey: id)
    }

    /// Registers an open channel; false once the proxy stopped, and the caller must close the channel itself.
    mutating func register(_ channel: any Channel) -> Bool {
        if isStopped { return false }
        channels[ObjectIdentifier(channel)] = channel
        return true
    }

    mutating func unregister(_ channel: any Channel) {
        channels.removeValue(forKey: ObjectIdentifier(channel))
    }

    /// Marks the proxy stopped; returns the channels to close and the waiters to resume.
    mutating func stop() -> (channels: [any Channel], waiters: [CheckedContinuation<Void, Never>]) {
        isStopped = true
        let open = Array(channels.values)
        channels.removeAll()
        return (open, takeWaiters())
    }

    private mutating func takeWaiters() -> [CheckedContinuation<Void, Never>] {
        let parked = Array(waiters.values)
        waiters.removeAll()
        return parked
    }
}
