import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

/// The dev cluster's kubelet: watches every pod and runs those with the Trainyard image as local
/// processes (one ``PodWorker`` per pod), reporting their status as a kubelet does. Pods with
/// other images stay Pending with a reason that says why.
public final class PodRuntime: Sendable {
    /// The pod annotation holding container port -> local port, as JSON (`{"8080": 53211}`).
    public static let portsAnnotation = ServiceEndpoints.portsAnnotation

    public let configuration: PodRuntimeConfiguration
    let manager: Manager
    private let events: EventRecorder
    private let workers = Mutex<[String: PodWorker]>([:])
    private let ports = PortAllocator()
    private let logger: Logger

    /// A runtime of its own, pods only; ``DevNode`` runs it together with the workload controllers.
    public convenience init(clientConfiguration: KubeClientConfiguration, configuration: PodRuntimeConfiguration, logger: Logger) throws {
        let manager = try Manager(clientConfiguration: clientConfiguration, configuration: ManagerConfiguration(workers: 4), logger: logger)
        self.init(manager: manager, configuration: configuration, logger: logger)
    }

    /// Registers the runtime's informer and controller with `manager`, which the caller runs.
    init(manager: Manager, configuration: PodRuntimeConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.manager = manager
        events = EventRecorder(client: manager.client, component: "kubelet", instance: configuration.nodeName, logger: logger)
        let pods = manager.informer(DynamicObject.self, resource: .pods)
        let controller = manager.controller(name: "dev-kubelet") { [weak self] key in
            guard let self else { return .awaitChange }
            await self.reconcile(key, store: pods.store)
            return .awaitChange
        }
        controller.watchPrimary(pods)
    }

    /// Runs until cancelled; then stops every container (SIGTERM, a short grace, SIGKILL).
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await manager.run(signals: [])
        } onCancel: {
        }
        await stopAll(grace: 5)
    }

    /// Stops every running container without touching the pods in the API (the node goes away).
    public func stopAll(grace: Int) async {
        let all = workers.withLock { workers in
            defer { workers.removeAll() }
            return Array(workers.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in all { group.addTask { await worker.shutdown(grace: grace) } }
        }
    }

    private func reconcile(_ key: ObjectKey, store: Store<DynamicObject>) async {
        let pod = store.get(key)?.json
        let uid = pod?[path: ["metadata", "uid"]]?.stringValue
        // Workers of this name whose pod is gone (or was replaced by one with another uid).
        let stale = workers.withLock { workers -> [PodWorker] in
            let gone = workers.filter { $0.value.key == key && $0.key != uid }
            for entry in gone { workers[entry.key] = nil }
            return gone.map(\.value)
        }
        for worker in stale { await worker.deleted() }
        guard let pod, let uid else { return }
        if let worker = workers.withLock({ $0[uid] }) {
            await worker.update(pod)
            return
        }
        let phase = pod[path: ["status", "phase"]]?.stringValue
        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
            // Terminating and not ours (e.g. the dev cluster restarted meanwhile): nothing runs, remove it.
            var options = DeleteOptions()
            options.gracePeriodSeconds = 0
            options.preconditionUID = uid
            _ = try? await manager.client.delete(.pods, namespace: key.namespace, name: key.name, options: options)
            return
        }
        guard phase != "Succeeded", phase != "Failed" else { return }
        let worker = PodWorker(
            pod: pod, client: manager.client, configuration: configuration, events: events, ports: ports, logger: logger)
        workers.withLock { $0[uid] = worker }
        await worker.start()
    }
}
