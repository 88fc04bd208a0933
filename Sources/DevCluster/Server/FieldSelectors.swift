import KubeAPI

/// The fields each kind can be selected by with `?fieldSelector=`, as the real server supports them.
enum FieldSelectors {
    static func supported(_ r: ResourceInfo) -> Set<String> {
        var fields: Set<String> = ["metadata.name", "metadata.namespace"]
        guard r.definedBy == nil else { return fields }
        switch (r.group, r.resource) {
        case ("", "pods"):
            fields.formUnion([
                "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                "status.podIP", "status.nominatedNodeName",
            ])
        case ("", "events"):
            fields.formUnion([
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                "reportingComponent", "source", "type",
            ])
        case ("events.k8s.io", "events"):
            fields.formUnion([
                "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "type", "reportingController",
            ])
        case ("", "secrets"):
            fields.insert("type")
        case ("", "namespaces"):
            fields.insert("status.phase")
        case ("apps", "replicasets"):
            fields.insert("status.replicas")
        case ("batch", "jobs"):
            fields.insert("status.successful")
        default:
            break
        }
        return fields
    }

    /// The selectable field values of one object.
    static func fields(of object: JSONValue, resource r: ResourceInfo) -> [String: String] {
        var out: [String: String] = [:]
        for field in supported(r) {
            let path = field.split(separator: ".").map(String.init)
            var value = object[path: path]
            if r.resource == "events", r.group.isEmpty, field == "source" {
                value = object[path: ["source", "component"]] ?? object["reportingComponent"]
            }
            if r.resource == "jobs", field == "status.successful" { value = object[path: ["status", "succeeded"]] }
            switch value {
            case .string(let s): out[field] = s
            case .int(let i): out[field] = String(i)
            case .bool(let b): out[field] = b ? "true" : "false"
            case .double(let d): out[field] = String(d)
            default: out[field] = ""
            }
        }
        return out
    }
}
