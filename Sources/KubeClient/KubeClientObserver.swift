/// Receives what the client does, for metrics: every finished API request and every watch that
/// had to start over. The controller runtime turns these into Prometheus series.
public protocol KubeClientObserver: Sendable {
    /// A request got an answer (`statusCode` > 0) or failed without one (`statusCode` 0).
    func requestFinished(verb: String, resource: String, statusCode: Int, duration: Duration)
    /// A watch stream ended and was re-established; `reason` is `closed`, `expired` or `error`.
    func watchRestarted(resource: String, reason: String)
}
