import KubeAPI

/// Which log file answers a `pods/log` request, decided from the stored pod and the restart counts
/// that have a file, with the API server's and the kubelet's messages when none does. Pure, so the
/// choices are testable without files or HTTP.
///
/// The runtime writes container `c`'s attempt `n` (its `restartCount` when it started) to `n.log`.
/// The current log is the newest file; `previous` is the newest one before the current attempt, which
/// is the attempt before the newest file, or the newest file itself while the next attempt waits to
/// start (as the kubelet answers from `lastState.terminated`).
enum PodLogSelection {
    /// Every container name in `podutil.VisitContainers` order: init containers, containers, ephemeral containers.
    static func containerNames(_ pod: JSONValue) -> [String] {
        ["initContainers", "containers", "ephemeralContainers"].flatMap { key in
            (pod[path: ["spec", key]]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
    }

    /// The container a request reads: the one named, or the only one; `validateContainer` in the real
    /// server's `pod.LogLocation`.
    static func container(_ requested: String?, pod: JSONValue, podName: String) throws(APIError) -> String {
        if let requested {
            guard containerNames(pod).contains(requested) else {
                throw .badRequest("container \(requested) is not valid for pod \(podName)")
            }
            return requested
        }
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        switch containers.count {
        case 1:
            return containers[0]
        case 0:
            throw .badRequest("a container name must be specified for pod \(podName)")
        default:
            let names = containerNames(pod).joined(separator: " ")
            throw .badRequest("a container name must be specified for pod \(podName), choose one of: [\(names)]")
        }
    }

    /// The container's entry in `status.containerStatuses` (or the init or ephemeral lists).
    static func status(_ pod: JSONValue, container: String) -> JSONValue? {
        for key in ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"] {
            if let s = pod[path: ["status", key]]?.arrayValue?.first(where: { $0["name"]?.stringValue == container }) { return s }
        }
        return nil
    }

    /// The restart count whose file answers, or the kubelet's message for why there is none.
    static func restartCount(
        pod: JSONValue, podName: String, container: String, previous: Bool, available: [Int]
    ) throws(APIError) -> Int {
        let status = status(pod, container: container)
        let newest = available.max()
        let current = max(Int(status?["restartCount"]?.intValue ?? -1), newest ?? -1)
        if previous {
            guard let before = available.filter({ $0 < current }).max() else {
                throw .badRequest("previous terminated container \"\(container)\" in pod \"\(podName)\" not found")
            }
            return before
        }
        if let newest { return newest }
        throw .badRequest(notStartedMessage(status, container: container, podName: podName))
    }

    /// Why a container has no log yet, worded as the kubelet's `validateContainerLogStatus`.
    static func notStartedMessage(_ status: JSONValue?, container: String, podName: String) -> String {
        let prefix = "container \"\(container)\" in pod \"\(podName)\""
        if let waiting = status?[path: ["state", "waiting"]] {
            switch waiting["reason"]?.stringValue ?? "" {
            case "ErrImagePull": return "\(prefix) is waiting to start: image can't be pulled"
            case "ImagePullBackOff": return "\(prefix) is waiting to start: trying and failing to pull image"
            case "": return "\(prefix) is waiting to start: ContainerCreating"
            case let reason: return "\(prefix) is waiting to start: \(reason)"
            }
        }
        if status?[path: ["state", "terminated"]] != nil { return "\(prefix) is terminated" }
        return "\(prefix) is waiting to start: ContainerCreating"
    }

    /// Whether attempt `restartCount` of the container can write no more: the pod finished, the
    /// status shows that attempt terminated or a later one, or a later attempt's file exists.
    static func attemptEnded(pod: JSONValue, container: String, restartCount: Int, newestFile: Int?) -> Bool {
        let phase = pod[path: ["status", "phase"]]?.stringValue
        if phase == "Succeeded" || phase == "Failed" { return true }
        if let newestFile, newestFile > restartCount { return true }
        guard let status = status(pod, container: container) else { return false }
        let count = Int(status["restartCount"]?.intValue ?? 0)
        if count > restartCount { return true }
        return count == restartCount && status[path: ["state", "terminated"]] != nil
    }
}
