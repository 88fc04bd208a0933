import DevRuntime
import KubeAPI
import Testing

@Suite("ServiceEndpoints")
struct ServiceEndpointsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var service: JSONValue
        var pods: [JSONValue]
        /// Port key -> local ports on 127.0.0.1.
        var expected: [String: [Int]]
        var testDescription: String { label }
    }

    typealias Fixture = ServiceEndpointsFixture

    static let cases: [Case] = [
        Case(
            label: "ready pods matching the selector",
            service: Fixture.service(),
            pods: [Fixture.pod("web-b", localPorts: ["8080": 40002]), Fixture.pod("web-a", localPorts: ["8080": 40001])],
            expected: ["http": [40001, 40002]]),
        Case(
            label: "selector mismatch",
            service: Fixture.service(),
            pods: [Fixture.pod("api", labels: ["app": "api"]), Fixture.pod("unlabelled", labels: [:])],
            expected: ["http": []]),
        Case(
            label: "every selector label must match",
            service: Fixture.service(selector: ["app": "web", "tier": "front"]),
            pods: [
                Fixture.pod("web", labels: ["app": "web"], localPorts: ["8080": 40001]),
                Fixture.pod("front", labels: ["app": "web", "tier": "front"], localPorts: ["8080": 40003]),
            ],
            expected: ["http": [40003]]),
        Case(
            label: "not ready",
            service: Fixture.service(),
            pods: [Fixture.pod("starting", ready: false), Fixture.pod("no-conditions", ready: nil)],
            expected: ["http": []]),
        Case(
            label: "terminating",
            service: Fixture.service(),
            pods: [Fixture.pod("leaving", terminating: true)],
            expected: ["http": []]),
        Case(
            label: "finished pods",
            service: Fixture.service(),
            pods: [Fixture.pod("done", phase: "Succeeded"), Fixture.pod("crashed", phase: "Failed")],
            expected: ["http": []]),
        Case(
            label: "pod without an IP",
            service: Fixture.service(),
            pods: [Fixture.pod("pending", podIP: nil)],
            expected: ["http": []]),
        Case(
            label: "named target port",
            service: Fixture.service(ports: [["name": "http", "port": 80, "targetPort": "web"]]),
            pods: [
                Fixture.pod("web", containerPorts: [["name": "web", "containerPort": 8080]]),
                Fixture.pod("other-name", localPorts: ["8080": 40002], containerPorts: [["name": "www", "containerPort": 8080]]),
                Fixture.pod(
                    "udp-only", localPorts: ["8080": 40003],
                    containerPorts: [["name": "web", "containerPort": 8080, "protocol": "UDP"]]),
            ],
            expected: ["http": [40001]]),
        Case(
            label: "missing or incomplete ports annotation",
            service: Fixture.service(),
            pods: [
                Fixture.pod("no-annotation", localPorts: nil),
                Fixture.pod("other-port", localPorts: ["9090": 40009]),
                Fixture.pod("garbled", rawAnnotation: "{8080: 40001"),
            ],
            expected: ["http": []]),
        Case(
            label: "multiple ports",
            service: Fixture.service(ports: [
                ["name": "metrics", "port": 9100, "targetPort": "metrics"],
                ["name": "http", "port": 80, "targetPort": 8080],
            ]),
            pods: [
                Fixture.pod(
                    "web-a", localPorts: ["8080": 40001, "9100": 40002],
                    containerPorts: [["name": "metrics", "containerPort": 9100]]),
                Fixture.pod(
                    "web-b", localPorts: ["8080": 40011, "9100": 40012],
                    containerPorts: [["name": "metrics", "containerPort": 9100]]),
                // Serves http but records no local port for metrics.
                Fixture.pod("web-c", localPorts: ["8080": 40021], containerPorts: [["name": "metrics", "containerPort": 9100]]),
            ],
            expected: ["http": [40001, 40011, 40021], "metrics": [40002, 40012]]),
        Case(
            label: "no selector",
            service: Fixture.service(selector: nil),
            pods: [Fixture.pod("web")],
            expected: ["http": []]),
        Case(
            label: "empty selector",
            service: Fixture.service(selector: [:]),
            pods: [Fixture.pod("web")],
            expected: ["http": []]),
        Case(
            label: "target port defaults to the port, unnamed port keyed by number",
            service: Fixture.service(ports: [["port": 8080]]),
            pods: [Fixture.pod("web")],
            expected: ["8080": [40001]]),
        Case(
            label: "target port given as a string of digits",
            service: Fixture.service(ports: [["name": "http", "port": 80, "targetPort": "8080"]]),
            pods: [Fixture.pod("web")],
            expected: ["http": [40001]]),
        Case(
            label: "publishNotReadyAddresses includes pods that are not ready",
            service: Fixture.service(publishNotReadyAddresses: true),
            pods: [Fixture.pod("starting", ready: false)],
            expected: ["http": [40001]]),
        Case(
            label: "pods of other namespaces",
            service: Fixture.service(),
            pods: [Fixture.pod("elsewhere", namespace: "other")],
            expected: ["http": []]),
        Case(
            label: "duplicates collapse",
            service: Fixture.service(),
            pods: [Fixture.pod("web-a"), Fixture.pod("web-a-again")],
            expected: ["http": [40001]]),
    ]

    @Test(arguments: cases)
    func endpoints(_ testCase: Case) {
        let computed = ServiceEndpoints(service: testCase.service, pods: testCase.pods)
        let actual = Dictionary(uniqueKeysWithValues: computed.ports.map { ($0.key, $0.endpoints) })
        let expected = testCase.expected.mapValues { $0.map { Endpoint(host: "127.0.0.1", port: $0) } }
        #expect(actual == expected)
    }

    @Test("ports come sorted with their details, whatever order the Service and pods list them in")
    func deterministic() {
        let service = Fixture.service(ports: [
            ["name": "metrics", "port": 9100, "targetPort": "metrics"],
            ["name": "http", "port": 80, "targetPort": 8080],
            ["name": "dns", "port": 53, "protocol": "UDP"],
        ])
        let pods = (1...5).map { index in
            Fixture.pod(
                "web-\(index)", localPorts: ["8080": 40000 + index, "9100": 41000 + index, "53": 42000 + index],
                containerPorts: [["name": "metrics", "containerPort": 9100]])
        }
        let forward = ServiceEndpoints(service: service, pods: pods)
        #expect(ServiceEndpoints(service: service, pods: pods.reversed()) == forward)
        #expect(ServiceEndpoints(service: service, pods: [pods[2], pods[0], pods[4], pods[1], pods[3]]) == forward)

        #expect(forward.namespace == "default")
        #expect(forward.name == "web")
        #expect(forward.ports.map(\.key) == ["dns", "http", "metrics"])
        #expect(forward.ports.map(\.protocol) == ["UDP", "TCP", "TCP"])
        #expect(forward.ports.map(\.targetPort) == [.number(53), .number(8080), .name("metrics")])
        #expect(forward.ports[1].endpoints.map(\.port) == [40001, 40002, 40003, 40004, 40005])
    }
}
