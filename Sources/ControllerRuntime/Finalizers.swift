import KubeAPI
import KubeClient

extension ObjectMeta {
    public func hasFinalizer(_ name: String) -> Bool { finalizers?.contains(name) ?? false }

    /// Whether the object is being deleted (it has a deletionTimestamp).
    public var isBeingDeleted: Bool { deletionTimestamp != nil }
}

extension KubeClient {
    /// Adds `finalizer` to the object unless present. The patch is guarded by the object's
    /// resourceVersion, so a concurrent writer makes it fail with a conflict instead of losing
    /// someone else's finalizer. Returns the object as written.
    public func addFinalizer<T: KubernetesResource>(_ finalizer: String, to object: T) async throws -> T {
        guard !object.metadata.hasFinalizer(finalizer) else { return object }
        return try await setFinalizers((object.metadata.finalizers ?? []) + [finalizer], on: object)
    }

    /// Removes `finalizer` from the object if present (same guard as `addFinalizer`).
    public func removeFinalizer<T: KubernetesResource>(_ finalizer: String, from object: T) async throws -> T {
        guard object.metadata.hasFinalizer(finalizer) else { return object }
        return try await setFinalizers((object.metadata.finalizers ?? []).filter { $0 != finalizer }, on: object)
    }

    private func setFinalizers<T: KubernetesResource>(_ finalizers: [String], on object: T) async throws -> T {
        let patch: JSONValue = [
            "metadata": [
                "resourceVersion": object.metadata.resourceVersion.map { .string($0) } ?? .null,
                "finalizers": .array(finalizers.map { .string($0) }),
            ]
        ]
        return try await self.patch(
            T.self, namespace: object.metadata.namespace, name: object.metadata.name ?? "", patch: patch, patchType: .merge)
    }
}

/// Runs a reconcile under a finalizer, as kube-rs's `finalizer()` does: while the object lives,
/// make sure the finalizer is on it and run `apply`; once it is being deleted, run `cleanup` for
/// external state and then remove the finalizer so deletion can finish. Cleanup of external state
/// belongs here, never in delete events, which a restarted controller may never see.
public func reconcileWithFinalizer<T: KubernetesResource>(
    _ finalizer: String, object: T, client: KubeClient,
    apply: (T) async throws -> ReconcileAction,
    cleanup: (T) async throws -> ReconcileAction
) async throws -> ReconcileAction {
    if object.metadata.isBeingDeleted {
        guard object.metadata.hasFinalizer(finalizer) else { return .awaitChange }
        let action = try await cleanup(object)
        if case .requeue = action { return action }  // cleanup not finished yet
        _ = try await client.removeFinalizer(finalizer, from: object)
        return .awaitChange
    }
    guard object.metadata.hasFinalizer(finalizer) else {
        // Then apply at once, to the object as written: waiting for the write's own event would
        // send the object to the back of the work queue before any real work is done.
        return try await apply(try await client.addFinalizer(finalizer, to: object))
    }
    return try await apply(object)
}
