import KubeClient
import Synchronization

/// Records what a `KubeClient` reports: finished requests by verb, and watch restarts by reason.
public final class RecordingObserver: KubeClientObserver {
    private let requests = Mutex<[String: Int]>([:])
    private let restartReasons = Mutex<[String]>([])

    public init() {}

    public func requestFinished(verb: String, resource: String, statusCode: Int, duration: Duration) {
        requests.withLock { $0[verb, default: 0] += 1 }
    }

    public func watchRestarted(resource: String, reason: String) {
        restartReasons.withLock { $0.append(reason) }
    }

    /// Requests with this verb (`get`, `list`, `watch`, ...) so far.
    public func count(_ verb: String) -> Int { requests.withLock { $0[verb] ?? 0 } }

    /// Why watches restarted, in order (`closed`, `expired`, `error`).
    public var restarts: [String] { restartReasons.withLock { $0 } }
}
