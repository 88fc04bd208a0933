import ControllerRuntime
import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// Jobs and their Pods as the dev cluster stores them, for the Job plan tests.
enum JobFixtures {
    typealias F = WorkloadFixtures
    static let tracking = JobPlan.trackingFinalizer

    static func job(
        spec extra: [String: JSONValue] = [:], restartPolicy: String = "Never", status: JSONValue? = nil, generation: Int64 = 1
    ) -> JSONValue {
        var spec: [String: JSONValue] = [
            "template": [
                "metadata": ["labels": ["app": "train"]],
                "spec": ["restartPolicy": .string(restartPolicy), "containers": [["name": "train", "image": "python:3.12"]]],
            ]
        ]
        for (key, value) in extra { spec[key] = value }
        var object: JSONValue = [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["name": "train", "namespace": "default", "uid": "job-uid", "generation": .int(generation)],
            "spec": .object(spec),
        ]
        if let status { object["status"] = status }
        return object
    }

    static func pod(
        _ name: String, phase: String = "Running", ready: Bool = false, finishedAt: Double? = nil, restarts: Int64 = 0,
        deleting: Double? = nil,
        tracked: Bool = true
    ) -> JSONValue {
        F.pod(
            name, owner: ("Job", "train", "job-uid"), labels: ["app": "train"], phase: phase, ready: ready, restarts: restarts,
            deleting: deleting,
            finalizers: tracked ? [tracking] : [], finishedAt: finishedAt)
    }
}
