import KubeAPI

/// The `/scale` subresource: an `autoscaling/v1` Scale view of the parent's replicas, as the real
/// `ScaleREST` of deployments, replicasets and statefulsets serves it, and as the apiextensions
/// server serves it for custom resources whose CRD declares `subresources.scale`.
enum ScaleSubresource {
    /// Storage keys of the built-in resources that have `/scale`.
    static let storageKeys: Set<String> = ["apps/deployments", "apps/replicasets", "apps/statefulsets"]

    static func supports(_ r: ResourceInfo) -> Bool {
        r.scaleSubresource != nil || (r.version == "v1" && storageKeys.contains(r.storageKey))
    }

    /// Stands for spec replicas a custom resource lacks while a patch applies to its Scale: a patch
    /// that leaves it in place did not say how many replicas (the real server's `invalidSpecReplicas`).
    static let missingReplicas = Int64(Int32.min)

    /// The Scale of a parent (`scaleFromDeployment`, `scaleFromCustomResource`): its identity, desired
    /// and current replicas and its selector as a label selector string. `spec.replicas` is omitted at
    /// 0, as autoscaling/v1 does. A custom resource's fields are where its CRD says.
    static func scale(of parent: JSONValue, _ r: ResourceInfo) -> JSONValue {
        var metadata: JSONValue = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let value = parent[path: ["metadata", key]] { metadata[key] = value }
        }
        let desired: Int64
        let current: Int64
        let selector: String
        if let paths = r.scaleSubresource {
            desired = CustomResourceScale.integer(at: paths.specReplicasPath, in: parent).value ?? 0
            current = CustomResourceScale.integer(at: paths.statusReplicasPath, in: parent).value ?? 0
            selector = paths.labelSelectorPath.flatMap { CustomResourceScale.string(at: $0, in: parent).value } ?? ""
        } else {
            desired = parent[path: ["spec", "replicas"]]?.intValue ?? 0
            current = parent[path: ["status", "replicas"]]?.intValue ?? 0
            selector = (try? LabelSelector(json: parent[path: ["spec", "selector"]] ?? .null))?.description ?? ""
        }
        var spec: JSONValue = [:]
        if desired != 0 { spec["replicas"] = .int(desired) }
        var status: JSONValue = ["replicas": .int(current)]
        if !selector.isEmpty { status["selector"] = .string(selector) }
        return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": metadata, "spec": spec, "status": status]
    }

    /// The Scale a GET answers. A custom resource without its spec replicas field, or with a field
    /// of the wrong type, has none: the real server answers 500 and names the field.
    static func read(_ parent: JSONValue, _ r: ResourceInfo) throws(APIError) -> JSONValue {
        if let paths = r.scaleSubresource {
            if let problem = paths.problem(reading: parent) { throw .internalError(problem) }
            if CustomResourceScale.integer(at: paths.specReplicasPath, in: parent).value == nil {
                throw .internalError("the spec replicas field \"\(paths.specReplicasPath)\" does not exist")
            }
        }
        return scale(of: parent, r)
    }
}

