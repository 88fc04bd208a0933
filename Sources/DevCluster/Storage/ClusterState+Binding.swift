import KubeAPI

extension ClusterState {
    /// `POST pods/{name}/binding` (and `POST bindings`): assigns a pod to a node as the scheduler
    /// does, following the real `BindingREST`: sets `spec.nodeName`, merges the Binding's
    /// annotations and marks the pod `PodScheduled`. Like the real one it writes storage directly,
    /// so neither `managedFields` nor the generation change.
    ///
    /// `podName` is the name in the URL, nil for the `bindings` collection (the Binding names the pod).
    mutating func bind(namespace: String, podName: String?, binding: JSONValue, dryRun: Bool) throws(APIError) {
        let bindingName = binding[path: ["metadata", "name"]]?.stringValue ?? ""
        if let podName, podName != bindingName {
            throw .badRequest("name in URL does not match name in Binding object")
        }
        if let kind = binding["kind"]?.stringValue, !kind.isEmpty, kind != "Binding" {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (Binding)")
        }
        if let ns = binding[path: ["metadata", "namespace"]]?.stringValue, !ns.isEmpty, ns != namespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        var errors: [FieldError] = []
        if bindingName.isEmpty { errors.append(.required("metadata.name", "name or generateName is required")) }
        let targetKind = binding[path: ["target", "kind"]]?.stringValue ?? ""
        if !targetKind.isEmpty && targetKind != "Node" {
            errors.append(.notSupported("target.kind", .string(targetKind), supported: ["Node", "<empty>"]))
        }
        let node = binding[path: ["target", "name"]]?.stringValue ?? ""
        if node.isEmpty { errors.append(.required("target.name")) }
        if !errors.isEmpty { throw .invalid(kind: "Binding", name: bindingName, errors: errors) }

        guard let pods = resource(group: "", version: "v1", name: "pods") else { throw .pathNotFound }
        guard var pod = get(pods, namespace: namespace, name: bindingName) else { throw .notFound(pods, name: bindingName) }
        for (field, label) in [("uid", "UID"), ("resourceVersion", "ResourceVersion")] {
            guard let wanted = binding[path: ["metadata", field]]?.stringValue, !wanted.isEmpty else { continue }
            let actual = pod[path: ["metadata", field]]?.stringValue ?? ""
            if wanted != actual {
                throw .conflict(
                    pods.qualifiedResource, kind: pods.resource, group: "", name: bindingName,
                    "Precondition failed: \(label) in precondition: \(wanted), \(label) in object meta: \(actual)")
            }
        }
        func refuse(_ why: String) -> APIError {
            .conflict("pods/binding", kind: "pods/binding", group: "", name: bindingName, why)
        }
        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
            throw refuse("pod \(bindingName) is being deleted, cannot be assigned to a host")
        }
        if let assigned = pod[path: ["spec", "nodeName"]]?.stringValue, !assigned.isEmpty {
            throw refuse("pod \(bindingName) is already assigned to node \"\(assigned)\"")
        }
        if !(pod[path: ["spec", "schedulingGates"]]?.arrayValue ?? []).isEmpty {
            throw refuse("pod \(bindingName) has non-empty .spec.schedulingGates")
        }
        if dryRun { return }

        pod[path: ["spec", "nodeName"]] = .string(node)
        for (key, value) in binding[path: ["metadata", "annotations"]]?.objectValue ?? [:] {
            pod[path: ["metadata", "annotations", key]] = value
        }
        var conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
        if let i = conditions.firstIndex(where: { $0["type"]?.stringValue == "PodScheduled" }) {
            if conditions[i]["status"]?.stringValue != "True" {
                conditions[i]["status"] = "True"
                conditions[i]["lastTransitionTime"] = .string(nowString)
            }
        } else {
            conditions.append(["type": "PodScheduled", "status": "True", "lastProbeTime": nil, "lastTransitionTime": .string(nowString)])
        }
        pod[path: ["status", "conditions"]] = .array(conditions)
        put(pods.storageKey, pod)
    }
}
