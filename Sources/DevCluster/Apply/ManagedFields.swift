import KubeAPI

/// One entry of `metadata.managedFields`: which manager owns which fields, and how it wrote them.
struct ManagedFieldsEntry: Sendable, Equatable {
    var manager: String
    /// `Apply` (server-side apply) or `Update` (create, update, patch).
    var operation: String
    var apiVersion: String
    var time: String
    var subresource: String?
    /// Owned leaf paths. Objects are walked into; lists and scalars are owned whole (atomic), a
    /// simplification of structured-merge-diff that is exact for the kinds this server serves.
    var fields: Set<[String]>
}

/// Field ownership and server-side apply (`application/apply-patch+yaml`), after
/// sigs.k8s.io/structured-merge-diff: conflicts between managers, `force`, and removal of fields
/// a manager stops applying.
enum ManagedFields {
    /// Paths no manager owns: identity and bookkeeping the server writes itself.
    static func isTracked(_ path: [String]) -> Bool {
        guard let first = path.first else { return false }
        if first == "apiVersion" || first == "kind" { return false }
        if first == "metadata" {
            guard path.count > 1 else { return false }
            return ["labels", "annotations", "finalizers", "ownerReferences"].contains(path[1])
        }
        return true
    }

    /// The leaf paths of a value: scalars, lists and empty objects.
    static func leafPaths(_ value: JSONValue, prefix: [String] = []) -> Set<[String]> {
        var result: Set<[String]> = []
        collect(value, prefix, &result)
        return result.filter(isTracked)
    }

    private static func collect(_ value: JSONValue, _ prefix: [String], _ out: inout Set<[String]>) {
        if case .object(let o) = value, !o.isEmpty {
            for (k, v) in o { collect(v, prefix + [k], &out) }
        } else if !prefix.isEmpty {
            out.insert(prefix)
        }
    }

    static func paths(_ value: JSONValue, subresource: String?) -> Set<[String]> {
        let all = leafPaths(value)
        if subresource == "status" { return all.filter { $0.first == "status" } }
        return all
    }

    // MARK: Encoding

    static func decode(_ object: JSONValue?) -> [ManagedFieldsEntry] {
        (object?[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { e in
            guard let manager = e["manager"]?.stringValue else { return nil }
            var fields: Set<[String]> = []
            decodeFields(e["fieldsV1"] ?? [:], prefix: [], into: &fields)
            return ManagedFieldsEntry(
                manager: manager, operation: e["operation"]?.stringValue ?? "Update",
                apiVersion: e["apiVersion"]?.stringValue ?? "", time: e["time"]?.stringValue ?? "",
                subresource: e["subresource"]?.stringValue, fields: fields)
        }
    }

    private static func decodeFields(_ node: JSONValue, prefix: [String], into out: inout Set<[String]>) {
        let children = (node.objectValue ?? [:]).filter { $0.key.hasPrefix("f:") }
        if children.isEmpty {
            if !prefix.isEmpty { out.insert(prefix) }
            return
        }
        for (k, v) in children { decodeFields(v, prefix: prefix + [String(k.dropFirst(2))], into: &out) }
    }

    static func encode(_ entries: [ManagedFieldsEntry]) -> JSONValue {
        let kept = entries.filter { !$0.fields.isEmpty }
        if kept.isEmpty { return .null }
        return .array(
            kept.map { e in
                var fieldsV1: JSONValue = [:]
                for path in e.fields {
                    fieldsV1[path: path.map { "f:" + $0 }] = [:]
                }
                var json: JSONValue = [
                    "manager": .string(e.manager), "operation": .string(e.operation), "apiVersion": .string(e.apiVersion),
                    "time": .string(e.time), "fieldsType": "FieldsV1", "fieldsV1": fieldsV1,
                ]
                if let sub = e.subresource { json["subresource"] = .string(sub) }
                return json
            })
    }

    // MARK: Updates

    /// Records an ordinary write: the manager now owns every field it changed (or, on create,
    /// every field), and other managers lose the fields whose values changed under them.
    static func recordUpdate(new: JSONValue, old: JSONValue?, manager: String, apiVersion: String, subresource: String?, time: String)
        -> JSONValue
    {
        var entries = decode(old)
        let newPaths = paths(new, subresource: subresource)
        let changed: Set<[String]>
        if let old {
            let oldPaths = paths(old, subresource: subresource)
            changed = newPaths.union(oldPaths).filter { p in
                let a = new[path: p]
                let b = old[path: p]
                return !(a == nil && b == nil) && !(a != nil && b != nil && a!.semanticallyEquals(b!))
            }
        } else {
            changed = newPaths
        }
        if changed.isEmpty {
            var unchanged = new
            unchanged[path: ["metadata", "managedFields"]] = old?[path: ["metadata", "managedFields"]]
            return unchanged
        }
        for i in entries.indices
        where !(entries[i].manager == manager && entries[i].operation == "Update" && entries[i].subresource == subresource) {
            entries[i].fields.subtract(changed)
        }
        let owned = changed.filter { new[path: $0] != nil }
        if let i = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource }) {
            entries[i].fields = entries[i].fields.subtracting(changed).union(owned).filter { new[path: $0] != nil }
            entries[i].time = time
            entries[i].apiVersion = apiVersion
        } else {
            entries.append(
                ManagedFieldsEntry(
                    manager: manager, operation: "Update", apiVersion: apiVersion, time: time, subresource: subresource, fields: owned))
        }
        var result = new
        result[path: ["metadata", "managedFields"]] = encode(entries)
        if result[path: ["metadata", "managedFields"]] == .null { result[path: ["metadata", "managedFields"]] = nil }
        return result
    }

