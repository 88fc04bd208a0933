import Foundation
import KubeAPI
import Testing

@testable import DevCluster

/// Pods bound to a node are deleted gracefully: they stay Terminating until their node's runtime
/// deletes them with grace 0, as `rest.BeforeDelete` and the pod strategy make the real server do.
@Suite struct GracefulDeletionTests {
    let cluster: TestCluster
    let pods = "/api/v1/namespaces/default/pods"

    init() throws {
        cluster = try TestCluster()
    }

    @discardableResult
    func pod(_ name: String, node: String? = "trainyard-dev", grace: Int64? = nil, metadata: JSONValue = [:]) -> TestCluster.Reply {
        var meta = metadata
        meta["name"] = .string(name)
        var spec: JSONValue = ["containers": [["name": "main", "image": "busybox"]]]
        if let node { spec["nodeName"] = .string(node) }
        if let grace { spec["terminationGracePeriodSeconds"] = .int(grace) }
        let reply = cluster.post(pods, ["apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec])
        #expect(reply.status == 201, "creating \(name): \(reply.body.serialized())")
        return reply
    }

    func delete(_ name: String, grace: Int64? = nil) -> TestCluster.Reply {
        cluster.send("DELETE", pods + "/" + name, query: grace.map { ["gracePeriodSeconds": String($0)] } ?? [:])
    }

    func get(_ name: String) -> JSONValue? {
        let reply = cluster.get(pods + "/" + name)
        guard reply.status == 200 else { return Optional.none }
        return reply.body
    }

    func exists(_ name: String) -> Bool {
        cluster.get(pods + "/" + name).status == 200
    }

    static func time(_ object: JSONValue?) -> Date? {
        object?[path: ["metadata", "deletionTimestamp"]]?.stringValue.flatMap(TableConverter.parseTime)
    }

    @Test func aBoundPodWaitsForADeleteWithGraceZero() throws {
        pod("p")
        let generation = try #require(get("p")?[path: ["metadata", "generation"]]?.intValue)
        let first = delete("p")
        #expect(first.status == 200)
        let marked = try #require(get("p"))
        #expect(marked[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
        let deadline = try #require(Self.time(marked))
        #expect(abs(deadline.timeIntervalSinceNow - 30) < 10)
        #expect(marked[path: ["metadata", "generation"]]?.intValue == generation + 1)

        // Deleting again without a grace period, or with a longer one, changes nothing.
        let rv = marked[path: ["metadata", "resourceVersion"]]
        #expect(delete("p").status == 200)
        #expect(delete("p", grace: 60).status == 200)
        #expect(get("p")?[path: ["metadata", "resourceVersion"]] == rv)

        let shorter = delete("p", grace: 5)
        #expect(shorter.body[path: ["metadata", "deletionGracePeriodSeconds"]] == 5)
        let moved = try #require(Self.time(shorter.body))
        #expect(abs(deadline.timeIntervalSince(moved) - 25) < 1.5)

        let gone = delete("p", grace: 0)
        #expect(gone.status == 200)
        #expect(!exists("p"))
    }

    @Test func theGracePeriodComesFromTheRequestThenThePod() {
        pod("own", grace: 7)
        _ = delete("own")
        #expect(get("own")?[path: ["metadata", "deletionGracePeriodSeconds"]] == 7)
        pod("asked", grace: 7)
        _ = cluster.send("DELETE", pods + "/asked", body: ["kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 3])
        #expect(get("asked")?[path: ["metadata", "deletionGracePeriodSeconds"]] == 3)
        // A negative grace period counts as 1 second.
        pod("negative")
        _ = delete("negative", grace: -5)
        #expect(get("negative")?[path: ["metadata", "deletionGracePeriodSeconds"]] == 1)
    }

    @Test func unboundAndFinishedPodsGoAtOnce() {
        pod("unbound", node: nil)
        #expect(delete("unbound").status == 200)
        #expect(!exists("unbound"))
        pod("finished")
        cluster.mergePatch(pods + "/finished/status", ["status": ["phase": "Failed"]])
        _ = delete("finished")
        #expect(!exists("finished"))
        pod("zero", grace: 0)
        _ = delete("zero")
        #expect(!exists("zero"))
    }

    @Test func finalizersAndGracePeriodsBothHoldAPod() throws {
        pod("held", metadata: ["finalizers": ["example.com/keep"]])
        _ = delete("held")
        #expect(get("held")?[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
        // Releasing the finalizer does not end a graceful deletion...
        cluster.mergePatch(pods + "/held", ["metadata": ["finalizers": nil]])
        #expect(exists("held"))
        // ...and grace 0 with a finalizer still there waits for the finalizer.
        pod("both", metadata: ["finalizers": ["example.com/keep"]])
        _ = delete("both")
        _ = delete("both", grace: 0)
        let waiting = try #require(get("both"))
        #expect(waiting[path: ["metadata", "deletionGracePeriodSeconds"]] == 0)
        cluster.mergePatch(pods + "/both", ["metadata": ["finalizers": nil]])
        #expect(!exists("both"))
        _ = delete("held", grace: 0)
        #expect(!exists("held"))
    }

    @Test func aDeletedNamespaceWaitsForItsRunningPods() {
        cluster.createNamespace("team")
        let teamPods = "/api/v1/namespaces/team/pods"
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "runner"],
            "spec": ["nodeName": "trainyard-dev", "containers": [["name": "main", "image": "busybox"]]],
        ]
        #expect(cluster.post(teamPods, body).status == 201)
        #expect(cluster.delete("/api/v1/namespaces/team").status == 200)
        let runner = cluster.get(teamPods + "/runner")
        #expect(runner.status == 200)
        #expect(runner.body[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
        #expect(cluster.get("/api/v1/namespaces/team").status == 200)

        // The runtime stops the pod and removes it; the namespace follows.
        #expect(cluster.send("DELETE", teamPods + "/runner", query: ["gracePeriodSeconds": "0"]).status == 200)
        #expect(cluster.get(teamPods + "/runner").status == 404)
        #expect(cluster.get("/api/v1/namespaces/team").status == 404)
    }

    @Test func aDeletionWatchSeesModifiedThenDeleted() async throws {
        pod("watched")
        let plan = try #require(cluster.watch(pods, query: ["resourceVersion": cluster.get(pods).resourceVersion ?? "0"]))
        _ = delete("watched")
        _ = delete("watched", grace: 0)
        let messages = await TestCluster.drain(plan)
        #expect(messages.map(\.summary) == ["MODIFIED watched", "DELETED watched"])
    }

    @Test func badGracePeriodsAreRejected() {
        pod("p")
        let reply = cluster.send("DELETE", pods + "/p", query: ["gracePeriodSeconds": "soon"])
        #expect(reply.status == 400)
        #expect(get("p")?[path: ["metadata", "deletionTimestamp"]] == nil)
    }
}