extension ClusterState {
    /// `PUT <resource>/{name}/scale`: moves the Scale's `spec.replicas` into the parent (a spec change:
    /// the generation moves) and answers the parent's new Scale. A non-empty `resourceVersion` must be
    /// the parent's; for a workload a non-empty `uid` must be its uid and the replicas at least 0. A
    /// custom resource's replicas go where its CRD says and are checked with the rest of it, as the
    /// apiextensions server does: a negative count is the custom resource's 422, not the Scale's.
    mutating func updateScale(
        _ r: ResourceInfo, namespace: String, name: String, scale: JSONValue, options: WriteOptions
    ) throws(APIError) -> WriteResult {
        guard let parent = get(r, namespace: namespace, name: name) else { throw .notFound(r, name: name) }
        let scaleResource = "\(r.resource)/scale"
        if let apiVersion = scale["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != "autoscaling/v1" {
            throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (autoscaling/v1)")
        }
        if let kind = scale["kind"]?.stringValue, !kind.isEmpty, kind != "Scale" {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (Scale)")
        }
        let bodyName = scale[path: ["metadata", "name"]]?.stringValue ?? ""
        if bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if let ns = scale[path: ["metadata", "namespace"]]?.stringValue, !ns.isEmpty, ns != namespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let replicasValue = scale[path: ["spec", "replicas"]]
        guard replicasValue == nil || replicasValue!.isNull || replicasValue!.intValue != nil else {
            throw .badRequest("Scale in version \"v1\" cannot be handled as a Scale: spec.replicas: expected an integer")
        }
        let replicas = replicasValue?.intValue ?? 0
        var updated = parent
        if let paths = r.scaleSubresource {
            if let problem = paths.problem(reading: parent) { throw .internalError(problem) }
            updated[path: paths.specReplicasKeys] = .int(replicas)
        } else {
            if replicas < 0 {
                throw .invalid(
                    kind: "Scale", group: "autoscaling", name: name,
                    errors: [.invalid("spec.replicas", .int(replicas), "must be greater than or equal to 0")])
            }
            if let uid = scale[path: ["metadata", "uid"]]?.stringValue, !uid.isEmpty {
                let actual = parent[path: ["metadata", "uid"]]?.stringValue ?? ""
                if uid != actual {
                    throw .conflict(
                        "\(scaleResource).\(r.group)", kind: scaleResource, group: r.group, name: name,
                        "Precondition failed: UID in precondition: \(uid), UID in object meta: \(actual)")
                }
            }
            updated[path: ["spec", "replicas"]] = .int(replicas)
        }
        updated[path: ["metadata", "resourceVersion"]] = scale[path: ["metadata", "resourceVersion"]] ?? .string("")
        var result = try commit(
            r, namespace: namespace, new: updated, old: parent, subresource: "scale", options: options,
            ownership: .update(manager: options.fieldManager))
        result.object = ScaleSubresource.scale(of: result.object, r)
        return result
    }

    /// `PATCH <resource>/{name}/scale` (merge or JSON patch, and for workloads strategic merge patch):
    /// the patch applies to the current Scale, which is then written as `updateScale` does.
    mutating func patchScale(
        _ r: ResourceInfo, namespace: String, name: String, contentType: String, body: [UInt8], options: WriteOptions
    ) throws(APIError) -> WriteResult {
        guard let parent = get(r, namespace: namespace, name: name) else { throw .notFound(r, name: name) }
        var current = ScaleSubresource.scale(of: parent, r)
        if let paths = r.scaleSubresource {
            if let problem = paths.problem(reading: parent) { throw .internalError(problem) }
            if CustomResourceScale.integer(at: paths.specReplicasPath, in: parent).value == nil {
                current[path: ["spec", "replicas"]] = .int(ScaleSubresource.missingReplicas)
            }
        }
        let patch: JSONValue
        do {
            patch = try JSONValue.parse(bytes: body)
        } catch {
            throw .badRequest("error decoding patch: \(error.description)")
        }
        // A custom resource's Scale takes the patch types of custom resources: no strategic merge patch.
        var accepted = ["application/json-patch+json", "application/merge-patch+json"]
        if r.scaleSubresource == nil { accepted.append("application/strategic-merge-patch+json") }
        var patched: JSONValue
        switch contentType {
        case "application/merge-patch+json", "application/strategic-merge-patch+json":
            guard accepted.contains(contentType) else { throw .unsupportedMediaType(contentType, accepted: accepted) }
            // A Scale has no lists, so a strategic merge patch merges as a JSON merge patch does.
            guard patch.objectValue != nil else { throw .badRequest("the patch must be a JSON object") }
            patched = JSONMergePatch.apply(patch, to: current)
        case "application/json-patch+json":
            do {
                patched = try JSONPatch.apply(patch, to: current)
            } catch {
                throw Self.apiError(error)
            }
        default:
            throw .unsupportedMediaType(contentType, accepted: accepted)
        }
        if patched.objectValue == nil { throw .badRequest("the patched object is not a JSON object") }
        if let paths = r.scaleSubresource, patched[path: ["spec", "replicas"]]?.intValue == ScaleSubresource.missingReplicas {
            throw .badRequest("the spec replicas field \"\(paths.specReplicasPath)\" cannot be empty")
        }
        return try updateScale(r, namespace: namespace, name: name, scale: patched, options: options)
    }
}