    /// The result of a server-side apply before validation: the merged object and the new ownership.
    struct ApplyResult {
        var object: JSONValue
        var entries: [ManagedFieldsEntry]
    }

    /// Server-side apply of `applied` by `manager` onto `live` (nil when the object is new).
    static func apply(
        _ applied: JSONValue, to live: JSONValue?, manager: String, apiVersion: String, subresource: String?, force: Bool, time: String
    ) throws(APIError) -> ApplyResult {
        var entries = decode(live)
        let appliedPaths = paths(applied, subresource: subresource)
        let base = live ?? [:]

        var conflicts: [(manager: String, apiVersion: String, path: [String])] = []
        for entry in entries where !(entry.manager == manager && entry.operation == "Apply") {
            for path in entry.fields.intersection(appliedPaths).sorted(by: { $0.joined(separator: ".") < $1.joined(separator: ".") }) {
                let current = base[path: path]
                let wanted = applied[path: path]
                if let current, let wanted, current.semanticallyEquals(wanted) { continue }
                conflicts.append((entry.manager, entry.apiVersion, path))
            }
        }
        if !conflicts.isEmpty && !force { throw conflictError(conflicts) }

        let mine = entries.firstIndex { $0.manager == manager && $0.operation == "Apply" && $0.subresource == subresource }
        let previouslyApplied = mine.map { entries[$0].fields } ?? []
        var result = base
        let ownedByOthers = entries.enumerated().filter { $0.offset != mine }.reduce(into: Set<[String]>()) {
            $0.formUnion($1.element.fields)
        }
        for path in previouslyApplied.subtracting(appliedPaths) where !ownedByOthers.contains(path) {
            result = removing(path, from: result)
        }
        result = merge(applied, into: result)
        if let metadata = applied["metadata"] {
            for key in ["name", "namespace", "generateName"] where metadata[key] != nil {
                result[path: ["metadata", key]] = metadata[key]
            }
        }

        // Others lose what was forced away from them or changed under them.
        for i in entries.indices where i != mine {
            entries[i].fields = entries[i].fields.filter { path in
                guard appliedPaths.contains(path) else { return true }
                guard let before = base[path: path], let after = result[path: path] else { return false }
                return before.semanticallyEquals(after)
            }
        }
        if let mine {
            entries[mine].fields = appliedPaths
            entries[mine].time = time
            entries[mine].apiVersion = apiVersion
        } else {
            entries.append(
                ManagedFieldsEntry(
                    manager: manager, operation: "Apply", apiVersion: apiVersion, time: time, subresource: subresource, fields: appliedPaths
                ))
        }
        return ApplyResult(object: result, entries: entries.filter { !$0.fields.isEmpty })
    }

    static func conflictError(_ conflicts: [(manager: String, apiVersion: String, path: [String])]) -> APIError {
        let dotted = { (p: [String]) in "." + p.joined(separator: ".") }
        let message: String
        if conflicts.count == 1, let c = conflicts.first {
            message = "Apply failed with 1 conflict: conflict with \"\(c.manager)\" using \(c.apiVersion): \(dotted(c.path))"
        } else {
            var grouped: [String: [String]] = [:]
            var order: [String] = []
            for c in conflicts {
                let key = "conflicts with \"\(c.manager)\" using \(c.apiVersion):"
                if grouped[key] == nil { order.append(key) }
                grouped[key, default: []].append("- " + dotted(c.path))
            }
            message =
                "Apply failed with \(conflicts.count) conflicts: "
                + order.map { ([$0] + grouped[$0]!).joined(separator: "\n") }.joined(separator: "\n")
        }
        let causes: [JSONValue] = conflicts.map { c in
            [
                "reason": "FieldManagerConflict", "message": .string("conflict with \"\(c.manager)\" using \(c.apiVersion)"),
                "field": .string(dotted(c.path)),
            ]
        }
        return APIError(code: 409, reason: "Conflict", message: message, details: ["causes": .array(causes)])
    }

    /// Objects merge key by key; anything else in `patch` replaces what is in `target`.
    static func merge(_ patch: JSONValue, into target: JSONValue) -> JSONValue {
        guard case .object(let p) = patch, case .object(var t) = target else { return patch }
        for (k, v) in p {
            t[k] = t[k].map { merge(v, into: $0) } ?? v
        }
        return .object(t)
    }

    static func removing(_ path: [String], from value: JSONValue) -> JSONValue {
        guard let first = path.first, case .object(var o) = value else { return value }
        if path.count == 1 {
            o[first] = nil
        } else if let child = o[first] {
            let updated = removing(Array(path.dropFirst()), from: child)
            if case .object(let c) = updated, c.isEmpty, first != "spec" {
                o[first] = nil
            } else {
                o[first] = updated
            }
        }
        return .object(o)
    }
}
