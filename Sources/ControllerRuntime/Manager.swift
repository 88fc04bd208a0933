import KubeAPI
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Runs a controller process: one API client, shared informers, the controllers, leader
/// election, and the metrics and probe servers, all as ServiceLifecycle services in one group
/// that stops cleanly on SIGTERM. Informers run on every replica (warm caches); controllers run
/// only on the leader, and only after every informer has synced.
public final class Manager: Sendable {
    public let client: KubeClient
    public let configuration: ManagerConfiguration
    public let metrics: RuntimeMetrics
    public let logger: Logger
    public let events: EventRecorder
    public let elector: LeaderElector?
    let probeServers: [ProbeServer]

    struct Parts {
        var informers: [String: any Sendable] = [:]
        var services: [any Service] = []
        var synced: [@Sendable () -> Bool] = []
        var waitForSync: [@Sendable () async -> Void] = []
        var controllers: [Controller] = []
        var running = false
    }
    /// A class so closures made during `init` (readiness) can hold it.
    final class PartsBox: Sendable {
        let lock = Mutex(Parts())
        func withLock<R>(_ body: (inout Parts) -> R) -> R { lock.withLock { body(&$0) } }
    }
    private let parts = PartsBox()

    /// Creates the manager and its API client (whose requests feed the manager's metrics).
    public init(
        clientConfiguration: KubeClientConfiguration, configuration: ManagerConfiguration,
        logger: Logger = Logger(label: "trainyard.manager")
    ) throws {
        let metrics = RuntimeMetrics()
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
        let observer: any KubeClientObserver = configuration.observer.map { ObserverPair(first: metrics, second: $0) } ?? metrics
        self.client = try KubeClient(configuration: clientConfiguration, observer: observer, logger: logger)
        self.events = EventRecorder(client: client, component: "trainyard-controller", logger: logger)
        if let election = configuration.leaderElection {
            if let problem = election.problem { throw KubeError(code: .configuration, message: problem) }
            self.elector = LeaderElector(client: client, configuration: election, metrics: metrics, logger: logger)
        } else {
            self.elector = nil
        }
        var servers: [ProbeServer] = []
        let parts = self.parts
        let isReady: @Sendable () -> (ready: Bool, reason: String) = {
            let pending = parts.withLock { $0.synced.filter { !$0() }.count }
            return pending == 0 ? (true, "") : (false, "\(pending) informer cache(s) not synced yet")
        }
        if let metricsAddress = configuration.metricsAddress, let healthAddress = configuration.healthAddress,
            metricsAddress == healthAddress, metricsAddress.port != 0
        {
            servers.append(
                ProbeServer(address: metricsAddress, endpoints: [.health, .metrics], metrics: metrics, logger: logger, isReady: isReady))
        } else {
            if let address = configuration.metricsAddress {
                servers.append(ProbeServer(address: address, endpoints: .metrics, metrics: metrics, logger: logger, isReady: isReady))
            }
            if let address = configuration.healthAddress {
                servers.append(ProbeServer(address: address, endpoints: .health, metrics: metrics, logger: logger, isReady: isReady))
            }
        }
        self.probeServers = servers
    }

    /// The port `/metrics` listens on, once started.
    public var metricsPort: Int? { probeServers.first { $0.endpoints.contains(.metrics) }?.port }
    /// The port `/healthz` and `/readyz` listen on, once started.
    public var healthPort: Int? { probeServers.first { $0.endpoints.contains(.health) }?.port }

    /// The shared informer for `T` in the manager's namespace (one per type, however often asked).
    public func informer<T: KubernetesResource>(_: T.Type) -> Informer<T> {
        informer(T.self, resource: T.resourceType)
    }

    /// The shared informer for objects of `resource`, decoded as `T`.
    public func informer<T: KubernetesObject>(_: T.Type, resource: ResourceType) -> Informer<T> {
        parts.withLock { parts in
            let key = "\(resource)|\(T.self)"
            if let existing = parts.informers[key] as? Informer<T> { return existing }
            precondition(!parts.running, "add informers before the manager runs")
            let informer = Informer<T>(
                client: client, type: resource, namespace: resource.namespaced ? configuration.namespace : nil,
                configuration: configuration.watcher, resyncPeriod: configuration.resyncPeriod, logger: logger)
            parts.informers[key] = informer
            parts.services.append(informer)
            parts.synced.append { informer.hasSynced }
            parts.waitForSync.append { await informer.waitForSync() }
            return informer
        }
    }

    /// Creates and registers a controller with the manager's worker count and metrics.
    @discardableResult
    public func controller(name: String, reconcile: @escaping Controller.Reconcile) -> Controller {
        let controller = Controller(name: name, workers: configuration.workers, metrics: metrics, logger: logger, reconcile: reconcile)
        add(controller)
        return controller
    }

    public func add(_ controller: Controller) {
        parts.withLock { parts in
            precondition(!parts.running, "add controllers before the manager runs")
            parts.controllers.append(controller)
        }
    }

    public var controllerCount: Int { parts.withLock { $0.controllers.count } }

    /// Runs everything until SIGTERM/SIGINT (when `signals` lists them) or cancellation, then
    /// stops in reverse order: controllers (releasing the lease), informers, servers.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let (informers, controllers, waits) = parts.withLock { parts in
            parts.running = true
            return (parts.services, parts.controllers, parts.waitForSync)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = probeServers.map { .init(service: $0) }
        services += informers.map { .init(service: $0) }
        services.append(.init(service: ControllerRunner(manager: self, controllers: controllers, waitForSync: waits)))
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        // Within the kubelet's default 30 s grace period: what has not stopped by then is cancelled.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(25)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
    }
}

/// Waits for the caches, then runs the controllers, under leader election when configured.
struct ControllerRunner: Service {
    let manager: Manager
    let controllers: [Controller]
    let waitForSync: [@Sendable () async -> Void]

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            for wait in waitForSync { await wait() }
            if Task.isCancelled { return }
            manager.logger.info("caches synced", metadata: ["informers": "\(waitForSync.count)", "controllers": "\(controllers.count)"])
            let work: @Sendable () async throws -> Void = { [controllers] in
                await withTaskGroup(of: Void.self) { group in
                    for controller in controllers { group.addTask { await controller.run() } }
                    // With no controllers there is nothing to run, but leadership is still held
                    // (and the process kept up) until shutdown.
                    if controllers.isEmpty {
                        group.addTask { while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) } }
                    }
                }
            }
            if let elector = manager.elector {
                try await elector.runWhenLeader(work)
            } else {
                try await work()
            }
        }
    }
}

/// Tells two observers of every request.
struct ObserverPair: KubeClientObserver {
    let first: any KubeClientObserver
    let second: any KubeClientObserver

    func requestFinished(verb: String, resource: String, statusCode: Int, duration: Duration) {
        first.requestFinished(verb: verb, resource: resource, statusCode: statusCode, duration: duration)
        second.requestFinished(verb: verb, resource: resource, statusCode: statusCode, duration: duration)
    }

    func watchRestarted(resource: String, reason: String) {
        first.watchRestarted(resource: resource, reason: reason)
        second.watchRestarted(resource: resource, reason: reason)
    }
}
