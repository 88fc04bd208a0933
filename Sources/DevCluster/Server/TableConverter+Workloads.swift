import Foundation
import KubeAPI

extension TableConverter {
    /// The computed cells of Deployments, ReplicaSets, Jobs and Services, worded as kubectl's
    /// built-in printers word them (pkg/printers/internalversion), or nil for a plain column.
    func workloadCell(_ column: String, _ object: JSONValue) -> String? {
        switch (resource.group, resource.resource, column) {
        case ("apps", "deployments", "Ready"):
            let ready = object[path: ["status", "readyReplicas"]]?.intValue ?? 0
            return "\(ready)/\(object[path: ["spec", "replicas"]]?.intValue ?? 1)"
        case ("apps", _, "Containers"), ("batch", _, "Containers"):
            return Self.containers(object).compactMap { $0["name"]?.stringValue }.joined(separator: ",")
        case ("apps", _, "Images"), ("batch", _, "Images"):
            return Self.containers(object).compactMap { $0["image"]?.stringValue }.joined(separator: ",")
        case ("apps", _, "Selector"), ("batch", _, "Selector"):
            return Self.selectorText(object[path: ["spec", "selector"]])
        case ("batch", "jobs", "Status"):
            return Self.jobStatus(object)
        case ("batch", "jobs", "Completions"):
            let succeeded = object[path: ["status", "succeeded"]]?.intValue ?? 0
            if let completions = object[path: ["spec", "completions"]]?.intValue { return "\(succeeded)/\(completions)" }
            let parallelism = object[path: ["spec", "parallelism"]]?.intValue ?? 1
            return parallelism > 1 ? "\(succeeded)/1 of \(parallelism)" : "\(succeeded)/1"
        case ("batch", "jobs", "Duration"):
            guard let start = object[path: ["status", "startTime"]]?.stringValue.flatMap(Self.parseTime) else { return "" }
            let end = object[path: ["status", "completionTime"]]?.stringValue.flatMap(Self.parseTime) ?? now
            return HumanDuration.format(seconds: Int(end.timeIntervalSince(start).rounded(.towardZero)))
        case ("", "services", "Cluster-IP"):
            let ip = object[path: ["spec", "clusterIP"]]?.stringValue ?? ""
            return ip.isEmpty ? "<none>" : ip
        case ("", "services", "External-IP"):
            if object[path: ["spec", "type"]]?.stringValue == "ExternalName" {
                return object[path: ["spec", "externalName"]]?.stringValue ?? "<none>"
            }
            let ips = (object[path: ["spec", "externalIPs"]]?.arrayValue ?? []).compactMap(\.stringValue)
            return ips.isEmpty ? "<none>" : ips.joined(separator: ",")
        case ("", "services", "Port(s)"):
            let ports = (object[path: ["spec", "ports"]]?.arrayValue ?? []).map { port in
                let number = port["port"]?.intValue ?? 0
                let proto = port["protocol"]?.stringValue ?? "TCP"
                if let nodePort = port["nodePort"]?.intValue, nodePort > 0 { return "\(number):\(nodePort)/\(proto)" }
                return "\(number)/\(proto)"
            }
            return ports.isEmpty ? "<none>" : ports.joined(separator: ",")
        case ("", "services", "Selector"):
            let selector = object[path: ["spec", "selector"]]?.objectValue ?? [:]
            return selector.isEmpty
                ? "<none>" : selector.keys.sorted().map { "\($0)=\(selector[$0]?.stringValue ?? "")" }.joined(separator: ",")
        default:
            return nil
        }
    }

    private static func containers(_ object: JSONValue) -> [JSONValue] {
        object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
    }

    /// A label selector as `kubectl` prints it: `app=web,tier in (a,b)`.
    static func selectorText(_ selector: JSONValue?) -> String {
        guard let selector else { return "<none>" }
        var parts: [String] = []
        let labels = selector["matchLabels"]?.objectValue ?? [:]
        for key in labels.keys.sorted() { parts.append("\(key)=\(labels[key]?.stringValue ?? "")") }
        for expression in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch expression["operator"]?.stringValue ?? "" {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!\(key)")
            default: break
            }
        }
        return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
    }

    /// `printJob`'s status: a finished condition first, then Terminating, Suspended, the interim targets, else Running.
    static func jobStatus(_ job: JSONValue) -> String {
        let conditions = (job[path: ["status", "conditions"]]?.arrayValue ?? []).filter { $0["status"]?.stringValue == "True" }
        let has = { (type: String) in conditions.contains { $0["type"]?.stringValue == type } }
        if has("Complete") { return "Complete" }
        if has("Failed") { return "Failed" }
        if job[path: ["metadata", "deletionTimestamp"]] != nil { return "Terminating" }
        if has("Suspended") { return "Suspended" }
        if has("FailureTarget") { return "FailureTarget" }
        if has("SuccessCriteriaMet") { return "SuccessCriteriaMet" }
        return "Running"
    }
}
