import KubeAPI

/// How workload pods get MLflow credentials: from a Secret the operator names
/// (`--tracking-credentials-secret`), in the pod's namespace, by reference, each key optional, so
/// the controller never reads the Secret and a pod of a namespace without it still starts.
public enum TrackingCredentials {
    /// The keys MLflow's clients read, which the Secret may hold.
    public static let keys = ["MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"]

    /// Environment entries referencing `secret`'s keys; none without a Secret.
    public static func environment(secret: String?) -> [JSONValue] {
        guard let secret, !secret.isEmpty else { return [] }
        return keys.map { key in
            ["name": .string(key), "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key), "optional": true]]]
        }
    }
}
