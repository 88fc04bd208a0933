import Foundation
import KubeAPI

/// An `apps/v1` DeploymentCondition (`Available`, `Progressing`, `ReplicaFailure`), with the update
/// rules of `deploymentutil.SetDeploymentCondition`.
struct DeploymentCondition: Sendable, Equatable {
    static let available = "Available"
    static let progressing = "Progressing"
    static let replicaFailure = "ReplicaFailure"

    var type: String
    var status: String
    /// RFC 3339 strings, kept as read so unchanged conditions serialize byte for byte.
    var lastUpdateTime: String?
    var lastTransitionTime: String?
    var reason: String
    var message: String

    /// `NewDeploymentCondition`: both times are now.
    init(type: String, status: String, reason: String, message: String, now: Date) {
        let time = WorkloadJSON.time(now).stringValue
        self.type = type
        self.status = status
        self.lastUpdateTime = time
        self.lastTransitionTime = time
        self.reason = reason
        self.message = message
    }

    init?(_ json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.type = type
        status = json["status"]?.stringValue ?? "Unknown"
        lastUpdateTime = json["lastUpdateTime"]?.stringValue
        lastTransitionTime = json["lastTransitionTime"]?.stringValue
        reason = json["reason"]?.stringValue ?? ""
        message = json["message"]?.stringValue ?? ""
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type), "status": .string(status)]
        if let lastUpdateTime { object["lastUpdateTime"] = .string(lastUpdateTime) }
        if let lastTransitionTime { object["lastTransitionTime"] = .string(lastTransitionTime) }
        if !reason.isEmpty { object["reason"] = .string(reason) }
        if !message.isEmpty { object["message"] = .string(message) }
        return .object(object)
    }

    static func find(_ type: String, in conditions: [DeploymentCondition]) -> DeploymentCondition? {
        conditions.first { $0.type == type }
    }

    /// Replaces the condition of the same type, moved to the end of the list; no change at all when
    /// status and reason are the same, and `lastTransitionTime` kept when only the reason changes.
    static func set(_ condition: DeploymentCondition, in conditions: inout [DeploymentCondition]) {
        var condition = condition
        if let current = find(condition.type, in: conditions) {
            if current.status == condition.status && current.reason == condition.reason { return }
            if current.status == condition.status { condition.lastTransitionTime = current.lastTransitionTime }
        }
        conditions.removeAll { $0.type == condition.type }
        conditions.append(condition)
    }

    static func remove(_ type: String, from conditions: inout [DeploymentCondition]) {
        conditions.removeAll { $0.type == type }
    }
}
