import Foundation
import KubeAPI

/// A ReplicaSet as the Deployment controller sees it: the object (to update as a whole) and the
/// spec and status numbers its decisions use.
struct ReplicaSetState: Sendable {
    var object: JSONValue
    let name: String
    let uid: String
    let creationTimestamp: Date?
    let deleting: Bool
    let generation: Int
    let controllerUID: String?
    let labels: [String: String]
    var annotations: [String: String]
    var replicas: Int
    var minReadySeconds: Int
    let template: JSONValue
    let statusReplicas: Int
    let readyReplicas: Int
    let availableReplicas: Int
    let observedGeneration: Int
    let failureConditions: [DeploymentCondition]

    init(_ object: JSONValue) {
        self.object = object
        let metadata = object["metadata"]
        name = metadata?["name"]?.stringValue ?? ""
        uid = metadata?["uid"]?.stringValue ?? ""
        creationTimestamp = WorkloadJSON.date(metadata?["creationTimestamp"])
        deleting = metadata?["deletionTimestamp"] != nil
        generation = WorkloadJSON.int(metadata?["generation"]) ?? 0
        controllerUID = WorkloadJSON.controllerUID(of: object)
        labels = WorkloadJSON.stringMap(metadata?["labels"])
        annotations = WorkloadJSON.stringMap(metadata?["annotations"])
        replicas = WorkloadJSON.int(object[path: ["spec", "replicas"]]) ?? 1
        minReadySeconds = WorkloadJSON.int(object[path: ["spec", "minReadySeconds"]]) ?? 0
        template = object[path: ["spec", "template"]] ?? .object([:])
        let status = object["status"]
        statusReplicas = WorkloadJSON.int(status?["replicas"]) ?? 0
        readyReplicas = WorkloadJSON.int(status?["readyReplicas"]) ?? 0
        availableReplicas = WorkloadJSON.int(status?["availableReplicas"]) ?? 0
        observedGeneration = WorkloadJSON.int(status?["observedGeneration"]) ?? 0
        // A ReplicaSetCondition becomes a DeploymentCondition updated when it transitioned.
        failureConditions = (status?["conditions"]?.arrayValue ?? []).compactMap { json -> DeploymentCondition? in
            guard var condition = DeploymentCondition(json), condition.type == DeploymentCondition.replicaFailure else { return nil }
            condition.lastUpdateTime = condition.lastTransitionTime
            return condition
        }
    }

    /// The `deployment.kubernetes.io/revision` annotation: 0 when absent, nil when not a number.
    var revision: Int64? {
        guard let text = annotations[DeploymentSpec.revisionAnnotation] else { return 0 }
        return Int64(text)
    }

    /// `deploymentutil.EqualIgnoreHash`: same template apart from the `pod-template-hash` label.
    func hasTemplate(equalTo template: JSONValue) -> Bool {
        var mine = self.template
        var theirs = template
        mine[path: ["metadata", "labels", PodTemplateHash.labelKey]] = nil
        theirs[path: ["metadata", "labels", PodTemplateHash.labelKey]] = nil
        return WorkloadJSON.semanticallyEqual(mine, theirs)
    }

    /// Creation time, then name: `ReplicaSetsByCreationTimestamp`.
    static func olderFirst(_ a: ReplicaSetState, _ b: ReplicaSetState) -> Bool {
        if a.creationTimestamp == b.creationTimestamp { return a.name < b.name }
        return (a.creationTimestamp ?? .distantPast) < (b.creationTimestamp ?? .distantPast)
    }
}
