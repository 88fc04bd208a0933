import Foundation
import KubeAPI

/// A Deployment as its controller reads it, with the `apps/v1` defaults the dev cluster does not
/// apply: 1 replica, RollingUpdate with 25% surge and 25% unavailability, 10 old ReplicaSets kept,
/// a 600 s progress deadline. `Int32.max` means "no limit" for the last two, as in Kubernetes.
struct DeploymentSpec: Sendable {
    enum Strategy: Sendable, Equatable {
        case rollingUpdate(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent)
        case recreate
    }

    static let revisionAnnotation = "deployment.kubernetes.io/revision"
    static let revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
    static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
    /// Deployment annotations never copied to its ReplicaSets (`annotationsToSkip`).
    static let annotationsNotCopied: Set<String> = [
        "kubectl.kubernetes.io/last-applied-configuration", revisionAnnotation, revisionHistoryAnnotation,
        desiredReplicasAnnotation, maxReplicasAnnotation, "deprecated.deployment.rollback.to",
    ]

    let object: JSONValue
    let name: String
    let namespace: String?
    let uid: String
    let generation: Int
    let annotations: [String: String]
    let deleting: Bool
    let replicas: Int
    let strategy: Strategy
    let minReadySeconds: Int
    /// nil: keep every old ReplicaSet.
    let revisionHistoryLimit: Int?
    /// nil: never report `ProgressDeadlineExceeded`.
    let progressDeadlineSeconds: Int?
    let paused: Bool
    let selectorJSON: JSONValue
    let selector: WorkloadSelector
    let template: JSONValue
    /// The status as stored, which the controller compares its new status with.
    let status: JSONValue

    init(_ object: JSONValue) throws(WorkloadSpecError) {
        self.object = object
        let metadata = object["metadata"]
        guard let name = metadata?["name"]?.stringValue else { throw .missing("metadata.name") }
        guard let uid = metadata?["uid"]?.stringValue else { throw .missing("metadata.uid") }
        self.name = name
        self.uid = uid
        namespace = metadata?["namespace"]?.stringValue
        generation = WorkloadJSON.int(metadata?["generation"]) ?? 0
        annotations = WorkloadJSON.stringMap(metadata?["annotations"])
        deleting = metadata?["deletionTimestamp"] != nil

        let spec = object["spec"]
        replicas = WorkloadJSON.int(spec?["replicas"]) ?? 1
        guard replicas >= 0 else { throw .invalid("spec.replicas", "must be greater than or equal to 0, got \(replicas)") }
        let strategyType = spec?[path: ["strategy", "type"]]?.stringValue ?? "RollingUpdate"
        switch strategyType {
        case "RollingUpdate":
            let rolling = spec?[path: ["strategy", "rollingUpdate"]]
            let surge = try rolling?["maxSurge"].map { json throws(WorkloadSpecError) in
                try IntOrPercent(json, field: "spec.strategy.rollingUpdate.maxSurge")
            }
            let unavailable = try rolling?["maxUnavailable"].map { json throws(WorkloadSpecError) in
                try IntOrPercent(json, field: "spec.strategy.rollingUpdate.maxUnavailable")
            }
            if case .percent(let p) = unavailable, p > 100 {
                throw .invalid("spec.strategy.rollingUpdate.maxUnavailable", "must not be greater than 100%, got \"\(p)%\"")
            }
            strategy = .rollingUpdate(maxSurge: surge ?? .percent(25), maxUnavailable: unavailable ?? .percent(25))
        case "Recreate":
            strategy = .recreate
        default:
            throw .unsupported("spec.strategy.type", value: strategyType, supported: ["Recreate", "RollingUpdate"])
        }
        minReadySeconds = WorkloadJSON.int(spec?["minReadySeconds"]) ?? 0
        let historyLimit = WorkloadJSON.int(spec?["revisionHistoryLimit"]) ?? 10
        revisionHistoryLimit = historyLimit == Int(Int32.max) ? nil : historyLimit
        let deadline = WorkloadJSON.int(spec?["progressDeadlineSeconds"]) ?? 600
        progressDeadlineSeconds = deadline == Int(Int32.max) ? nil : deadline
        paused = spec?["paused"]?.boolValue ?? false
        guard let selectorJSON = spec?["selector"] else { throw .missing("spec.selector") }
        self.selectorJSON = selectorJSON
        selector = try WorkloadSelector(selectorJSON, field: "spec.selector")
        guard let template = spec?["template"], template.objectValue != nil else { throw .missing("spec.template") }
        self.template = template
        status = object["status"] ?? .object([:])
    }

    var isRollingUpdate: Bool {
        if case .rollingUpdate = strategy { return true }
        return false
    }

    private var fenceposts: RollingUpdateFenceposts? {
        guard case .rollingUpdate(let surge, let unavailable) = strategy else { return nil }
        return .resolve(maxSurge: surge, maxUnavailable: unavailable, replicas: replicas)
    }

    /// `deploymentutil.MaxSurge`: 0 for Recreate.
    var maxSurge: Int { fenceposts?.maxSurge ?? 0 }

    /// `deploymentutil.MaxUnavailable`: 0 for Recreate or no replicas, never more than the replicas.
    var maxUnavailable: Int {
        guard let fenceposts, replicas > 0 else { return 0 }
        return min(fenceposts.maxUnavailable, replicas)
    }

    /// `spec.strategy.rollingUpdate.maxSurge` scaled on its own (as `NewRSNewReplicas` does).
    var rawMaxSurge: Int {
        guard case .rollingUpdate(let surge, _) = strategy else { return 0 }
        return surge.scaled(total: replicas, roundUp: true)
    }

    var collisionCount: Int? { WorkloadJSON.int(status["collisionCount"]) }

    func statusCount(_ key: String) -> Int { WorkloadJSON.int(status[key]) ?? 0 }

    var conditions: [DeploymentCondition] { (status["conditions"]?.arrayValue ?? []).compactMap(DeploymentCondition.init) }
}
