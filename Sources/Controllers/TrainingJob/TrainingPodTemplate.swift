import Foundation
import KubeAPI
import TrainyardAPI

/// The pod of one attempt of a TrainingJob: the Trainyard image running `trainyard train` into the
/// job's MLflow run, locked down (non-root, read-only root filesystem with emptyDirs for scratch,
/// no privilege escalation, no capabilities, RuntimeDefault seccomp), owned by the job, with data
/// credentials only as references to the job's Secret. A pure function of its inputs: the same
/// attempt always gets the same name and spec, so a restarted controller finds the pod it made.
public enum TrainingPodTemplate {
    /// Labels on every training pod, to find a job's pods.
    public static let jobLabel = "trainyard.dev/training-job"
    public static let attemptLabel = "trainyard.dev/attempt"
    public static let containerName = "trainer"
    /// Environment variables a credentials Secret may provide, passed by reference when present.
    public static let credentialKeys = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL",
        "GOOGLE_APPLICATION_CREDENTIALS_JSON", "HTTP_AUTHORIZATION",
    ]

    /// What the names of a job's pods start with: `<job>-<first 5 characters of its UID>`, so a
    /// job re-created under the same name never meets its predecessor's pods.
    public static func podPrefix(_ job: TrainingJob) -> String {
        let name = job.metadata.name ?? ""
        let uid = (job.metadata.uid ?? "").lowercased().filter { $0.isLetter || $0.isNumber }.prefix(5)
        return uid.isEmpty ? name : "\(name)-\(uid)"
    }

    /// `<prefix>-<attempt>`, shortened with a hash when the prefix is too long for a pod name.
    public static func podName(job: String, attempt: Int) -> String {
        let suffix = "-\(attempt)"
        guard job.utf8.count + suffix.utf8.count > 253 else { return job + suffix }
        return String(job.prefix(253 - suffix.count - 9)) + "-" + shortHash(job) + suffix
    }

    /// A label value (at most 63 characters) for the job name.
    static func labelValue(_ name: String) -> String {
        name.utf8.count <= 63 ? name : String(name.prefix(54)) + "-" + shortHash(name)
    }

    public struct Inputs: Sendable {
        public var job: TrainingJob
        public var attempt: Int
        public var runId: String
        public var trackingURI: String
        /// The image when the job gives none.
        public var defaultImage: String
        /// How long the trainer keeps retrying an unreachable MLflow before it gives up.
        public var trackingTimeoutSeconds: Int
        /// A Secret with MLflow credentials for the pod (see ``TrackingCredentials``).
        public var trackingCredentialsSecret: String?

        public init(
            job: TrainingJob, attempt: Int, runId: String, trackingURI: String, defaultImage: String, trackingTimeoutSeconds: Int,
            trackingCredentialsSecret: String? = nil
        ) {
            self.job = job
            self.attempt = attempt
            self.runId = runId
            self.trackingURI = trackingURI
            self.defaultImage = defaultImage
            self.trackingTimeoutSeconds = trackingTimeoutSeconds
            self.trackingCredentialsSecret = trackingCredentialsSecret
        }
    }

    public static func pod(_ inputs: Inputs) throws -> JSONValue {
        let job = inputs.job
        let spec = job.spec
        let name = job.metadata.name ?? ""
        var args: [String] = [
            "train", "--data", TrainingJobValidation.path(of: spec.data.source), "--target", spec.data.target,
            "--task", spec.task.rawValue, "--model", spec.model.type.rawValue, "--output", "/scratch/model", "--progress", "plain",
            "--tracking-uri", inputs.trackingURI, "--run-id", inputs.runId, "--tracking-retry-seconds",
            String(inputs.trackingTimeoutSeconds),
        ]
        for (key, value) in (spec.model.params ?? [:]).sorted(by: { $0.key < $1.key }) { args += ["--param", "\(key)=\(value)"] }
        if let seed = spec.seed { args += ["--seed", String(seed)] }
        if let fraction = spec.data.validationFraction { args += ["--validation-fraction", String(fraction)] }
        if let features = spec.data.features, !features.isEmpty { args += ["--features", features.joined(separator: ",")] }
        if let drop = spec.data.dropColumns, !drop.isEmpty { args += ["--drop-columns", drop.joined(separator: ",")] }
        if let register = spec.register {
            // The trainer scores the champion on its own validation rows, so promotion compares like with like.
            let promotion = register.promotion
            args += ["--champion", "models:/\(register.modelName)@\(promotion?.alias ?? "champion")"]
            if let metric = promotion?.metric { args += ["--promotion-metric", metric] }
            if let confidence = promotion?.confidence { args += ["--confidence", String(confidence)] }
        }

        var env: [JSONValue] =
            [["name": "TMPDIR", "value": "/tmp"]] + TrackingCredentials.environment(secret: inputs.trackingCredentialsSecret)
        if let secret = spec.data.credentialsSecret {
            for key in credentialKeys {
                env.append([
                    "name": .string(key), "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key), "optional": true]],
                ])
            }
        }
        var container: [String: JSONValue] = [
            "name": .string(containerName), "image": .string(spec.image ?? inputs.defaultImage), "args": .array(args.map { .string($0) }),
            "env": .array(env), "terminationMessagePolicy": "FallbackToLogsOnError",
            "volumeMounts": [["name": "scratch", "mountPath": "/scratch"], ["name": "tmp", "mountPath": "/tmp"]],
            "securityContext": LockedDownPod.containerSecurityContext,
        ]
        if let resources = spec.resources { container["resources"] = try JSONValue(encoding: resources) }

        var podSpec: [String: JSONValue] = [
            "restartPolicy": "Never",
            "containers": [.object(container)],
            "volumes": [["name": "scratch", "emptyDir": [:]], ["name": "tmp", "emptyDir": [:]]],
        ]
        try LockedDownPod.place(
            &podSpec, serviceAccountName: spec.serviceAccountName, nodeSelector: spec.nodeSelector, tolerations: spec.tolerations)

        var labels: [String: JSONValue] = [
            jobLabel: .string(labelValue(name)), attemptLabel: .string(String(inputs.attempt)),
            "app.kubernetes.io/name": "trainyard-trainer", "app.kubernetes.io/managed-by": "trainyard",
        ]
        if let partOf = job.metadata.labels?["app.kubernetes.io/part-of"] { labels["app.kubernetes.io/part-of"] = .string(partOf) }
        let owner: JSONValue = [
            "apiVersion": .string(TrainingJob.groupVersion), "kind": .string(TrainingJob.kind), "name": .string(name),
            "uid": .string(job.metadata.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ]
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string(podName(job: podPrefix(job), attempt: inputs.attempt)),
                "namespace": .string(job.metadata.namespace ?? "default"),
                "labels": .object(labels), "ownerReferences": [owner],
                "annotations": ["trainyard.dev/run-id": .string(inputs.runId)],
            ],
            "spec": .object(podSpec),
        ]
    }

    /// 8 hex digits of FNV-1a: stable across processes, unlike Swift's seeded `Hasher`.
    static func shortHash(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return String(format: "%08x", hash)
    }
}
