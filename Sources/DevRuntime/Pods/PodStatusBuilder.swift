import Foundation
import KubeAPI

/// How a container run ended.
struct ContainerTermination: Sendable, Equatable {
    var exitCode: Int32
    /// Completed, Error, OOMKilled, ...
    var reason: String
    var message: String?
    var startedAt: Date
    var finishedAt: Date
    var containerID: String
}

/// What the runtime knows about one container.
struct ContainerRecord: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case waiting(reason: String, message: String?)
        case running(startedAt: Date, containerID: String)
        case terminated(ContainerTermination)
    }

    var name: String
    var image: String
    var restartCount = 0
    var state: State = .waiting(reason: "ContainerCreating", message: nil)
    var lastTermination: ContainerTermination?
    var ready = false

    init(name: String, image: String) {
        self.name = name
        self.image = image
    }

    var isRunning: Bool {
        if case .running = state { return true }
        return false
    }

    /// Waiting before its first start (not waiting to restart).
    var neverStarted: Bool {
        if case .waiting = state { return lastTermination == nil && restartCount == 0 }
        return false
    }
}

/// The pod status a kubelet writes, from what the runtime knows (pure, so it is tested without processes).
enum PodStatusBuilder {
    /// The pod's phase from its containers and restart policy, as the kubelet's `getPhase`.
    static func phase(_ containers: [ContainerRecord], restartPolicy: String) -> String {
        var waiting = 0
        var running = 0
        var succeeded = 0
        var failed = 0
        for container in containers {
            switch container.state {
            case .running: running += 1
            case .terminated(let end): if end.exitCode == 0 { succeeded += 1 } else { failed += 1 }
            case .waiting:
                if let last = container.lastTermination {
                    // Waiting to restart after a run that ended.
                    if last.exitCode == 0 { succeeded += 1 } else { failed += 1 }
                } else {
                    waiting += 1
                }
            }
        }
        if waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        if containers.isEmpty { return "Pending" }
        switch restartPolicy {
        case "Always": return "Running"
        case "OnFailure": return failed > 0 ? "Running" : "Succeeded"
        default: return failed > 0 ? "Failed" : "Succeeded"
        }
    }

    /// The whole `status`. `terminal` (reason, message) overrides the phase with Failed, as for
    /// DeadlineExceeded.
    static func status(
        _ containers: [ContainerRecord], restartPolicy: String, scheduled: Date, startTime: Date?,
        terminal: (reason: String, message: String)?,
        conditionTimes: inout [String: (status: Bool, time: Date)], now: Date
    ) -> JSONValue {
        let phase = terminal == nil ? phase(containers, restartPolicy: restartPolicy) : "Failed"
        let finished = phase == "Succeeded" || phase == "Failed"
        let allReady = !containers.isEmpty && containers.allSatisfy { $0.ready && $0.isRunning } && !finished
        let initialized = true
        var conditions: [JSONValue] = []
        func condition(_ type: String, _ status: Bool, reason: String? = nil) {
            // lastTransitionTime moves only when the status changes.
            let previous = conditionTimes[type]
            let time = previous.map { $0.status == status ? $0.time : now } ?? (type == "PodScheduled" ? scheduled : now)
            conditionTimes[type] = (status, time)
            var object: [String: JSONValue] = [
                "type": .string(type), "status": .string(status ? "True" : "False"), "lastTransitionTime": .string(timestamp(time)),
                "lastProbeTime": .null,
            ]
            if let reason { object["reason"] = .string(reason) }
            conditions.append(.object(object))
        }
        let notReadyReason = finished && phase == "Succeeded" ? "PodCompleted" : (finished ? "PodFailed" : "ContainersNotReady")
        condition("PodReadyToStartContainers", true)
        condition("Initialized", initialized)
        condition("Ready", allReady, reason: allReady ? nil : notReadyReason)
        condition("ContainersReady", allReady, reason: allReady ? nil : notReadyReason)
        condition("PodScheduled", true)

        var status: [String: JSONValue] = [
            "phase": .string(phase), "conditions": .array(conditions), "hostIP": "127.0.0.1", "hostIPs": [["ip": "127.0.0.1"]],
            "podIP": "127.0.0.1", "podIPs": [["ip": "127.0.0.1"]], "qosClass": "BestEffort",
            "containerStatuses": .array(containers.map(containerStatus)),
        ]
        if let startTime { status["startTime"] = .string(timestamp(startTime)) }
        if let terminal {
            status["reason"] = .string(terminal.reason)
            status["message"] = .string(terminal.message)
        }
        return .object(status)
    }

    static func containerStatus(_ container: ContainerRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(container.name), "image": .string(container.image), "imageID": .string(container.image),
            "ready": .bool(container.ready && container.isRunning), "restartCount": .int(Int64(container.restartCount)),
            "started": .bool(container.isRunning),
        ]
        switch container.state {
        case .waiting(let reason, let message):
            var waiting: [String: JSONValue] = ["reason": .string(reason)]
            if let message { waiting["message"] = .string(message) }
            object["state"] = ["waiting": .object(waiting)]
        case .running(let startedAt, let id):
            object["state"] = ["running": ["startedAt": .string(timestamp(startedAt))]]
            object["containerID"] = .string(id)
        case .terminated(let end):
            object["state"] = ["terminated": terminated(end)]
            object["containerID"] = .string(end.containerID)
        }
        object["lastState"] = container.lastTermination.map { ["terminated": terminated($0)] } ?? .object([:])
        return .object(object)
    }

    private static func terminated(_ end: ContainerTermination) -> JSONValue {
        var object: [String: JSONValue] = [
            "exitCode": .int(Int64(end.exitCode)), "reason": .string(end.reason), "startedAt": .string(timestamp(end.startedAt)),
            "finishedAt": .string(timestamp(end.finishedAt)), "containerID": .string(end.containerID),
        ]
        if let message = end.message, !message.isEmpty { object["message"] = .string(message) }
        return .object(object)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
