import Foundation
import KubeAPI

/// The write pipeline that create, update, patch, apply and the subresources share: checks the
/// object against its resource, fills in what the server owns, validates, records field ownership
/// and stores it.
extension ClusterState {
    /// Validates, defaults and stores one object: what create, update, patch and apply share.
    mutating func commit(
        _ r: ResourceInfo, namespace: String, new: JSONValue, old: JSONValue?, subresource: String?,
        options: WriteOptions, ownership: Ownership
    ) throws(APIError) -> WriteResult {
        var obj = new
        var warnings: [String] = []
        let name = obj[path: ["metadata", "name"]]?.stringValue ?? ""
        if obj.objectValue == nil { throw .badRequest("the request body must be a JSON object") }
        if let apiVersion = obj["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != r.groupVersion {
            if !(apiVersion.split(separator: "/").first.map(String.init) == r.group && r.definedBy != nil) {
                throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(r.groupVersion))")
            }
        }
        if let kind = obj["kind"]?.stringValue, !kind.isEmpty, kind != r.kind {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (\(r.kind))")
        }
        obj["apiVersion"] = .string(r.groupVersion)
        obj["kind"] = .string(r.kind)
        if r.namespaced {
            obj[path: ["metadata", "namespace"]] = .string(namespace)
        } else {
            obj[path: ["metadata", "namespace"]] = nil
        }

        var validator: SchemaValidator?
        if let schema = r.schema {
            let v = SchemaValidator(schema: schema)
            validator = v
            let (pruned, unknown) = v.prune(obj)
            if !unknown.isEmpty {
                switch options.fieldValidation {
                case .strict:
                    let list = unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                    throw .badRequest(
                        "\(r.kind) in version \"\(r.version)\" cannot be handled as a \(r.kind): strict decoding error: \(list)")
                case .warn:
                    warnings += unknown.map { "unknown field \"\($0)\"" }
                case .ignore:
                    break
                }
            }
            obj = v.applyDefaults(pruned)
        }

        if let old {
            obj = try prepareUpdate(r, new: obj, old: old, subresource: subresource)
        } else {
            obj = prepareCreate(r, obj)
        }

        var errors = SchemaValidator.validateObjectMeta(obj["metadata"], namespaced: r.namespaced)
        if r.resource == "namespaces", r.group.isEmpty {
            errors = errors.filter { $0.field != "metadata.name" } + Self.validateNamespaceName(name)
        }
        if let validator { errors += validator.validate(obj) }
        if let scale = r.scaleSubresource { errors += scale.validate(obj, spec: subresource != "status") }
        if r.storageKey == CustomResourceDefinition.storageKey {
            errors += CustomResourceDefinition.validate(obj)
        }
        if !errors.isEmpty { throw .invalid(r, name: obj[path: ["metadata", "name"]]?.stringValue ?? name, errors: errors) }

        switch ownership {
        case .update(let manager):
            obj = ManagedFields.recordUpdate(
                new: obj, old: old, manager: manager, apiVersion: r.groupVersion, subresource: subresource, time: nowString)
        case .apply(let entries):
            obj[path: ["metadata", "managedFields"]] = ManagedFields.encode(entries)
        }

        if r.storageKey == CustomResourceDefinition.storageKey {
            obj["status"] = CustomResourceDefinition.establishedStatus(for: obj, at: nowString)
        }

