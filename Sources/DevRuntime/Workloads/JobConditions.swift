import Foundation
import KubeAPI

/// `batch/v1` JobConditions (`type`, `status`, `lastProbeTime`, `lastTransitionTime`, `reason`,
/// `message`) as the Job controller adds and updates them.
enum JobConditions {
    static let complete = "Complete"
    static let failed = "Failed"
    static let suspended = "Suspended"
    static let successCriteriaMet = "SuccessCriteriaMet"
    static let failureTarget = "FailureTarget"

    static func make(_ type: String, status: String, reason: String, message: String, now: Date) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(type), "status": .string(status), "lastProbeTime": WorkloadJSON.time(now),
            "lastTransitionTime": WorkloadJSON.time(now),
        ]
        if !reason.isEmpty { object["reason"] = .string(reason) }
        if !message.isEmpty { object["message"] = .string(message) }
        return .object(object)
    }

    static func find(_ type: String, in conditions: [JSONValue]) -> JSONValue? {
        conditions.first { $0["type"]?.stringValue == type }
    }

    static func isTrue(_ type: String, in conditions: [JSONValue]) -> Bool {
        find(type, in: conditions)?["status"]?.stringValue == "True"
    }

    /// `ensureJobConditionStatus`: replaces a condition whose status, reason or message differs
    /// (with fresh times); adds a missing one unless it would be False. Returns whether it changed.
    @discardableResult
    static func ensure(
        _ type: String, status: String, reason: String, message: String, in conditions: inout [JSONValue], now: Date
    ) -> Bool {
        if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
            let current = conditions[index]
            if current["status"]?.stringValue != status || (current["reason"]?.stringValue ?? "") != reason
                || (current["message"]?.stringValue ?? "") != message
            {
                conditions[index] = make(type, status: status, reason: reason, message: message, now: now)
                return true
            }
            return false
        }
        guard status != "False" else { return false }
        conditions.append(make(type, status: status, reason: reason, message: message, now: now))
        return true
    }
}
