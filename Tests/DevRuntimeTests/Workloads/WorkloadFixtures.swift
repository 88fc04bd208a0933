import ControllerRuntime
import Foundation
import KubeAPI

@testable import DevRuntime

/// Objects shaped as the dev cluster stores them (no API defaults applied), for the plan tests.
enum WorkloadFixtures {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    static func time(_ seconds: Double) -> JSONValue { .string(Timestamp.time(at(seconds))) }

    static func podTemplate(image: String = "nginx:1.25", labels: [String: String] = ["app": "web"]) -> JSONValue {
        [
            "metadata": ["labels": .object(labels.mapValues { .string($0) })],
            "spec": ["containers": [["name": "web", "image": .string(image)]]],
        ]
    }

    static func deployment(
        name: String = "web", uid: String = "deploy-uid", replicas: Int64? = 3, generation: Int64 = 1,
        image: String = "nginx:1.25", strategy: JSONValue? = nil, spec extra: [String: JSONValue] = [:],
        annotations: [String: String] = [:], status: JSONValue? = nil
    ) -> JSONValue {
        var spec: [String: JSONValue] = [
            "selector": ["matchLabels": ["app": "web"]],
            "template": podTemplate(image: image),
        ]
        if let replicas { spec["replicas"] = .int(replicas) }
        if let strategy { spec["strategy"] = strategy }
        for (key, value) in extra { spec[key] = value }
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": "default", "uid": .string(uid), "generation": .int(generation),
            "creationTimestamp": time(0),
        ]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues { .string($0) }) }
        var object: JSONValue = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": .object(metadata), "spec": .object(spec)]
        if let status { object["status"] = status }
        return object
    }

    static func rollingUpdate(maxSurge: JSONValue, maxUnavailable: JSONValue) -> JSONValue {
        ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": maxSurge, "maxUnavailable": maxUnavailable]]
    }

    static func ownerReference(kind: String, name: String, uid: String) -> JSONValue {
        [
            "apiVersion": kind == "Job" ? "batch/v1" : "apps/v1", "kind": .string(kind), "name": .string(name), "uid": .string(uid),
            "controller": true, "blockOwnerDeletion": true,
        ]
    }

    /// A ReplicaSet as a Deployment created it, with a status as its controller reported it.
    static func replicaSet(
        name: String, uid: String, owner: String? = "deploy-uid", created: Double = 0, replicas: Int64, image: String = "nginx:1.25",
        revision: String? = nil, desired: Int64? = nil, maxReplicas: Int64? = nil, available: Int64? = nil, statusReplicas: Int64? = nil,
        generation: Int64 = 1, observedGeneration: Int64 = 1, hash: String = "abc"
    ) -> JSONValue {
        var annotations: [String: JSONValue] = [:]
        if let revision { annotations[DeploymentSpec.revisionAnnotation] = .string(revision) }
        if let desired { annotations[DeploymentSpec.desiredReplicasAnnotation] = .string(String(desired)) }
        if let maxReplicas { annotations[DeploymentSpec.maxReplicasAnnotation] = .string(String(maxReplicas)) }
        var template = podTemplate(image: image)
        template[path: ["metadata", "labels", PodTemplateHash.labelKey]] = .string(hash)
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": "default", "uid": .string(uid), "generation": .int(generation),
            "creationTimestamp": time(created), "labels": ["app": "web", "pod-template-hash": .string(hash)],
            "annotations": .object(annotations), "resourceVersion": "7",
        ]
        if let owner { metadata["ownerReferences"] = [ownerReference(kind: "Deployment", name: "web", uid: owner)] }
        let ready = available ?? replicas
        return [
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": .object(metadata),
            "spec": [
                "replicas": .int(replicas), "selector": ["matchLabels": ["app": "web", "pod-template-hash": .string(hash)]],
                "template": template,
            ],
            "status": [
                "replicas": .int(statusReplicas ?? replicas), "readyReplicas": .int(ready), "availableReplicas": .int(ready),
                "observedGeneration": .int(observedGeneration),
            ],
        ]
    }

    /// A Pod owned by `owner` (kind, name, uid).
    static func pod(
        _ name: String, uid: String? = nil, owner: (kind: String, name: String, uid: String)? = ("ReplicaSet", "web-abc", "rs-uid"),
        labels: [String: String] = ["app": "web"], node: String = "node-1", phase: String = "Running", ready: Bool = true,
        readySince: Double = 0, created: Double = 0, restarts: Int64 = 0, deleting: Double? = nil, finalizers: [String] = [],
        finishedAt: Double? = nil, annotations: [String: String] = [:]
    ) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": "default", "uid": .string(uid ?? "\(name)-uid"), "creationTimestamp": time(created),
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let owner { metadata["ownerReferences"] = [ownerReference(kind: owner.kind, name: owner.name, uid: owner.uid)] }
        if let deleting { metadata["deletionTimestamp"] = time(deleting) }
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers.map { .string($0) }) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues { .string($0) }) }
        var containerStatus: JSONValue = ["name": "web", "restartCount": .int(restarts)]
        if let finishedAt {
            containerStatus["state"] = [
                "terminated": ["exitCode": .int(phase == "Succeeded" ? 0 : 1), "finishedAt": time(finishedAt)]
            ]
        }
        return [
            "apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
            "spec": node.isEmpty ? ["containers": []] : ["nodeName": .string(node), "containers": []],
            "status": [
                "phase": .string(phase),
                "conditions": [
                    ["type": "Ready", "status": ready ? "True" : "False", "lastTransitionTime": time(readySince)]
                ],
                "containerStatuses": [containerStatus],
            ],
        ]
    }

    static func names(_ references: [ChildReference]) -> [String] { references.map(\.name) }
}
