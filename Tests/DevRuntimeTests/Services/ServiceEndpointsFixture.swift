import DevRuntime
import KubeAPI

/// Services and pods as the dev cluster stores them, with only the fields endpoint computation reads.
enum ServiceEndpointsFixture {
    static func service(
        selector: [String: String]? = ["app": "web"],
        ports: [JSONValue] = [["name": "http", "port": 80, "targetPort": 8080]],
        publishNotReadyAddresses: Bool = false
    ) -> JSONValue {
        var spec: JSONValue = ["ports": .array(ports)]
        if let selector { spec["selector"] = .object(selector.mapValues { .string($0) }) }
        if publishNotReadyAddresses { spec["publishNotReadyAddresses"] = true }
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "web", "namespace": "default"],
            "spec": spec,
        ]
    }

    /// A pod; `ready: nil` leaves out the Ready condition, `localPorts: nil` the ports annotation.
    static func pod(
        _ name: String,
        namespace: String = "default",
        labels: [String: String] = ["app": "web"],
        ready: Bool? = true,
        terminating: Bool = false,
        phase: String = "Running",
        podIP: String? = "127.0.0.1",
        localPorts: [String: Int]? = ["8080": 40001],
        rawAnnotation: String? = nil,
        containerPorts: [JSONValue] = []
    ) -> JSONValue {
        var metadata: JSONValue = [
            "name": .string(name), "namespace": .string(namespace), "labels": .object(labels.mapValues { .string($0) }),
        ]
        if terminating { metadata["deletionTimestamp"] = "2025-01-01T00:00:00Z" }
        let annotation = rawAnnotation ?? localPorts.map { JSONValue.object($0.mapValues { .int(Int64($0)) }).serialized() }
        if let annotation { metadata["annotations"] = [ServiceEndpoints.portsAnnotation: .string(annotation)] }
        var status: JSONValue = ["phase": .string(phase)]
        if let podIP { status["podIP"] = .string(podIP) }
        if let ready {
            status["conditions"] = [
                ["type": "PodScheduled", "status": "True"],
                ["type": "Ready", "status": ready ? "True" : "False"],
            ]
        }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": metadata,
            "spec": ["containers": [["name": "main", "image": "local", "ports": .array(containerPorts)]]],
            "status": status,
        ]
    }
}
