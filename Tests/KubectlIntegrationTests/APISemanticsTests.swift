import DevCluster
import Foundation
import KubeAPI
import Testing
import TrainyardTesting

/// Optimistic concurrency, watch resumption and persistence, observed through real kubectl.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct APISemanticsTests {
    let root = repositoryRoot
    let collection = "/apis/trainyard.dev/v1alpha1/namespaces/default/trainingjobs"

    func json(_ cluster: DevClusterHarness, _ args: String...) async throws -> JSONValue {
        try JSONValue.parse(try await cluster.kubectlOK(arguments: args))
    }

    @Test func secondPutWithTheSameResourceVersionConflicts() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/trainingjob.yaml")
        var object = try await json(cluster, "get", "tj", "credit-default-gbdt", "-o", "json")
        object[path: ["spec", "backoffLimit"]] = 7
        let first = try await cluster.kubectl("replace", "-f", "-", stdin: object.serialized())
        #expect(first.succeeded, "\(first)")
        object[path: ["spec", "backoffLimit"]] = 8
        let second = try await cluster.kubectl("replace", "-f", "-", stdin: object.serialized())
        #expect(!second.succeeded)
        #expect(second.stderr.contains("Conflict"), "\(second)")
        #expect(second.stderr.contains("the object has been modified"), "\(second)")
        #expect(try await cluster.kubectlOK("get", "tj", "credit-default-gbdt", "-o", "jsonpath={.spec.backoffLimit}") == "7")
    }

    func events(_ output: String) throws -> [(type: String, rv: Int64, phase: String?)] {
        try output.split(separator: "\n").map { line in
            let event = try JSONValue.parse(String(line))
            return (
                event["type"]?.stringValue ?? "", Int64(event[path: ["object", "metadata", "resourceVersion"]]?.stringValue ?? "") ?? -1,
                event[path: ["object", "status", "phase"]]?.stringValue
            )
        }
    }

    @Test func resumedWatchGetsExactlyTheMissedEvents() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/trainingjob.yaml")
        let list = try await json(cluster, "get", "--raw", collection)
        let start = try #require(list[path: ["metadata", "resourceVersion"]]?.stringValue)
        for phase in ["Pending", "Running", "Succeeded"] {
            try await cluster.kubectlOK(
                "patch", "tj", "credit-default-gbdt", "--subresource=status", "--type=merge", "-p", #"{"status":{"phase":"\#(phase)"}}"#)
        }
        try await cluster.kubectlOK("delete", "tj", "credit-default-gbdt")
        // A change to another kind must not show up in this watch.
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/modeldeployment.yaml")
        let output = try await cluster.kubectlOK("get", "--raw", "\(collection)?watch=true&resourceVersion=\(start)&timeoutSeconds=1")
        let seen = try events(output)
        #expect(seen.map(\.type) == ["MODIFIED", "MODIFIED", "MODIFIED", "DELETED"], "\(output)")
        #expect(seen.prefix(3).map(\.phase) == ["Pending", "Running", "Succeeded"])
        #expect(seen.map(\.rv) == seen.map(\.rv).sorted() && seen.allSatisfy { $0.rv > Int64(start)! })

        let fromMiddle = try await cluster.kubectlOK(
            "get", "--raw", "\(collection)?watch=true&resourceVersion=\(seen[1].rv)&timeoutSeconds=1")
        #expect(try events(fromMiddle).map(\.rv) == Array(seen.map(\.rv).dropFirst(2)))
    }

    @Test func watchFromBeyondTheHistoryGets410() async throws {
        let cluster = try await DevClusterHarness.start(watchHistory: 5)
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/trainingjob.yaml")
        let list = try await json(cluster, "get", "--raw", collection)
        let start = try #require(list[path: ["metadata", "resourceVersion"]]?.stringValue)
        for limit in 1...8 {
            try await cluster.kubectlOK("patch", "tj", "credit-default-gbdt", "--type=merge", "-p", #"{"spec":{"backoffLimit":\#(limit)}}"#)
        }
        let output = try await cluster.kubectlOK("get", "--raw", "\(collection)?watch=true&resourceVersion=\(start)&timeoutSeconds=1")
        let event = try JSONValue.parse(output.split(separator: "\n").first.map(String.init) ?? "")
        #expect(event["type"] == "ERROR", "\(output)")
        #expect(event[path: ["object", "code"]] == 410)
        #expect(event[path: ["object", "reason"]] == "Expired")
    }

    @Test func stateSurvivesARestart() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-state-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = try await DevClusterHarness.start(stateDirectory: state)
        try await first.kubectlOK("apply", "-f", root + "/crds/")
        try await first.kubectlOK("apply", "-f", root + "/examples/reference/")
        let before = try await json(first, "get", "tj", "credit-default-gbdt", "-o", "json")
        let beforeRV =
            Int64(try await json(first, "get", "--raw", collection)[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
        await first.stop()

        let second = try await DevClusterHarness.start(stateDirectory: state)
        defer { Task { await second.stop() } }
        let after = try await json(second, "get", "tj", "credit-default-gbdt", "-o", "json")
        #expect(after == before)
        #expect(try await second.kubectlOK("get", "trainyard", "-o", "name").split(separator: "\n").count == 3)
        try await second.kubectlOK("patch", "tj", "credit-default-gbdt", "--type=merge", "-p", #"{"spec":{"backoffLimit":9}}"#)
        let newRV = Int64(try await second.kubectlOK("get", "tj", "credit-default-gbdt", "-o", "jsonpath={.metadata.resourceVersion}")) ?? 0
        #expect(newRV > beforeRV, "resourceVersion went from \(beforeRV) to \(newRV)")
        // A watch resumed from before the restart still gets the change made after it.
        let resumed = try await second.kubectlOK("get", "--raw", "\(collection)?watch=true&resourceVersion=\(beforeRV)&timeoutSeconds=1")
        #expect(try events(resumed).map(\.rv) == [newRV], "\(resumed)")
    }
}
