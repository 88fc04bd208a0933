/// The strategic-merge metadata of the built-in kinds: which lists merge, and by which key.
///
/// This mirrors the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api. Paths are the JSON
/// field names from the object root joined by `.`, with array levels left out, so a container's
/// env list in a Deployment is `spec.template.spec.containers.env`. A list that is not in the
/// table is atomic: a patch replaces it whole (tolerations, envFrom, command, args, ...).
public struct PatchMergeKeys: Sendable, Equatable {
    /// How a list with a merge patch strategy combines with the live list.
    public enum ListStrategy: Sendable, Equatable {
        /// A list of objects merged element by element, matched on this field.
        case mergeByKey(String)
        /// A list of scalars merged as a set, e.g. `metadata.finalizers`.
        case mergeAsSet
    }

    public let lists: [String: ListStrategy]

    public init(lists: [String: ListStrategy]) {
        self.lists = lists
    }

    /// The strategy of the list at `path`, or nil when the list is atomic.
    public func strategy(at path: String) -> ListStrategy? { lists[path] }

    /// The table of a built-in kind, or nil for kinds without one (custom resources).
    public static func forKind(_ kind: String) -> PatchMergeKeys? { tables[kind] }

    // MARK: - Tables

    private static let tables: [String: PatchMergeKeys] = {
        let pod = objectMeta("metadata")
            .merging(podSpec("spec")) { a, _ in a }
            .merging([
                "status.conditions": .mergeByKey("type"),
                "status.podIPs": .mergeByKey("ip"),
                "status.hostIPs": .mergeByKey("ip"),
                "status.resourceClaimStatuses": .mergeByKey("name"),
            ]) { a, _ in a }
        let podTemplateOwner = objectMeta("metadata")
            .merging(podTemplate("spec.template")) { a, _ in a }
            .merging(["status.conditions": .mergeByKey("type")]) { a, _ in a }
        let cronJob = objectMeta("metadata")
            .merging(objectMeta("spec.jobTemplate.metadata")) { a, _ in a }
            .merging(podTemplate("spec.jobTemplate.spec.template")) { a, _ in a }
        let service = objectMeta("metadata").merging([
            "spec.ports": .mergeByKey("port"),
            "status.conditions": .mergeByKey("type"),
        ]) { a, _ in a }
        let namespace = objectMeta("metadata").merging(["status.conditions": .mergeByKey("type")]) { a, _ in a }
        let serviceAccount = objectMeta("metadata").merging(["secrets": .mergeByKey("name")]) { a, _ in a }
        let metadataOnly = objectMeta("metadata")
        let table: [String: [String: ListStrategy]] = [
            "Pod": pod,
            "Deployment": podTemplateOwner,
            "ReplicaSet": podTemplateOwner,
            "Job": podTemplateOwner,
            "DaemonSet": podTemplateOwner,
            "StatefulSet": podTemplateOwner,
            "CronJob": cronJob,
            "Service": service,
            "Namespace": namespace,
            "ServiceAccount": serviceAccount,
            "ConfigMap": metadataOnly,
            "Secret": metadataOnly,
            "Event": metadataOnly,
            "Lease": metadataOnly,
        ]
        return table.mapValues(PatchMergeKeys.init(lists:))
    }()

    private static func objectMeta(_ prefix: String) -> [String: ListStrategy] {
        [
            "\(prefix).finalizers": .mergeAsSet,
            "\(prefix).ownerReferences": .mergeByKey("uid"),
        ]
    }

    private static func podTemplate(_ prefix: String) -> [String: ListStrategy] {
        objectMeta("\(prefix).metadata").merging(podSpec("\(prefix).spec")) { a, _ in a }
    }

    private static func podSpec(_ prefix: String) -> [String: ListStrategy] {
        var lists: [String: ListStrategy] = [
            "\(prefix).volumes": .mergeByKey("name"),
            "\(prefix).imagePullSecrets": .mergeByKey("name"),
            "\(prefix).hostAliases": .mergeByKey("ip"),
            "\(prefix).topologySpreadConstraints": .mergeByKey("topologyKey"),
            "\(prefix).resourceClaims": .mergeByKey("name"),
            "\(prefix).schedulingGates": .mergeByKey("name"),
        ]
        for containers in ["containers", "initContainers", "ephemeralContainers"] {
            let path = "\(prefix).\(containers)"
            lists[path] = .mergeByKey("name")
            lists["\(path).ports"] = .mergeByKey("containerPort")
            lists["\(path).env"] = .mergeByKey("name")
            lists["\(path).volumeMounts"] = .mergeByKey("mountPath")
            lists["\(path).volumeDevices"] = .mergeByKey("devicePath")
        }
        return lists
    }
}
