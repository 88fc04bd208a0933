import Synchronization

/// A counter shared between a test and the servers or tasks it watches.
final class ProxyTestCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add(_ amount: Int) {
        count.withLock { $0 += amount }
    }
}
