import KubeAPI

/// The endpoints of one Service, per service port, computed from the Service and the pods in its namespace.
///
/// This is the dev runtime's endpoints controller without the controller: a pure function of its inputs, so the
/// caller decides when to recompute (on any Service or Pod event) and pushes the result into each port's
/// ``ServiceProxy``. The rules follow Kubernetes': a pod serves a Service when it matches the selector, is not
/// terminating, has `Ready=True` and an IP; a Service without a selector has no endpoints. Where Kubernetes would use
/// the pod IP and the target container port, the dev runtime uses `status.podIP` and the local port the pod runtime
/// recorded for that container port in the ``portsAnnotation`` annotation.
public struct ServiceEndpoints: Sendable, Equatable {
    /// The pod annotation holding a JSON object from container port (as a string) to local port, e.g. `{"8080": 53211}`.
    public static let portsAnnotation = "dev.trainyard.io/ports"

    /// A service port's `targetPort`: a container port number or the name of a container port.
    public enum TargetPort: Sendable, Hashable, CustomStringConvertible {
        case number(Int)
        case name(String)

        public var description: String {
            switch self {
            case .number(let number): return String(number)
            case .name(let name): return name
            }
        }
    }

    /// One entry of `spec.ports` with the endpoints serving it.
    public struct Port: Sendable, Equatable {
        /// `spec.ports[].name`; `nil` when empty or absent (allowed for a Service with a single port).
        public var name: String?
        public var port: Int
        public var `protocol`: String
        public var targetPort: TargetPort
        /// Ready endpoints, sorted and without duplicates.
        public var endpoints: [Endpoint]

        public init(name: String?, port: Int, protocol: String, targetPort: TargetPort, endpoints: [Endpoint]) {
            self.name = name
            self.port = port
            self.protocol = `protocol`
            self.targetPort = targetPort
            self.endpoints = endpoints
        }

        /// How this port is told apart within its Service: its name, or its number when it has no name.
        public var key: String { name ?? String(port) }
    }

    public var namespace: String
    public var name: String
    /// The Service's ports sorted by port number, protocol and name; ports without a valid number are left out.
    public var ports: [Port]

    public init(namespace: String, name: String, ports: [Port]) {
        self.namespace = namespace
        self.name = name
        self.ports = ports
    }

    /// Computes the endpoints of `service` from `pods`; pods from other namespaces are ignored.
    public init(service: JSONValue, pods: [JSONValue]) {
        let namespace = service[path: ["metadata", "namespace"]]?.stringValue ?? "default"
        self.namespace = namespace
        self.name = service[path: ["metadata", "name"]]?.stringValue ?? ""
        let selector = Self.selector(of: service)
        let publishNotReady = service[path: ["spec", "publishNotReadyAddresses"]]?.boolValue ?? false
        let serving: [ServingPod]
        if let selector {
            serving = pods.compactMap { pod in
                ServingPod(pod, namespace: namespace, selector: selector, publishNotReady: publishNotReady)
            }
        } else {
            serving = []
        }
        var ports: [Port] = []
        for entry in service[path: ["spec", "ports"]]?.arrayValue ?? [] {
            guard let number = entry["port"]?.intValue, (1...65535).contains(number) else { continue }
            let portName = entry["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            let transport = entry["protocol"]?.stringValue ?? "TCP"
            let target: TargetPort
            // Port names must contain a letter, so a string of digits is a number written as a string.
            if let text = entry["targetPort"]?.stringValue, !text.isEmpty {
                target = Int(text).map { .number($0) } ?? .name(text)
            } else if let targetNumber = entry["targetPort"]?.intValue, targetNumber > 0 {
                target = .number(Int(targetNumber))
            } else {
                target = .number(Int(number))
            }
            let endpoints = Set(serving.compactMap { $0.endpoint(for: target, protocol: transport) })
            ports.append(
                Port(name: portName, port: Int(number), protocol: transport, targetPort: target, endpoints: endpoints.sorted()))
        }
        self.ports = ports.sorted { ($0.port, $0.protocol, $0.name ?? "") < ($1.port, $1.protocol, $1.name ?? "") }
    }

    /// The label selector, or `nil` for a Service that selects no pods (no selector, or an empty one).
    private static func selector(of service: JSONValue) -> [String: String]? {
        guard let object = service[path: ["spec", "selector"]]?.objectValue, !object.isEmpty else { return nil }
        var selector: [String: String] = [:]
        for (key, value) in object {
            guard let string = value.stringValue else { return nil }
            selector[key] = string
        }
        return selector
    }
}

/// A pod that may serve a Service: selected, not terminating, ready (unless the Service publishes not-ready
/// addresses), with an IP.
private struct ServingPod {
    let ip: String
    let spec: JSONValue
    /// Container port -> local port, from the ports annotation.
    let localPorts: [String: JSONValue]

    init?(_ pod: JSONValue, namespace: String, selector: [String: String], publishNotReady: Bool) {
        let podNamespace = pod[path: ["metadata", "namespace"]]?.stringValue ?? namespace
        guard podNamespace == namespace else { return nil }
        let labels = pod[path: ["metadata", "labels"]]?.objectValue ?? [:]
        guard selector.allSatisfy({ labels[$0.key]?.stringValue == $0.value }) else { return nil }
        let terminating = !(pod[path: ["metadata", "deletionTimestamp"]]?.isNull ?? true)
        let phase = pod[path: ["status", "phase"]]?.stringValue
        guard phase != "Succeeded", phase != "Failed" else { return nil }
        if !publishNotReady {
            guard !terminating, Self.isReady(pod) else { return nil }
        }
        guard let ip = pod[path: ["status", "podIP"]]?.stringValue, !ip.isEmpty else { return nil }
        self.ip = ip
        self.spec = pod["spec"] ?? .object([:])
        let annotation = pod[path: ["metadata", "annotations", ServiceEndpoints.portsAnnotation]]?.stringValue
        self.localPorts = annotation.flatMap { try? JSONValue.parse($0).objectValue } ?? [:]
    }

    private static func isReady(_ pod: JSONValue) -> Bool {
        let conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
        return conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
    }

    func endpoint(for target: ServiceEndpoints.TargetPort, protocol transport: String) -> Endpoint? {
        let containerPort: Int64
        switch target {
        case .number(let number):
            containerPort = Int64(number)
        case .name(let name):
            guard let found = namedContainerPort(name, protocol: transport) else { return nil }
            containerPort = found
        }
        let recorded = localPorts[String(containerPort)]
        guard let local = recorded?.intValue ?? recorded?.stringValue.flatMap({ Int64($0) }), (1...65535).contains(local)
        else { return nil }
        return Endpoint(host: ip, port: Int(local))
    }

    private func namedContainerPort(_ name: String, protocol transport: String) -> Int64? {
        for container in spec["containers"]?.arrayValue ?? [] {
            for port in container["ports"]?.arrayValue ?? [] {
                guard port["name"]?.stringValue == name, (port["protocol"]?.stringValue ?? "TCP") == transport else { continue }
                return port["containerPort"]?.intValue
            }
        }
        return nil
    }
}
