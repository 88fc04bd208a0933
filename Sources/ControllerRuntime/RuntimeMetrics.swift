import KubeClient
import Prometheus

/// The controller's Prometheus series, named as controller-runtime and client-go name theirs so
/// existing dashboards work: reconcile totals by result and duration, work queue depth, adds,
/// retries and wait time, watch restarts, and API requests by verb and code.
///
/// Each manager has its own registry (no global state), exported on `/metrics`.
public final class RuntimeMetrics: KubeClientObserver, Sendable {
    public let registry: PrometheusCollectorRegistry

    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    nonisolated(unsafe) private static let reconcileTotal = MetricNameDescriptor(
        namespace: "controller_runtime", metricName: "reconcile", unitName: "total",
        helpText: "Total number of reconciliations per controller and result.")
    nonisolated(unsafe) private static let reconcileTime = MetricNameDescriptor(
        namespace: "controller_runtime", metricName: "reconcile_time", unitName: "seconds",
        helpText: "Length of time per reconciliation per controller.")
    nonisolated(unsafe) private static let queueDepth = MetricNameDescriptor(
        metricName: "workqueue", unitName: "depth", helpText: "Current depth of the work queue.")
    nonisolated(unsafe) private static let queueAdds = MetricNameDescriptor(
        metricName: "workqueue_adds", unitName: "total", helpText: "Total number of adds handled by the work queue.")
    nonisolated(unsafe) private static let queueRetries = MetricNameDescriptor(
        metricName: "workqueue_retries", unitName: "total", helpText: "Total number of retries handled by the work queue.")
    nonisolated(unsafe) private static let queueDuration = MetricNameDescriptor(
        metricName: "workqueue_queue_duration", unitName: "seconds",
        helpText: "How long an item stays in the work queue before being handed to a worker.")
    nonisolated(unsafe) private static let watchRestarts = MetricNameDescriptor(
        namespace: "trainyard", metricName: "watch_restarts", unitName: "total",
        helpText: "Watch streams re-established, by resource and reason (closed, expired, error).")
    nonisolated(unsafe) private static let requests = MetricNameDescriptor(
        metricName: "rest_client_requests", unitName: "total",
        helpText: "Number of Kubernetes API requests, by verb and HTTP status code (0: no answer).")
    nonisolated(unsafe) private static let requestDuration = MetricNameDescriptor(
        metricName: "rest_client_request_duration", unitName: "seconds", helpText: "Kubernetes API request latency by verb.")
    nonisolated(unsafe) private static let leader = MetricNameDescriptor(
        metricName: "leader_election_master", unitName: "status",
        helpText: "1 while this instance holds the leader lease, 0 otherwise.")

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    public func reconciled(controller: String, result: String, duration: Duration) {
        registry.makeCounter(descriptor: Self.reconcileTotal, labels: [("controller", controller), ("result", result)]).increment()
        registry.makeDurationHistogram(descriptor: Self.reconcileTime, labels: [("controller", controller)], buckets: Self.durationBuckets)
            .record(duration)
    }

    public func requestFinished(verb: String, resource: String, statusCode: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("verb", verb), ("code", String(statusCode))]).increment()
        registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("verb", verb)], buckets: Self.durationBuckets)
            .record(duration)
    }

    public func watchRestarted(resource: String, reason: String) {
        registry.makeCounter(descriptor: Self.watchRestarts, labels: [("resource", resource), ("reason", reason)]).increment()
    }

    public func leaderChanged(name: String, isLeader: Bool) {
        registry.makeGauge(descriptor: Self.leader, labels: [("name", name)]).set(isLeader ? 1.0 : 0.0)
    }

    /// Hooks for a controller's work queue, labelled with its name.
    public func workQueueMetrics(name: String) -> WorkQueueMetrics {
        let labels = [("name", name)]
        let depth = registry.makeGauge(descriptor: Self.queueDepth, labels: labels)
        let adds = registry.makeCounter(descriptor: Self.queueAdds, labels: labels)
        let retries = registry.makeCounter(descriptor: Self.queueRetries, labels: labels)
        let wait = registry.makeDurationHistogram(descriptor: Self.queueDuration, labels: labels, buckets: Self.durationBuckets)
        return WorkQueueMetrics(
            added: { adds.increment() },
            retried: { retries.increment() },
            handedOut: { waited, current in
                wait.record(waited)
                depth.set(Double(current))
            },
            depthChanged: { depth.set(Double($0)) })
    }

    /// The Prometheus text exposition of every series.
    public func render() -> String {
        registry.emitToString()
    }

    /// API requests made so far, all verbs and codes together (`rest_client_requests_total`):
    /// how tests and benchmarks check that a reconcile read only the cache.
    public var apiRequestTotal: Int {
        render().split(separator: "\n").filter { $0.hasPrefix("\(Self.requests.name){") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.map { Int($0) }.reduce(0, +)
    }
}
