import KubeAPI

/// `DeleteOptions.propagationPolicy`: what happens to an object's dependents.
enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// The parts of `metav1.DeleteOptions` the dev server honours.
struct DeleteOptions: Sendable {
    var propagation: PropagationPolicy?
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    var dryRun = false
    /// How long a graceful deletion may take (pods); nil leaves it to the object.
    var gracePeriodSeconds: Int64?

    init() {}

    /// Reads a DeleteOptions body and the query parameters that may stand in for it.
    init(body: JSONValue?, query: [String: String]) throws(APIError) {
        if let p = body?["propagationPolicy"]?.stringValue ?? query["propagationPolicy"] {
            guard let policy = PropagationPolicy(rawValue: p) else {
                throw APIError(
                    code: 422, reason: "Invalid",
                    message:
                        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(p)\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                )
            }
            propagation = policy
        } else if let orphan = body?["orphanDependents"]?.boolValue ?? query["orphanDependents"].map({ $0 == "true" }) {
            propagation = orphan ? .orphan : .background
        }
        preconditionUID = body?[path: ["preconditions", "uid"]]?.stringValue
        preconditionResourceVersion = body?[path: ["preconditions", "resourceVersion"]]?.stringValue
        let dry = body?["dryRun"]?.arrayValue?.compactMap(\.stringValue) ?? []
        dryRun = dry.contains("All") || query["dryRun"] == "All"
        if let grace = body?["gracePeriodSeconds"], !grace.isNull {
            guard let seconds = grace.intValue else {
                throw .badRequest("gracePeriodSeconds: invalid value \(grace.serialized()): must be an integer")
            }
            gracePeriodSeconds = seconds
        } else if let text = query["gracePeriodSeconds"], !text.isEmpty {
            guard let seconds = Int64(text) else { throw .badRequest("gracePeriodSeconds: invalid value \"\(text)\": must be an integer") }
            gracePeriodSeconds = seconds
        }
    }
}

extension ClusterState {
    /// Deletes an object: at once when nothing holds it, otherwise marks it Terminating
    /// (deletionTimestamp set) until its finalizers are removed. Returns the object's last state
    /// and whether it is gone.
    mutating func delete(_ r: ResourceInfo, namespace: String, name: String, options: DeleteOptions) throws(APIError) -> (
        JSONValue, gone: Bool
    ) {
        let ref = ObjectRef(resource: r.storageKey, namespace: r.namespaced ? namespace : "", name: name)
        guard let object = get(ref) else { throw .notFound(r, name: name) }
        if let uid = options.preconditionUID, uid != object[path: ["metadata", "uid"]]?.stringValue {
            throw APIError(
                code: 409, reason: "Conflict",
                message:
                    "Operation cannot be fulfilled on \(r.qualifiedResource) \"\(name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(object[path: ["metadata", "uid"]]?.stringValue ?? "")",
                details: APIError.details(r, name: name))
        }
        if let rv = options.preconditionResourceVersion, rv != object[path: ["metadata", "resourceVersion"]]?.stringValue {
            throw APIError(
                code: 409, reason: "Conflict",
                message:
                    "Operation cannot be fulfilled on \(r.qualifiedResource) \"\(name)\": Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "")",
                details: APIError.details(r, name: name))
        }
        if options.dryRun {
            var marked = object
            marked[path: ["metadata", "deletionTimestamp"]] = .string(nowString)
            return (marked, false)
        }
        let result = markDeleted(ref, propagation: options.propagation ?? .background, gracePeriod: options.gracePeriodSeconds)
        collectGarbage()
        if let still = get(ref) { return (still, false) }
        return (result ?? object, true)
    }

