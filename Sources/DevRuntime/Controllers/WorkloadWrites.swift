import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging

/// The API writes the dev cluster's workload controllers share: Pods created and deleted under
/// expectations, status replaced under optimistic concurrency, owner references and finalizers
/// changed without overwriting anyone else's change.
struct WorkloadWrites: Sendable {
    static let replicaSets = ResourceType(group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet")
    static let jobs = ResourceType(group: "batch", version: "v1", resource: "jobs", kind: "Job")

    let client: KubeClient
    let events: EventRecorder
    let expectations: PodExpectations
    let logger: Logger

    /// Creates `pods` one after another for `owner`, recording `SuccessfulCreate` / `FailedCreate`
    /// on it; the first failure stops the rest and is returned as text.
    func createPods(_ pods: [JSONValue], owner: ObjectKey, ownerReference: ObjectReference) async -> String? {
        expectations.expectCreations(owner, count: pods.count)
        for (index, pod) in pods.enumerated() {
            do {
                let created = try await client.create(.pods, namespace: owner.namespace, object: pod)
                let name = created[path: ["metadata", "name"]]?.stringValue ?? "?"
                await events.record(about: ownerReference, type: .normal, reason: "SuccessfulCreate", message: "Created pod: \(name)")
            } catch {
                for _ in index..<pods.count { expectations.creationFailed(owner) }
                let message = "Error creating: \(error)"
                await events.record(about: ownerReference, type: .warning, reason: "FailedCreate", message: message)
                return message
            }
        }
        return nil
    }

    /// Deletes `pods` (by UID precondition, so a newer Pod of the same name is safe), recording
    /// `SuccessfulDelete` / `FailedDelete`; a Pod already gone is not a failure.
    func deletePods(_ pods: [ChildReference], owner: ObjectKey, ownerReference: ObjectReference) async -> String? {
        expectations.expectDeletions(owner, uids: pods.map(\.uid))
        var failure: String?
        for pod in pods {
            var options = DeleteOptions()
            options.preconditionUID = pod.uid
            do {
                try await client.delete(.pods, namespace: owner.namespace, name: pod.name, options: options)
                await events.record(about: ownerReference, type: .normal, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)")
            } catch let error as KubeError where error.code == .notFound || error.code == .conflict {
                expectations.deletionFailed(owner, uid: pod.uid)
            } catch {
                expectations.deletionFailed(owner, uid: pod.uid)
                let message = "Error deleting: \(error)"
                await events.record(about: ownerReference, type: .warning, reason: "FailedDelete", message: message)
                failure = failure ?? message
            }
        }
        return failure
    }

    /// Sets a Pod's `ownerReferences` to `references` if the Pod is still as the cache saw it.
    func setOwnerReferences(of pod: JSONValue, to references: [JSONValue]) async throws {
        guard let name = pod[path: ["metadata", "name"]]?.stringValue else { return }
        let patch: JSONValue = [
            "metadata": [
                "ownerReferences": references.isEmpty ? .null : .array(references),
                "resourceVersion": pod[path: ["metadata", "resourceVersion"]] ?? .null,
            ]
        ]
        try await client.patch(
            .pods, namespace: pod[path: ["metadata", "namespace"]]?.stringValue, name: name, patch: patch, patchType: .merge)
    }

    /// Removes `finalizer` from the Pod `reference` names, testing first that it is where the
    /// cache saw it, so nobody else's finalizer goes. A Pod already gone or without it is fine.
    func removeFinalizer(_ finalizer: String, from reference: ChildReference, namespace: String?, cached: JSONValue?) async throws {
        for attempt in 0..<3 {
            let pod: JSONValue
            if attempt == 0, let cached {
                pod = cached
            } else {
                do {
                    pod = try await client.get(.pods, namespace: namespace, name: reference.name)
                } catch let error as KubeError where error.code == .notFound {
                    return
                }
            }
            guard pod[path: ["metadata", "uid"]]?.stringValue == reference.uid else { return }
            let finalizers = pod[path: ["metadata", "finalizers"]]?.arrayValue ?? []
            guard let index = finalizers.firstIndex(of: .string(finalizer)) else { return }
            let patch: JSONValue = [
                ["op": "test", "path": .string("/metadata/uid"), "value": .string(reference.uid)],
                ["op": "test", "path": .string("/metadata/finalizers/\(index)"), "value": .string(finalizer)],
                ["op": "remove", "path": .string("/metadata/finalizers/\(index)")],
            ]
            do {
                try await client.patch(.pods, namespace: namespace, name: reference.name, patch: patch, patchType: .json)
                return
            } catch let error as KubeError where error.code == .notFound {
                return
            } catch let error as KubeError where error.code == .invalid || error.code == .conflict {
                continue  // the list moved under us: read it again
            }
        }
        throw KubeError(code: .conflict, message: "pods \"\(reference.name)\": the finalizer \(finalizer) kept moving; will try again")
    }

    /// Replaces the object's status, failing with a conflict if it changed since `object` was read.
    @discardableResult
    func updateStatus(_ type: ResourceType, object: JSONValue, status: JSONValue) async throws -> JSONValue {
        var updated = object
        updated["status"] = status
        return try await client.update(
            type, namespace: object[path: ["metadata", "namespace"]]?.stringValue,
            name: object[path: ["metadata", "name"]]?.stringValue ?? "",
            object: updated, subresource: "status")
    }

    static func reference(to object: JSONValue, type: ResourceType) -> ObjectReference {
        let metadata = object["metadata"]
        return ObjectReference(
            apiVersion: type.apiVersion, kind: type.kind, namespace: metadata?["namespace"]?.stringValue,
            name: metadata?["name"]?.stringValue, uid: metadata?["uid"]?.stringValue,
            resourceVersion: metadata?["resourceVersion"]?.stringValue)
    }

    func record(_ events: [WorkloadEvent], about reference: ObjectReference) async {
        for event in events {
            await self.events.record(
                about: reference, type: event.type == .warning ? .warning : .normal, reason: event.reason, message: event.message)
        }
    }
}
