/// The built-in kinds the dev server stores without a schema, as a real API server serves them.
enum BuiltinResources {
    static let all: [ResourceInfo] = [
        ResourceInfo(
            group: "", version: "v1", resource: "namespaces", singular: "namespace", kind: "Namespace",
            namespaced: false, shortNames: ["ns"], hasStatusSubresource: true,
            printerColumns: [
                PrinterColumn(name: "Status", type: "string", description: "The namespace's phase.", jsonPath: ".status.phase")
            ]
        ),
        ResourceInfo(
            group: "", version: "v1", resource: "pods", singular: "pod", kind: "Pod", namespaced: true,
            shortNames: ["po"], categories: ["all"], hasStatusSubresource: true, tracksGeneration: true,
            printerColumns: [
                PrinterColumn(name: "Ready", type: "string", description: "Ready containers of all containers.", jsonPath: ".status"),
                PrinterColumn(
                    name: "Status", type: "string",
                    description: "The pod's state as kubectl words it: a container's waiting or terminated reason, else the phase.",
                    jsonPath: ".status.phase"),
                PrinterColumn(
                    name: "Restarts", type: "string", description: "Container restarts, and how long ago the last was.", jsonPath: ".status"
                ),
                PrinterColumn(name: "IP", type: "string", priority: 1, jsonPath: ".status.podIP"),
                PrinterColumn(name: "Node", type: "string", priority: 1, jsonPath: ".spec.nodeName"),
            ]
        ),
        ResourceInfo(
            group: "", version: "v1", resource: "services", singular: "service", kind: "Service", namespaced: true,
            shortNames: ["svc"], categories: ["all"], hasStatusSubresource: true,
            printerColumns: [
                PrinterColumn(name: "Type", type: "string", jsonPath: ".spec.type"),
                PrinterColumn(name: "Cluster-IP", type: "string", jsonPath: ".spec"),
                PrinterColumn(name: "External-IP", type: "string", jsonPath: ".spec"),
                PrinterColumn(name: "Port(s)", type: "string", jsonPath: ".spec"),
                PrinterColumn(name: "Selector", type: "string", priority: 1, jsonPath: ".spec"),
            ]
        ),
        ResourceInfo(
            group: "", version: "v1", resource: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true, shortNames: ["cm"]
        ),
        ResourceInfo(
            group: "", version: "v1", resource: "secrets", singular: "secret", kind: "Secret", namespaced: true,
            printerColumns: [PrinterColumn(name: "Type", type: "string", jsonPath: ".type")]
        ),
        ResourceInfo(
            group: "", version: "v1", resource: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount", namespaced: true,
            shortNames: ["sa"]),
        ResourceInfo(
            group: "", version: "v1", resource: "events", singular: "event", kind: "Event", namespaced: true, shortNames: ["ev"],
            printerColumns: [
                PrinterColumn(name: "Type", type: "string", jsonPath: ".type"),
                PrinterColumn(name: "Reason", type: "string", jsonPath: ".reason"),
                PrinterColumn(name: "Object", type: "string", jsonPath: ".involvedObject.name"),
                PrinterColumn(name: "Message", type: "string", jsonPath: ".message"),
            ]
        ),
        ResourceInfo(
            group: "events.k8s.io", version: "v1", resource: "events", singular: "event", kind: "Event", namespaced: true,
            printerColumns: [
                PrinterColumn(name: "Type", type: "string", jsonPath: ".type"),
                PrinterColumn(name: "Reason", type: "string", jsonPath: ".reason"),
                PrinterColumn(name: "Object", type: "string", jsonPath: ".regarding.name"),
                PrinterColumn(name: "Note", type: "string", jsonPath: ".note"),
            ]
        ),
        ResourceInfo(
            group: "apps", version: "v1", resource: "deployments", singular: "deployment", kind: "Deployment", namespaced: true,
            shortNames: ["deploy"], categories: ["all"], hasStatusSubresource: true, tracksGeneration: true,
            printerColumns: [
                PrinterColumn(name: "Ready", type: "string", description: "Ready replicas of the desired.", jsonPath: ".status"),
                PrinterColumn(name: "Up-to-date", type: "integer", jsonPath: ".status.updatedReplicas"),
                PrinterColumn(name: "Available", type: "integer", jsonPath: ".status.availableReplicas"),
            ] + BuiltinResources.workloadWideColumns
        ),
        ResourceInfo(
            group: "apps", version: "v1", resource: "replicasets", singular: "replicaset", kind: "ReplicaSet", namespaced: true,
            shortNames: ["rs"], categories: ["all"], hasStatusSubresource: true, tracksGeneration: true,
            printerColumns: [
                PrinterColumn(name: "Desired", type: "integer", jsonPath: ".spec.replicas"),
                PrinterColumn(name: "Current", type: "integer", jsonPath: ".status.replicas"),
                PrinterColumn(name: "Ready", type: "integer", jsonPath: ".status.readyReplicas"),
            ] + BuiltinResources.workloadWideColumns
        ),
        ResourceInfo(
            group: "batch", version: "v1", resource: "jobs", singular: "job", kind: "Job", namespaced: true,
            categories: ["all"], hasStatusSubresource: true, tracksGeneration: true,
            printerColumns: [
                PrinterColumn(
                    name: "Status", type: "string", description: "Complete, Failed, Running, Suspended, ...", jsonPath: ".status"),
                PrinterColumn(name: "Completions", type: "string", description: "Succeeded pods of the completions.", jsonPath: ".status"),
                PrinterColumn(name: "Duration", type: "string", description: "How long the job ran.", jsonPath: ".status"),
            ] + BuiltinResources.workloadWideColumns
        ),
        ResourceInfo(
            group: "coordination.k8s.io", version: "v1", resource: "leases", singular: "lease", kind: "Lease", namespaced: true,
            printerColumns: [PrinterColumn(name: "Holder", type: "string", jsonPath: ".spec.holderIdentity")]
        ),
        ResourceInfo(
            group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions",
            singular: "customresourcedefinition", kind: "CustomResourceDefinition", namespaced: false,
            shortNames: ["crd", "crds"], categories: ["api-extensions"], hasStatusSubresource: true, tracksGeneration: true,
            printerColumns: [PrinterColumn(name: "Created At", type: "date", jsonPath: ".metadata.creationTimestamp")]
        ),
    ]

    /// The `-o wide` columns of Deployments, ReplicaSets and Jobs.
    static let workloadWideColumns = [
        PrinterColumn(name: "Containers", type: "string", priority: 1, jsonPath: ".spec"),
        PrinterColumn(name: "Images", type: "string", priority: 1, jsonPath: ".spec"),
        PrinterColumn(name: "Selector", type: "string", priority: 1, jsonPath: ".spec"),
    ]
}
