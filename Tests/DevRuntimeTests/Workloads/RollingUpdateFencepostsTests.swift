import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// `ResolveFenceposts`: surge rounds up, unavailability down, and 0/0 becomes 0/1.
@Suite struct RollingUpdateFencepostsTests {
    struct Case: Sendable, CustomStringConvertible {
        var replicas: Int
        var maxSurge: JSONValue
        var maxUnavailable: JSONValue
        var surge: Int
        var unavailable: Int
        var description: String { "\(replicas) replicas, \(maxSurge)/\(maxUnavailable)" }
    }

    static let cases: [Case] = [
        Case(replicas: 10, maxSurge: "25%", maxUnavailable: "25%", surge: 3, unavailable: 2),
        Case(replicas: 4, maxSurge: "25%", maxUnavailable: "25%", surge: 1, unavailable: 1),
        Case(replicas: 3, maxSurge: "25%", maxUnavailable: "25%", surge: 1, unavailable: 0),
        Case(replicas: 1, maxSurge: "25%", maxUnavailable: "25%", surge: 1, unavailable: 0),
        Case(replicas: 3, maxSurge: 0, maxUnavailable: "25%", surge: 0, unavailable: 1),
        Case(replicas: 2, maxSurge: "0%", maxUnavailable: "1%", surge: 0, unavailable: 1),
        Case(replicas: 0, maxSurge: "25%", maxUnavailable: "25%", surge: 0, unavailable: 1),
        Case(replicas: 10, maxSurge: 3, maxUnavailable: 2, surge: 3, unavailable: 2),
        Case(replicas: 5, maxSurge: "100%", maxUnavailable: 0, surge: 5, unavailable: 0),
        Case(replicas: 7, maxSurge: "50%", maxUnavailable: "50%", surge: 4, unavailable: 3),
    ]

    @Test(arguments: cases) func resolvesLikeKubernetes(_ c: Case) throws {
        let fenceposts = RollingUpdateFenceposts.resolve(
            maxSurge: try IntOrPercent(c.maxSurge, field: "maxSurge"),
            maxUnavailable: try IntOrPercent(c.maxUnavailable, field: "maxUnavailable"),
            replicas: c.replicas)
        #expect(fenceposts == RollingUpdateFenceposts(maxSurge: c.surge, maxUnavailable: c.unavailable))
    }

    @Test func deploymentDefaultsAndCapsMaxUnavailable() throws {
        let defaults = try DeploymentSpec(WorkloadFixtures.deployment(replicas: 10))
        #expect(defaults.maxSurge == 3 && defaults.maxUnavailable == 2)
        // No replicas: nothing may be unavailable, although the fenceposts resolve to 1.
        let empty = try DeploymentSpec(WorkloadFixtures.deployment(replicas: 0))
        #expect(empty.maxUnavailable == 0)
        let capped = try DeploymentSpec(
            WorkloadFixtures.deployment(replicas: 2, strategy: WorkloadFixtures.rollingUpdate(maxSurge: 0, maxUnavailable: 5)))
        #expect(capped.maxUnavailable == 2)
        let recreate = try DeploymentSpec(WorkloadFixtures.deployment(replicas: 4, strategy: ["type": "Recreate"]))
        #expect(recreate.maxSurge == 0 && recreate.maxUnavailable == 0)
    }

    @Test func rejectsValuesTheAPIWouldReject() {
        #expect(throws: WorkloadSpecError.self) { try IntOrPercent("25", field: "maxSurge") }
        #expect(throws: WorkloadSpecError.self) { try IntOrPercent(-1, field: "maxSurge") }
        #expect(throws: WorkloadSpecError.self) { try IntOrPercent("x%", field: "maxSurge") }
        do {
            _ = try DeploymentSpec(
                WorkloadFixtures.deployment(strategy: WorkloadFixtures.rollingUpdate(maxSurge: "abc", maxUnavailable: 1)))
            Issue.record("an invalid maxSurge was accepted")
        } catch {
            #expect(error.field == "spec.strategy.rollingUpdate.maxSurge")
            #expect(error.description.contains("\"abc\" must be an integer or a percentage like \"25%\""))
        }
        #expect(throws: WorkloadSpecError.self) {
            try DeploymentSpec(WorkloadFixtures.deployment(strategy: WorkloadFixtures.rollingUpdate(maxSurge: 1, maxUnavailable: "120%")))
        }
        #expect(throws: WorkloadSpecError.self) { try DeploymentSpec(WorkloadFixtures.deployment(strategy: ["type": "BlueGreen"])) }
    }
}
