import Foundation
import KubeAPI
import TrainyardAPI

/// The children of a ModelDeployment: a Deployment whose pods run `trainyard serve` on one pinned
/// model version (so changing the version is a template change Kubernetes rolls, with
/// `maxUnavailable: 0`: the old version serves until new pods are ready), and a Service on
/// `spec.port`. Pods are locked down as training pods are. Pure: the same inputs give the same
/// objects, and a re-reconcile that finds them in place writes nothing.
public enum ModelServerTemplate {
    /// Label on the Deployment, its pods and the Service selector.
    public static let deploymentLabel = "trainyard.dev/model-deployment"
    public static let versionLabel = "trainyard.dev/model-version"
    public static let containerName = "server"
    /// The port the server listens on inside the pod (the Service maps `spec.port` to it).
    public static let containerPort = 8080
    public static let defaultPort = 8080

    public struct Inputs: Sendable {
        public var deployment: ModelDeployment
        public var version: Int
        public var runId: String?
        public var trackingURI: String
        public var defaultImage: String
        public var trackingCredentialsSecret: String?
        public var drainSeconds: Int

        public init(
            deployment: ModelDeployment, version: Int, runId: String?, trackingURI: String, defaultImage: String,
            trackingCredentialsSecret: String? = nil, drainSeconds: Int = 5
        ) {
            self.trackingCredentialsSecret = trackingCredentialsSecret
            self.drainSeconds = drainSeconds
            self.deployment = deployment
            self.version = version
            self.runId = runId
            self.trackingURI = trackingURI
            self.defaultImage = defaultImage
        }
    }

    /// The name of both children: the ModelDeployment's own.
    public static func childName(_ md: ModelDeployment) -> String { md.metadata.name ?? "" }

    static func selector(_ md: ModelDeployment) -> [String: JSONValue] {
        [deploymentLabel: .string(TrainingPodTemplate.labelValue(childName(md)))]
    }

    /// The label selector of the server pods, as text (`status.selector`, for the scale subresource).
    public static func selectorText(_ md: ModelDeployment) -> String {
        "\(deploymentLabel)=\(TrainingPodTemplate.labelValue(childName(md)))"
    }

    static func owner(_ md: ModelDeployment) -> JSONValue {
        [
            "apiVersion": .string(ModelDeployment.groupVersion), "kind": .string(ModelDeployment.kind), "name": .string(childName(md)),
            "uid": .string(md.metadata.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ]
    }

    static func labels(_ md: ModelDeployment) -> [String: JSONValue] {
        var labels = selector(md)
        labels["app.kubernetes.io/name"] = "trainyard-server"
        labels["app.kubernetes.io/managed-by"] = "trainyard"
        if let partOf = md.metadata.labels?["app.kubernetes.io/part-of"] { labels["app.kubernetes.io/part-of"] = .string(partOf) }
        return labels
    }

    public static func deployment(_ inputs: Inputs) throws -> JSONValue {
        let md = inputs.deployment
        let spec = md.spec
        let model = "models:/\(spec.model.name)/\(inputs.version)"
        let args: [String] = [
            "serve", "--model", model, "--name", spec.model.name, "--tracking-uri", inputs.trackingURI, "--log-format", "json",
            "--drain-seconds", String(inputs.drainSeconds),
        ]
        let probe: (String, Int) -> JSONValue = { path, period in
            [
                "httpGet": ["path": .string(path), "port": "http"], "periodSeconds": .int(Int64(period)), "timeoutSeconds": 2,
                "failureThreshold": 3,
            ]
        }
        var container: [String: JSONValue] = [
            "name": .string(containerName), "image": .string(spec.image ?? inputs.defaultImage), "args": .array(args.map { .string($0) }),
            "ports": [["name": "http", "containerPort": .int(Int64(containerPort)), "protocol": "TCP"]],
            "env": .array(
                [["name": "TMPDIR", "value": "/tmp"], ["name": "TRAINYARD_MODEL_CACHE", "value": "/cache"]]
                    + TrackingCredentials.environment(secret: inputs.trackingCredentialsSecret)),
            "readinessProbe": probe("/v2/health/ready", 2), "livenessProbe": probe("/v2/health/live", 10),
            "terminationMessagePolicy": "FallbackToLogsOnError",
            "volumeMounts": [["name": "tmp", "mountPath": "/tmp"], ["name": "model-cache", "mountPath": "/cache"]],
            "securityContext": LockedDownPod.containerSecurityContext,
        ]
        if let resources = spec.resources { container["resources"] = try JSONValue(encoding: resources) }
        var podSpec: [String: JSONValue] = [
            "containers": [.object(container)],
            "volumes": [["name": "tmp", "emptyDir": [:]], ["name": "model-cache", "emptyDir": [:]]],
        ]
        try LockedDownPod.place(
            &podSpec, serviceAccountName: spec.serviceAccountName, nodeSelector: spec.nodeSelector, tolerations: spec.tolerations)
        var podLabels = labels(md)
        podLabels[versionLabel] = .string(String(inputs.version))
        var podAnnotations: [String: JSONValue] = ["trainyard.dev/model": .string(model)]
        if let runId = inputs.runId { podAnnotations["trainyard.dev/run-id"] = .string(runId) }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": .string(childName(md)), "namespace": .string(md.metadata.namespace ?? "default"), "labels": .object(labels(md)),
                "ownerReferences": [owner(md)],
            ],
            "spec": [
                "replicas": .int(Int64(spec.replicas ?? 1)),
                "selector": ["matchLabels": .object(selector(md))],
                "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 0, "maxSurge": 1]],
                "template": [
                    "metadata": ["labels": .object(podLabels), "annotations": .object(podAnnotations)],
                    "spec": .object(podSpec),
                ],
            ],
        ]
    }

    public static func service(_ md: ModelDeployment) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Service",
            "metadata": [
                "name": .string(childName(md)), "namespace": .string(md.metadata.namespace ?? "default"), "labels": .object(labels(md)),
                "ownerReferences": [owner(md)],
            ],
            "spec": [
                "type": "ClusterIP", "selector": .object(selector(md)),
                "ports": [["name": "http", "port": .int(Int64(md.spec.port ?? defaultPort)), "targetPort": "http", "protocol": "TCP"]],
            ],
        ]
    }

    /// Whether `existing` (as cached) already holds everything `desired` sets: applying it would
    /// change nothing. Fields only the server or others set are ignored; a hand edit to a field
    /// the controller owns is not.
    static func isCurrent(_ existing: JSONValue?, desired: JSONValue) -> Bool {
        guard let existing else { return false }
        return contains(existing, desired)
    }

    static func contains(_ existing: JSONValue, _ desired: JSONValue) -> Bool {
        switch (existing, desired) {
        case (.object(let have), .object(let want)):
            return want.allSatisfy { key, value in have[key].map { contains($0, value) } ?? false }
        case (.array(let have), .array(let want)):
            return have.count == want.count && zip(have, want).allSatisfy { contains($0, $1) }
        default:
            return existing.semanticallyEquals(desired)
        }
    }
}
