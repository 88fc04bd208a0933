import Foundation
import KubeAPI

/// A non-indexed `batch/v1` Job as its controller reads it, with the API defaults the dev cluster
/// does not apply: completions and parallelism 1 when both are unset (completions stays unset, a
/// work queue, when only parallelism is given), backoffLimit 6, podReplacementPolicy
/// TerminatingOrFailed.
struct JobSpec: Sendable {
    static let trackingFinalizer = "batch.kubernetes.io/job-tracking"

    let object: JSONValue
    let name: String
    let namespace: String?
    let uid: String
    let deleting: Bool
    let completions: Int?
    let parallelism: Int
    let backoffLimit: Int
    let activeDeadlineSeconds: Int?
    let ttlSecondsAfterFinished: Int?
    let suspended: Bool
    /// `podReplacementPolicy: Failed`: a Pod being deleted is replaced only once it has failed.
    let replaceOnlyFailedPods: Bool
    let restartPolicy: String
    let template: JSONValue
    let status: JSONValue

    init(_ object: JSONValue) throws(WorkloadSpecError) {
        self.object = object
        let metadata = object["metadata"]
        guard let name = metadata?["name"]?.stringValue else { throw .missing("metadata.name") }
        guard let uid = metadata?["uid"]?.stringValue else { throw .missing("metadata.uid") }
        self.name = name
        self.uid = uid
        namespace = metadata?["namespace"]?.stringValue
        deleting = metadata?["deletionTimestamp"] != nil

        let spec = object["spec"]
        let mode = spec?["completionMode"]?.stringValue ?? "NonIndexed"
        guard mode == "NonIndexed" else {
            throw .unsupported("spec.completionMode", value: mode, supported: ["NonIndexed"])
        }
        for field in ["podFailurePolicy", "successPolicy", "backoffLimitPerIndex"]
        where spec?[field].flatMap(WorkloadJSON.normalized) != nil {
            throw .invalid("spec.\(field)", "is not supported by the dev runtime; remove it")
        }
        if let managedBy = spec?["managedBy"]?.stringValue, managedBy != "kubernetes.io/job-controller" {
            throw .invalid("spec.managedBy", "\"\(managedBy)\": the dev runtime only runs Jobs managed by \"kubernetes.io/job-controller\"")
        }
        let completions = WorkloadJSON.int(spec?["completions"])
        let parallelism = WorkloadJSON.int(spec?["parallelism"])
        self.completions = completions ?? (parallelism == nil ? 1 : nil)
        self.parallelism = parallelism ?? 1
        backoffLimit = WorkloadJSON.int(spec?["backoffLimit"]) ?? 6
        for (field, value) in [("completions", self.completions ?? 0), ("parallelism", self.parallelism), ("backoffLimit", backoffLimit)]
        where value < 0 {
            throw .invalid("spec.\(field)", "must be greater than or equal to 0, got \(value)")
        }
        activeDeadlineSeconds = WorkloadJSON.int(spec?["activeDeadlineSeconds"])
        ttlSecondsAfterFinished = WorkloadJSON.int(spec?["ttlSecondsAfterFinished"])
        suspended = spec?["suspend"]?.boolValue ?? false
        replaceOnlyFailedPods = spec?["podReplacementPolicy"]?.stringValue == "Failed"

        guard let template = spec?["template"], template.objectValue != nil else { throw .missing("spec.template") }
        self.template = template
        let restartPolicy = template[path: ["spec", "restartPolicy"]]?.stringValue ?? "Always"
        guard restartPolicy == "Never" || restartPolicy == "OnFailure" else {
            throw .unsupported("spec.template.spec.restartPolicy", value: restartPolicy, supported: ["OnFailure", "Never"])
        }
        self.restartPolicy = restartPolicy
        status = object["status"] ?? .object([:])
    }

    var conditions: [JSONValue] { status["conditions"]?.arrayValue ?? [] }

    func statusCount(_ key: String) -> Int { WorkloadJSON.int(status[key]) ?? 0 }

    /// `isPodFailed`: failed, or (unless only failed Pods are replaced) deleted before it succeeded.
    func isFailed(_ pod: ControlledPod) -> Bool {
        if pod.isFailed { return true }
        if replaceOnlyFailedPods { return false }
        return pod.deletionTimestamp != nil && !pod.isSucceeded
    }
}
