import KubeClient

/// How a `Manager` runs: which namespace it watches, leader election, where it serves metrics
/// and probes, and how many workers each controller gets.
public struct ManagerConfiguration: Sendable {
    /// The namespace to watch; nil watches all namespaces.
    public var namespace: String?
    /// Nil runs without leader election (a single replica).
    public var leaderElection: LeaderElectionConfiguration?
    /// Where `/metrics` is served; nil disables it.
    public var metricsAddress: BindAddress?
    /// Where `/healthz` and `/readyz` are served; nil disables them.
    public var healthAddress: BindAddress?
    /// Workers per controller.
    public var workers: Int
    public var watcher: WatcherConfiguration
    /// How often informers replay their cache to controllers; nil never does.
    public var resyncPeriod: Duration?
    /// Also told of every API request, beside the manager's metrics (an audit of the calls made).
    public var observer: (any KubeClientObserver)?

    public init(
        namespace: String? = nil, leaderElection: LeaderElectionConfiguration? = nil, metricsAddress: BindAddress? = nil,
        healthAddress: BindAddress? = nil, workers: Int = 2, watcher: WatcherConfiguration = WatcherConfiguration(),
        resyncPeriod: Duration? = .seconds(10 * 3600)
    ) {
        self.namespace = (namespace?.isEmpty ?? true) ? nil : namespace
        self.leaderElection = leaderElection
        self.metricsAddress = metricsAddress
        self.healthAddress = healthAddress
        self.workers = workers
        self.watcher = watcher
        self.resyncPeriod = resyncPeriod
    }
}
