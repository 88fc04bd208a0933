import Prometheus
import Synchronization

/// The model server's Prometheus series on `/metrics`: requests by route and status, latency by
/// route, rows scored by protocol, requests in flight, and which model is loaded.
public final class ServingMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let inFlight: Gauge
    private let cache = Mutex<[Key: (requests: Counter, latency: DurationHistogram)]>([:])

    private struct Key: Hashable {
        var route: String
        var status: Int
    }

    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    nonisolated(unsafe) private static let requests = MetricNameDescriptor(
        namespace: "trainyard_serve", metricName: "requests", unitName: "total",
        helpText: "HTTP requests answered, by route and status code.")
    nonisolated(unsafe) private static let latency = MetricNameDescriptor(
        namespace: "trainyard_serve", metricName: "request_duration", unitName: "seconds",
        helpText: "Time from a request's head to its answer, by route and status code.")
    nonisolated(unsafe) private static let rows = MetricNameDescriptor(
        namespace: "trainyard_serve", metricName: "rows", unitName: "total", helpText: "Rows scored, by protocol.")
    nonisolated(unsafe) private static let inFlightName = MetricNameDescriptor(
        namespace: "trainyard_serve", metricName: "in_flight", unitName: "requests", helpText: "Requests being answered now.")
    nonisolated(unsafe) private static let modelInfo = MetricNameDescriptor(
        namespace: "trainyard_serve", metricName: "model", unitName: "info",
        helpText: "The model served (value 1), by name, version, run and type.")
    nonisolated(unsafe) private static let loaded = MetricNameDescriptor(
        namespace: "trainyard_serve", metricName: "model", unitName: "loaded", helpText: "1 once the model is loaded and the server ready.")

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        inFlight = registry.makeGauge(descriptor: Self.inFlightName)
        registry.makeGauge(descriptor: Self.loaded).set(to: 0.0)
    }

    func started() { inFlight.increment() }

    func finished(route: String, status: Int, duration: Duration) {
        inFlight.decrement()
        let key = Key(route: route, status: status)
        let series = cache.withLock { cache in
            if let series = cache[key] { return series }
            let labels = [("route", route), ("code", String(status))]
            let series = (
                registry.makeCounter(descriptor: Self.requests, labels: labels),
                registry.makeDurationHistogram(descriptor: Self.latency, labels: labels, buckets: Self.buckets)
            )
            cache[key] = series
            return series
        }
        series.requests.increment()
        series.latency.record(duration)
    }

    func scored(rows: Int, protocol name: String) {
        registry.makeCounter(descriptor: Self.rows, labels: [("protocol", name)]).increment(by: Int64(rows))
    }

    func modelLoaded(_ model: ServedModel) {
        registry.makeGauge(
            descriptor: Self.modelInfo,
            labels: [
                ("name", model.name), ("version", model.version ?? ""), ("run_id", model.runId ?? ""),
                ("model_type", model.model.model.type.rawValue), ("task", model.model.task.rawValue),
            ]
        ).set(to: 1.0)
        registry.makeGauge(descriptor: Self.loaded).set(to: 1.0)
    }

    public func render() -> String { registry.emitToString() }
}
