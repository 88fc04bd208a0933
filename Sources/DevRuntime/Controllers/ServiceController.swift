import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

/// The dev cluster's kube-proxy and endpoints controller in one: each TCP port of each Service
/// (except ExternalName) gets a ``ServiceProxy`` on a stable loopback port from
/// ``ServicePortAllocator``, fed with the Service's ready endpoints as Pods come and go. The URL
/// is written on the Service as ``urlAnnotation`` (and ``urlsAnnotation`` when it has several
/// ports), and announced through `announce`.
final class ServiceController: Sendable {
    /// `http://127.0.0.1:PORT` of the Service's first port.
    static let urlAnnotation = "dev.trainyard.io/url"
    /// For a Service with several ports: a JSON object from port name (or number) to URL.
    static let urlsAnnotation = "dev.trainyard.io/urls"

    private let services: Store<DynamicObject>
    private let pods: Store<DynamicObject>
    private let client: KubeClient
    private let allocator: ServicePortAllocator
    private let proxyConfiguration: ServiceProxy.Configuration
    private let announce: @Sendable (String) -> Void
    private let logger: Logger
    private let proxies = Mutex<[ObjectKey: [String: ServiceProxy]]>([:])
    private let pruned = Mutex(false)

    init(
        manager: Manager, pods podInformer: Informer<DynamicObject>, allocator: ServicePortAllocator,
        proxyConfiguration: ServiceProxy.Configuration, announce: @escaping @Sendable (String) -> Void, logger: Logger
    ) {
        let serviceInformer = manager.informer(DynamicObject.self, resource: .services)
        services = serviceInformer.store
        pods = podInformer.store
        client = manager.client
        self.allocator = allocator
        self.proxyConfiguration = proxyConfiguration
        self.announce = announce
        self.logger = logger
        let controller = manager.controller(name: "service") { [weak self] key in
            guard let self else { return .awaitChange }
            return try await self.reconcile(key)
        }
        controller.watchPrimary(serviceInformer)
        let services = self.services
        // Any Pod change may change the endpoints of the Services of its namespace.
        controller.watch(podInformer) { pod in services.list(namespace: pod.metadata.namespace).map(\.objectKey) }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        try await pruneStaleAllocations()
        guard let service = services.get(key)?.json, service[path: ["metadata", "deletionTimestamp"]] == nil,
            service[path: ["spec", "type"]]?.stringValue != "ExternalName"
        else {
            await stopProxies(of: key, releasing: services.get(key) == nil)
            return .awaitChange
        }
        let endpoints = ServiceEndpoints(service: service, pods: pods.list(namespace: key.namespace).map(\.json))
        var running = proxies.withLock { $0[key] ?? [:] }
        var urls: [String: String] = [:]
        for port in endpoints.ports where port.protocol == "TCP" {
            let proxy: ServiceProxy
            if let existing = running[port.key] {
                proxy = existing
            } else {
                proxy = try await startProxy(
                    ServicePortAllocator.Key(namespace: endpoints.namespace, service: endpoints.name, port: port.key))
                running[port.key] = proxy
                proxies.withLock { $0[key] = running }
                announce("service \(endpoints.namespace)/\(endpoints.name) port \(port.key) on http://\(proxy.host):\(proxy.port)")
            }
            proxy.setEndpoints(port.endpoints)
            urls[port.key] = "http://\(proxy.host):\(proxy.port)"
        }
        for (portKey, proxy) in running where urls[portKey] == nil {
            await proxy.stop()
            try? await allocator.release(ServicePortAllocator.Key(namespace: endpoints.namespace, service: endpoints.name, port: portKey))
            running[portKey] = nil
        }
        proxies.withLock { $0[key] = running.isEmpty ? nil : running }
        try await annotate(service, key: key, urls: urls)
        return .awaitChange
    }

    /// Stops every proxy (the dev cluster is stopping); the ports stay allocated for the next start.
    func stopAll() async {
        let all = proxies.withLock { proxies in
            defer { proxies.removeAll() }
            return proxies.values.flatMap(\.values)
        }
        for proxy in all { await proxy.stop() }
    }

    private func startProxy(_ key: ServicePortAllocator.Key) async throws -> ServiceProxy {
        var port = try await allocator.port(for: key)
        for attempt in 1... {
            do {
                return try await ServiceProxy.start(name: key.description, port: port, configuration: proxyConfiguration, logger: logger)
            } catch let error as ServiceProxyError where attempt < 3 {
                // Something else took the port while trainyard dev was not running: move the Service on.
                logger.warning("service port taken; moving it", metadata: ["service": "\(key)", "port": "\(port)", "error": "\(error)"])
                port = try await allocator.reassign(key)
            }
        }
        fatalError("unreachable")
    }

    private func stopProxies(of key: ObjectKey, releasing: Bool) async {
        let running = proxies.withLock { $0.removeValue(forKey: key) ?? [:] }
        for proxy in running.values { await proxy.stop() }
        if releasing, let namespace = key.namespace {
            _ = try? await allocator.releaseService(namespace: namespace, name: key.name)
        }
    }

    private func annotate(_ service: JSONValue, key: ObjectKey, urls: [String: String]) async throws {
        let ports = service[path: ["spec", "ports"]]?.arrayValue ?? []
        let first = ports.first.map { port in
            port["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? port["port"].map { "\($0.intValue ?? 0)" } ?? ""
        }
        let url: JSONValue = first.flatMap { urls[$0] }.map(JSONValue.string) ?? .null
        let all: JSONValue =
            urls.count > 1 ? .string(JSONValue.object(urls.mapValues(JSONValue.string)).serialized()) : .null
        let annotations = service[path: ["metadata", "annotations"]]
        guard annotations?[Self.urlAnnotation] ?? .null != url || annotations?[Self.urlsAnnotation] ?? .null != all else { return }
        let patch: JSONValue = ["metadata": ["annotations": [Self.urlAnnotation: url, Self.urlsAnnotation: all]]]
        do {
            try await client.patch(.services, namespace: key.namespace, name: key.name, patch: patch, patchType: .merge)
        } catch let error as KubeError where error.code == .notFound {
        }
    }

    /// Once, after the caches have synced: forgets the ports of Services deleted while the dev cluster was down.
    private func pruneStaleAllocations() async throws {
        guard
            pruned.withLock({ done in
                defer { done = true }; return !done
            })
        else { return }
        var keys: Set<ServicePortAllocator.Key> = []
        for service in services.list() {
            let endpoints = ServiceEndpoints(service: service.json, pods: [])
            for port in endpoints.ports { keys.insert(.init(namespace: endpoints.namespace, service: endpoints.name, port: port.key)) }
        }
        try await allocator.retainOnly(keys)
    }
}
