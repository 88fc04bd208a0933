import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging

/// Settings of a ``DevNode`` beyond its kubelet's.
public struct DevNodeConfiguration: Sendable {
    public var pods: PodRuntimeConfiguration
    /// Run the Deployment, ReplicaSet and Job controllers.
    public var workloads = true
    /// Give each Service a local proxy; its port allocations persist in the pods' state directory.
    public var services = true
    /// The loopback ports Services get (the NodePort range by default).
    public var servicePortRange = ServicePortAllocator.defaultRange
    public var serviceProxy = ServiceProxy.Configuration()

    public init(pods: PodRuntimeConfiguration) {
        self.pods = pods
    }
}

/// Everything the dev cluster runs beside its API server, on one API client and one set of
/// informers: the kubelet (``PodRuntime``), the Deployment, ReplicaSet and Job controllers, and a
/// proxy per Service. `announce` hears each new Service URL, for `trainyard dev` to print.
public final class DevNode: Sendable {
    public let configuration: DevNodeConfiguration
    private let manager: Manager
    private let pods: PodRuntime
    private let services: ServiceController?
    /// Held here: their reconcile closures hold them weakly.
    private let workloads: [any Sendable]

    public init(
        clientConfiguration: KubeClientConfiguration, configuration: DevNodeConfiguration, logger: Logger,
        announce: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        manager = try Manager(clientConfiguration: clientConfiguration, configuration: ManagerConfiguration(workers: 4), logger: logger)
        pods = PodRuntime(manager: manager, configuration: configuration.pods, logger: logger)
        let podInformer = manager.informer(DynamicObject.self, resource: .pods)
        workloads =
            configuration.workloads
            ? [
                ReplicaSetController(manager: manager, pods: podInformer, logger: logger),
                DeploymentController(manager: manager, pods: podInformer, logger: logger),
                JobController(manager: manager, pods: podInformer, logger: logger),
            ] : []
        if configuration.services {
            let allocator = try ServicePortAllocator(
                stateDirectory: URL(fileURLWithPath: configuration.pods.stateDirectory), range: configuration.servicePortRange)
            services = ServiceController(
                manager: manager, pods: podInformer, allocator: allocator, proxyConfiguration: configuration.serviceProxy,
                announce: announce, logger: logger)
        } else {
            services = nil
        }
    }

    /// Runs until cancelled; then stops the Service proxies and every container (SIGTERM, a short
    /// grace, SIGKILL), leaving the pods in the API as they were, as a node that goes away does.
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await manager.run(signals: [])
        } onCancel: {
        }
        await services?.stopAll()
        await pods.stopAll(grace: 5)
    }
}
