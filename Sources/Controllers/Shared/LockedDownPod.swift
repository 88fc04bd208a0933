import KubeAPI
import TrainyardAPI

/// What every workload pod the controllers make shares: locked down (non-root as the image's
/// `nonroot` user, read-only root filesystem, no privilege escalation, no capabilities,
/// RuntimeDefault seccomp, no service-account token), and placed where the resource says.
enum LockedDownPod {
    /// The user the image runs as (distroless `nonroot`).
    static let nonRootUser: Int64 = 65532

    static let containerSecurityContext: JSONValue = [
        "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true, "capabilities": ["drop": ["ALL"]],
    ]

    static let podSecurityContext: JSONValue = [
        "runAsNonRoot": true, "runAsUser": .int(nonRootUser), "runAsGroup": .int(nonRootUser), "fsGroup": .int(nonRootUser),
        "seccompProfile": ["type": "RuntimeDefault"],
    ]

    /// The service account, node selector and tolerations of a resource's spec, on a pod spec.
    static func place(
        _ podSpec: inout [String: JSONValue], serviceAccountName: String?, nodeSelector: [String: String]?, tolerations: [Toleration]?
    ) throws {
        podSpec["securityContext"] = podSecurityContext
        podSpec["automountServiceAccountToken"] = false
        if let serviceAccountName { podSpec["serviceAccountName"] = .string(serviceAccountName) }
        if let nodeSelector, !nodeSelector.isEmpty { podSpec["nodeSelector"] = try JSONValue(encoding: nodeSelector) }
        if let tolerations, !tolerations.isEmpty { podSpec["tolerations"] = try JSONValue(encoding: tolerations) }
    }
}