    /// Starts deleting one object; returns its final state if it was removed at once.
    ///
    /// Pods are deleted gracefully, as the real server's `rest.BeforeDelete` with the pod strategy's
    /// `CheckGracefulDelete` does: a pod bound to a node and not finished gets a deletionTimestamp
    /// `grace` seconds ahead and stays until the node's runtime deletes it with grace 0. A later
    /// delete may shorten the grace period, never lengthen it. `gracePeriod` is the request's
    /// (nil when the garbage collector or the namespace deleter deletes).
    @discardableResult
    mutating func markDeleted(_ ref: ObjectRef, propagation: PropagationPolicy, gracePeriod: Int64? = nil) -> JSONValue? {
        guard var object = get(ref) else { return nil }
        let requestedGrace = gracePeriod.map { $0 < 0 ? 1 : $0 }
        var finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        let isNamespace = ref.resource == "/namespaces"
        let alreadyDeleting = object[path: ["metadata", "deletionTimestamp"]] != nil
        let pendingGrace = Self.pendingGracePeriod(object)
        if alreadyDeleting && pendingGrace > 0 {
            guard let requestedGrace, requestedGrace < pendingGrace else { return nil }
        }
        switch propagation {
        case .foreground where !finalizers.contains("foregroundDeletion"): finalizers.append("foregroundDeletion")
        case .orphan where !finalizers.contains("orphan"): finalizers.append("orphan")
        default: break
        }
        if alreadyDeleting && pendingGrace > 0, let requestedGrace {
            // Shortening: the deadline moves earlier by the difference.
            if requestedGrace == 0 && finalizers.isEmpty { return remove(ref) }
            let deadline = object[path: ["metadata", "deletionTimestamp"]]?.stringValue.flatMap(TableConverter.parseTime) ?? now()
            object[path: ["metadata", "deletionTimestamp"]] = .string(
                Self.timestamp(deadline.addingTimeInterval(Double(requestedGrace - pendingGrace))))
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(requestedGrace)
            object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
            put(ref.resource, object)
            return nil
        }
        if !alreadyDeleting && ref.resource == "/pods" {
            let grace = Self.podGracePeriod(object, requested: requestedGrace)
            if grace == 0 && finalizers.isEmpty { return remove(ref) }
            object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
            object[path: ["metadata", "deletionTimestamp"]] = .string(Self.timestamp(now().addingTimeInterval(Double(grace))))
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(grace)
            // Those who act on the pod see the change of intent as a new generation.
            if let generation = object[path: ["metadata", "generation"]]?.intValue, generation > 0 {
                object[path: ["metadata", "generation"]] = .int(generation + 1)
            }
            put(ref.resource, object)
            return nil
        }
        if finalizers.isEmpty && !isNamespace {
            return remove(ref)
        }
        if alreadyDeleting && finalizers == (object[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []) {
            return nil
        }
        object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
        if !alreadyDeleting {
            object[path: ["metadata", "deletionTimestamp"]] = .string(nowString)
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
        }
        if isNamespace { object[path: ["status", "phase"]] = "Terminating" }
        put(ref.resource, object)
        return nil
    }

    /// The grace period a pod's deletion gets (`CheckGracefulDelete`): the request's, else the pod's
    /// `terminationGracePeriodSeconds`, else 30 (the default the real server writes at creation); 0
    /// for a pod no node runs (no `spec.nodeName`) or one that has finished.
    static func podGracePeriod(_ pod: JSONValue, requested: Int64?) -> Int64 {
        let nodeName = pod[path: ["spec", "nodeName"]]?.stringValue ?? ""
        let phase = pod[path: ["status", "phase"]]?.stringValue
        if nodeName.isEmpty || phase == "Succeeded" || phase == "Failed" { return 0 }
        let grace = requested ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
        return grace < 0 ? 1 : grace
    }

    /// The grace period of a graceful deletion under way; 0 when there is none, or when only
    /// finalizers hold the object.
    static func pendingGracePeriod(_ object: JSONValue) -> Int64 {
        guard object[path: ["metadata", "deletionTimestamp"]] != nil else { return 0 }
        return object[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 0
    }

    /// Drives every Terminating object forward until nothing more can change: dependents of a
    /// foreground deletion are deleted, orphaned ones are released, emptied namespaces and objects
    /// whose finalizers are all gone are removed, and dependents whose owners are all gone are deleted.
    mutating func collectGarbage() {
        for _ in 0..<10_000 {
            var progressed = false
            for ref in terminating.sorted(by: { ($0.resource, $0.key) < ($1.resource, $1.key) }) {
                if advanceDeletion(ref) { progressed = true }
            }
            while let uid = removedOwnerUIDs.popLast() {
                for dependent in (dependents[uid] ?? []).sorted(by: { $0.key < $1.key }) {
                    guard let object = get(dependent), object[path: ["metadata", "deletionTimestamp"]] == nil else { continue }
                    let owners = Self.ownerUIDs(object)
                    if owners.allSatisfy({ uidIndex[$0] == nil }) {
                        markDeleted(dependent, propagation: .background)
                        progressed = true
                    }
                }
            }
            if !progressed { return }
        }
    }

    /// One step for one Terminating object; true when something changed.
    private mutating func advanceDeletion(_ ref: ObjectRef) -> Bool {
        guard var object = get(ref) else { return false }
        let uid = object[path: ["metadata", "uid"]]?.stringValue ?? ""
        var finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        var changed = false
        if finalizers.contains("orphan") {
            for dependent in dependents[uid] ?? [] {
                guard var d = get(dependent) else { continue }
                let refs = (d[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
                d[path: ["metadata", "ownerReferences"]] = refs.isEmpty ? nil : .array(refs)
                put(dependent.resource, d)
            }
            finalizers.removeAll { $0 == "orphan" }
            changed = true
        }
        if finalizers.contains("foregroundDeletion") {
            let live = (dependents[uid] ?? []).filter { get($0) != nil }
            for dependent in live.sorted(by: { $0.key < $1.key }) where get(dependent)?[path: ["metadata", "deletionTimestamp"]] == nil {
                markDeleted(dependent, propagation: .foreground)
                changed = true
            }
            if (dependents[uid] ?? []).allSatisfy({ get($0) == nil }) {
                finalizers.removeAll { $0 == "foregroundDeletion" }
                changed = true
            }
        }
        if ref.resource == "/namespaces" {
            var remaining = false
            for r in resources where r.namespaced {
                for item in list(r, namespace: ref.name) {
                    remaining = true
                    if item[path: ["metadata", "deletionTimestamp"]] == nil {
                        markDeleted(Self.ref(r.storageKey, item), propagation: .background)
                        changed = true
                    }
                }
            }
            if !remaining, object[path: ["spec", "finalizers"]] != nil {
                object[path: ["spec", "finalizers"]] = nil
                changed = true
            }
            if remaining || object[path: ["spec", "finalizers"]] != nil {
                if changed {
                    object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
                    put(ref.resource, object)
                }
                return changed
            }
        }
        // A graceful deletion waits for a delete with grace 0 (`ShouldDeleteDuringUpdate`), even
        // when no finalizer is left.
        if finalizers.isEmpty && Self.pendingGracePeriod(object) == 0 {
            remove(ref)
            return true
        }
        if changed {
            object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
            put(ref.resource, object)
        }
        return changed
    }
}