        if let old, Self.sameContent(obj, old) {
            return WriteResult(object: old, created: false, warnings: warnings)
        }
        if options.dryRun {
            return WriteResult(object: obj, created: old == nil, warnings: warnings)
        }
        let stored = put(r.storageKey, obj)
        collectGarbage()
        return WriteResult(object: get(Self.ref(r.storageKey, stored)) ?? stored, created: old == nil, warnings: warnings)
    }

    /// Equal but for bookkeeping that a no-op write would change: such writes are not stored.
    static func sameContent(_ a: JSONValue, _ b: JSONValue) -> Bool {
        func strip(_ v: JSONValue) -> JSONValue {
            var v = v
            v[path: ["metadata", "resourceVersion"]] = nil
            var fields = v[path: ["metadata", "managedFields"]]?.arrayValue ?? []
            for i in fields.indices { fields[i]["time"] = nil }
            v[path: ["metadata", "managedFields"]] = fields.isEmpty ? nil : .array(fields)
            return v
        }
        return strip(a).semanticallyEquals(strip(b))
    }

    func prepareCreate(_ r: ResourceInfo, _ object: JSONValue) -> JSONValue {
        var obj = object
        if r.hasStatusSubresource && (r.definedBy != nil || r.resource != "namespaces") { obj["status"] = nil }
        var meta = obj["metadata"] ?? [:]
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(nowString)
        meta["generation"] = r.tracksGeneration ? 1 : nil
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["resourceVersion"] = nil
        meta["selfLink"] = nil
        obj["metadata"] = meta
        if r.group.isEmpty {
            switch r.resource {
            case "namespaces":
                obj[path: ["spec", "finalizers"]] = ["kubernetes"]
                obj["status"] = ["phase": "Active"]
            case "pods":
                obj["status"] = ["phase": "Pending", "qosClass": "BestEffort"]
            case "services":
                if obj[path: ["spec", "type"]] == nil { obj[path: ["spec", "type"]] = "ClusterIP" }
                if obj[path: ["spec", "clusterIP"]] == nil { obj[path: ["spec", "clusterIP"]] = "None" }
            case "serviceaccounts", "configmaps", "secrets":
                if r.resource == "secrets", obj["type"] == nil { obj["type"] = "Opaque" }
            default:
                break
            }
        }
        return obj
    }

    func prepareUpdate(_ r: ResourceInfo, new: JSONValue, old: JSONValue, subresource: String?) throws(APIError) -> JSONValue {
        var obj = new
        let name = old[path: ["metadata", "name"]]?.stringValue ?? ""
        let requestedRV = new[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if !requestedRV.isEmpty, requestedRV != old[path: ["metadata", "resourceVersion"]]?.stringValue {
            throw .conflict(r, name: name)
        }
        if subresource == "status" {
            var o = old
            o["status"] = obj["status"]
            o[path: ["metadata", "managedFields"]] = obj[path: ["metadata", "managedFields"]] ?? old[path: ["metadata", "managedFields"]]
            obj = o
        } else if r.hasStatusSubresource {
            obj["status"] = old["status"]
        }
        var meta = obj["metadata"] ?? [:]
        let oldMeta = old["metadata"] ?? [:]
        for key in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion"] {
            meta[key] = oldMeta[key]
        }
        if r.resource == "namespaces", r.group.isEmpty, subresource != "finalize" {
            obj[path: ["spec", "finalizers"]] = old[path: ["spec", "finalizers"]]
        }
        if oldMeta["deletionTimestamp"] != nil {
            let before = Set(oldMeta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let after = meta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let added = after.first(where: { !before.contains($0) }) {
                throw .invalid(
                    r, name: name,
                    errors: [
                        FieldError(
                            .forbidden, field: "metadata.finalizers",
                            detail:
                                "no new finalizers can be added if the object is being deleted, found new finalizers []string{\"\(added)\"}"
                        )
                    ])
            }
        }
        // A write through /scale changes spec.replicas: a spec change like any other.
        if r.tracksGeneration, subresource == nil || subresource == "scale" {
            var a = obj
            var b = old
            for key in ["metadata", "status"] {
                a[key] = nil
                b[key] = nil
            }
            if !a.semanticallyEquals(b) {
                meta["generation"] = .int((oldMeta["generation"]?.intValue ?? 0) + 1)
            }
        }
        obj["metadata"] = meta
        return obj
    }

    /// A namespace name must be a DNS-1123 label; any breach is reported with the format rule alone.
    static func validateNamespaceName(_ name: String) -> [FieldError] {
        if name.utf8.count <= 63, ObjectMetaRules.isDNS1123Label(Substring(name)) { return [] }
        if name.isEmpty { return [FieldError(.required, field: "metadata.name", detail: "name or generateName is required")] }
        return [
            FieldError(
                .invalid, field: "metadata.name", badValue: .string(name), detail: ObjectMetaRules.dns1123LabelRegexError)
        ]
    }
}
