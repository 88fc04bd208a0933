import Foundation
import KubeAPI
import Testing
import TrainyardTesting

@testable import DevCluster

/// An in-memory dev API server driven through `APIHandler`, without HTTP: each call is one
/// request and answers with the status code and body the real server would send.
struct TestCluster {
    let store: ClusterStore
    let handler: APIHandler

    /// What a non-watch request answered.
    struct Reply {
        var status: Int
        var body: JSONValue
        var warnings: [String]

        var name: String? { body[path: ["metadata", "name"]]?.stringValue }
        var resourceVersion: String? { body[path: ["metadata", "resourceVersion"]]?.stringValue }
        var uid: String? { body[path: ["metadata", "uid"]]?.stringValue }
        var message: String { body["message"]?.stringValue ?? "" }
        var reason: String { body["reason"]?.stringValue ?? "" }
    }

    init(historyLimit: Int = 1000) throws {
        store = try ClusterStore(stateDirectory: nil, historyLimit: historyLimit)
        handler = APIHandler(store: store, serverAddress: { "127.0.0.1:0" }, bookmarkInterval: .seconds(3600))
    }

    @discardableResult
    func send(
        _ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
        contentType: String = "application/json", accept: String = "application/json", rawBody: String? = nil
    ) -> Reply {
        let bytes = rawBody.map { Array($0.utf8) } ?? body.map { $0.serializedBytes() } ?? []
        let request = APIRequest(
            method: method, path: path, query: query, accept: accept, contentType: contentType,
            userAgent: "kubectl/v1.37.0 (linux/amd64) kubernetes/abcdef", body: bytes)
        switch handler.handle(request) {
        case .json(let status, let body, let warnings):
            return Reply(status: status, body: body, warnings: warnings)
        case .text(let status, let body):
            return Reply(status: status, body: .string(body), warnings: [])
        case .watch(let plan):
            plan.cancel()
            Issue.record("\(method) \(path) answered a watch stream, not a document")
            return Reply(status: 0, body: .null, warnings: [])
        }
    }

    func get(_ path: String, query: [String: String] = [:], accept: String = "application/json") -> Reply {
        send("GET", path, query: query, accept: accept)
    }

    @discardableResult
    func post(_ path: String, _ body: JSONValue, query: [String: String] = [:]) -> Reply {
        send("POST", path, query: query, body: body)
    }

    @discardableResult
    func put(_ path: String, _ body: JSONValue, query: [String: String] = [:]) -> Reply {
        send("PUT", path, query: query, body: body)
    }

    @discardableResult
    func mergePatch(_ path: String, _ patch: JSONValue, query: [String: String] = [:]) -> Reply {
        send("PATCH", path, query: query, body: patch, contentType: "application/merge-patch+json")
    }

    @discardableResult
    func apply(_ path: String, yaml: String, manager: String, force: Bool = false) -> Reply {
        var query = ["fieldManager": manager]
        if force { query["force"] = "true" }
        return send("PATCH", path, query: query, contentType: "application/apply-patch+yaml", rawBody: yaml)
    }

    @discardableResult
    func delete(_ path: String, propagation: String? = nil) -> Reply {
        send("DELETE", path, query: propagation.map { ["propagationPolicy": $0] } ?? [:])
    }

    /// Opens a watch; nil (with a recorded issue) if the handler answered with a document.
    func watch(_ path: String, query: [String: String]) -> WatchPlan? {
        var query = query
        query["watch"] = "true"
        let request = APIRequest(method: "GET", path: path, query: query)
        switch handler.handle(request) {
        case .watch(let plan):
            return plan
        case .json(let status, let body, _):
            Issue.record("watch \(path) answered \(status): \(body.serialized())")
            return nil
        case .text(let status, let body):
            Issue.record("watch \(path) answered \(status): \(body)")
            return nil
        }
    }

    /// Ends a watch and returns every message it had queued, in order.
    static func drain(_ plan: WatchPlan) async -> [WatchMessage] {
        plan.cancel()
        var messages: [WatchMessage] = []
        for await message in plan.stream {
            if case .end = message { break }
            messages.append(message)
        }
        return messages
    }

    /// Creates a CustomResourceDefinition from `crds/` of this checkout.
    @discardableResult
    func installCRD(_ file: String) throws -> Reply {
        let documents = try loadYAMLDocuments(repositoryRoot + "/crds/" + file)
        let crd = try #require(documents.first)
        let reply = post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        try #require(reply.status == 201, "creating the CRD from \(file): \(reply.body.serialized())")
        return reply
    }

    func createNamespace(_ name: String) {
        let reply = post("/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
        #expect(reply.status == 201, "creating namespace \(name): \(reply.body.serialized())")
    }

    static func configMap(_ name: String, data: JSONValue = ["k": "v"], metadata: JSONValue = [:]) -> JSONValue {
        var meta = metadata
        meta["name"] = .string(name)
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data]
    }

    static func deployment(_ name: String, replicas: Int64 = 1) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
            "spec": [
                "replicas": .int(replicas), "selector": ["matchLabels": ["app": .string(name)]],
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": ["containers": [["name": "app", "image": "busybox"]]],
                ],
            ],
        ]
    }
}

extension WatchMessage {
    /// `TYPE name` for events, `BOOKMARK` (with `initial-events-end` when it ends a streaming list).
    var summary: String {
        switch self {
        case .event(let type, let object):
            return "\(type) \(object[path: ["metadata", "name"]]?.stringValue ?? "")"
        case .bookmark(_, let initialEventsEnd):
            return initialEventsEnd ? "BOOKMARK initial-events-end" : "BOOKMARK"
        case .end:
            return "END"
        }
    }
}
