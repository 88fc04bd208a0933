import Foundation
import KubeAPI

/// The parts of a Pod the workload controllers look at: identity, ownership, phase, readiness,
/// restarts and the times their ordering and back-off depend on.
struct ControlledPod: Sendable {
    static let deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

    let object: JSONValue
    let name: String
    let uid: String
    let labels: [String: String]
    let finalizers: [String]
    let controllerUID: String?
    let nodeName: String
    /// `status.phase`; a Pod the API server has not defaulted yet counts as Pending.
    let phase: String
    let creationTimestamp: Date?
    let deletionTimestamp: Date?
    let deletionGracePeriodSeconds: Int?
    let isReady: Bool
    /// When the Ready condition last became True; nil unless the Pod is ready.
    let readySince: Date?
    /// When the Ready condition last became False, for the finish time of a Pod without container states.
    let notReadySince: Date?
    let deletionCost: Int
    let maxContainerRestarts: Int
    /// Restarts of all containers and init containers, as the Job back-off limit counts them.
    let totalRestarts: Int
    /// The latest `finishedAt` of a terminated container.
    let lastContainerFinish: Date?

    init(_ object: JSONValue) {
        self.object = object
        let metadata = object["metadata"]
        name = metadata?["name"]?.stringValue ?? ""
        uid = metadata?["uid"]?.stringValue ?? ""
        labels = WorkloadJSON.stringMap(metadata?["labels"])
        finalizers = (metadata?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
        controllerUID = WorkloadJSON.controllerUID(of: object)
        nodeName = object[path: ["spec", "nodeName"]]?.stringValue ?? ""
        let rawPhase = object[path: ["status", "phase"]]?.stringValue ?? ""
        phase = rawPhase.isEmpty ? "Pending" : rawPhase
        creationTimestamp = WorkloadJSON.date(metadata?["creationTimestamp"])
        deletionTimestamp = WorkloadJSON.date(metadata?["deletionTimestamp"])
        deletionGracePeriodSeconds = WorkloadJSON.int(metadata?["deletionGracePeriodSeconds"])
        let ready = object[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }
        isReady = ready?["status"]?.stringValue == "True"
        readySince = isReady ? WorkloadJSON.date(ready?["lastTransitionTime"]) : nil
        notReadySince = ready?["status"]?.stringValue == "False" ? WorkloadJSON.date(ready?["lastTransitionTime"]) : nil
        deletionCost =
            WorkloadJSON.stringMap(metadata?["annotations"])[Self.deletionCostAnnotation].flatMap { Int32($0) }.map(Int.init) ?? 0
        let containers = object[path: ["status", "containerStatuses"]]?.arrayValue ?? []
        let initContainers = object[path: ["status", "initContainerStatuses"]]?.arrayValue ?? []
        let restarts = { (status: JSONValue) in WorkloadJSON.int(status["restartCount"]) ?? 0 }
        maxContainerRestarts = containers.map(restarts).max() ?? 0
        totalRestarts = (containers + initContainers).map(restarts).reduce(0, +)
        lastContainerFinish = containers.compactMap { WorkloadJSON.date($0[path: ["state", "terminated", "finishedAt"]]) }.max()
    }

    var isSucceeded: Bool { phase == "Succeeded" }
    var isFailed: Bool { phase == "Failed" }
    var isTerminal: Bool { isSucceeded || isFailed }

    /// `controller.IsPodActive`: neither finished nor being deleted.
    var isActive: Bool { !isTerminal && deletionTimestamp == nil }

    /// `controller.IsPodTerminating`: being deleted but not finished yet.
    var isTerminating: Bool { !isTerminal && deletionTimestamp != nil }

    var reference: ChildReference { ChildReference(name: name, uid: uid) }

    /// `podutil.IsPodAvailable`: ready for longer than `minReadySeconds` (strictly) at `now`.
    func isAvailable(minReadySeconds: Int, now: Date) -> Bool {
        guard isReady else { return false }
        if minReadySeconds == 0 { return true }
        guard let readySince else { return false }
        return readySince.addingTimeInterval(TimeInterval(minReadySeconds)) < now
    }

    /// When a ready Pod becomes available, if that is still ahead of `now`.
    func availableAt(minReadySeconds: Int, now: Date) -> Date? {
        guard isReady, minReadySeconds > 0, let readySince else { return nil }
        let at = readySince.addingTimeInterval(TimeInterval(minReadySeconds))
        return at >= now ? at : nil
    }

    /// The Job controller's `getFinishedTime`: the last container exit, else when the Pod stopped
    /// being ready, else its deletion time minus the grace period, else its creation.
    var finishedAt: Date {
        if let lastContainerFinish { return lastContainerFinish }
        if let notReadySince { return notReadySince }
        if let deletionTimestamp {
            return deletionTimestamp.addingTimeInterval(-TimeInterval(deletionGracePeriodSeconds ?? 0))
        }
        return creationTimestamp ?? .distantPast
    }
}
