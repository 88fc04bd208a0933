import KubeAPI

/// The `DeploymentStatus` a sync computes before it is written.
struct DeploymentStatusDraft: Sendable, Equatable {
    var observedGeneration: Int
    var replicas: Int
    var updatedReplicas: Int
    var readyReplicas: Int
    var availableReplicas: Int
    var unavailableReplicas: Int
    var collisionCount: Int?
    var conditions: [DeploymentCondition]

    /// Serialized as the API does: zero counts left out (`omitempty`), conditions in their order.
    var json: JSONValue {
        var object: [String: JSONValue] = [:]
        WorkloadJSON.setOmittingZero(&object, "observedGeneration", observedGeneration)
        WorkloadJSON.setOmittingZero(&object, "replicas", replicas)
        WorkloadJSON.setOmittingZero(&object, "updatedReplicas", updatedReplicas)
        WorkloadJSON.setOmittingZero(&object, "readyReplicas", readyReplicas)
        WorkloadJSON.setOmittingZero(&object, "availableReplicas", availableReplicas)
        WorkloadJSON.setOmittingZero(&object, "unavailableReplicas", unavailableReplicas)
        if !conditions.isEmpty { object["conditions"] = .array(conditions.map(\.json)) }
        if let collisionCount { object["collisionCount"] = .int(Int64(collisionCount)) }
        return .object(object)
    }
}
