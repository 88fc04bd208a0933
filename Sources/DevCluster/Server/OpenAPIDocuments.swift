import KubeAPI

/// OpenAPI v3 documents per group-version, enough for what kubectl does with them:
/// `kubectl explain` reads the schemas, and `kubectl apply`'s default validation checks that
/// each kind's PATCH accepts `fieldValidation`, so that the server validates (strictly) instead.
enum OpenAPIDocuments {
    /// `api/v1`, `apis/G/V` for every served group-version.
    static func groupVersionPaths(_ resources: [ResourceInfo]) -> [String] {
        var seen: [String] = []
        for r in resources {
            let p = r.group.isEmpty ? "api/\(r.version)" : "apis/\(r.group)/\(r.version)"
            if !seen.contains(p) { seen.append(p) }
        }
        return seen
    }

    static func root(_ resources: [ResourceInfo]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for p in groupVersionPaths(resources) {
            let doc = document(p, resources) ?? [:]
            paths[p] = ["serverRelativeURL": .string("/openapi/v3/\(p)?hash=\(hash(doc.serialized()))")]
        }
        return ["paths": .object(paths)]
    }

    /// FNV-1a, hex: a stable content hash so kubectl's cache is refreshed when a CRD changes.
    static func hash(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The schema name prefix for a group, as the real server names them (`dev.trainyard.v1alpha1`).
    static func schemaPrefix(_ r: ResourceInfo) -> String {
        if r.group.isEmpty { return "io.k8s.api.core.\(r.version)" }
        if r.definedBy == nil {
            let short = r.group.replacingOccurrences(of: ".k8s.io", with: "").replacingOccurrences(of: ".", with: "")
            return "io.k8s.api.\(short).\(r.version)"
        }
        return r.group.split(separator: ".").reversed().joined(separator: ".") + ".\(r.version)"
    }

    static func document(_ path: String, _ resources: [ResourceInfo]) -> JSONValue? {
        let inGV = resources.filter { ($0.group.isEmpty ? "api/\($0.version)" : "apis/\($0.group)/\($0.version)") == path }
        if inGV.isEmpty { return nil }
        var paths: [String: JSONValue] = [:]
        var schemas: [String: JSONValue] = ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": objectMetaSchema]
        for r in inGV {
            let gvk: JSONValue = ["group": .string(r.group), "version": .string(r.version), "kind": .string(r.kind)]
            let name = "\(schemaPrefix(r)).\(r.kind)"
            let ref: JSONValue = ["$ref": .string("#/components/schemas/\(name)")]
            let scope = r.namespaced ? "\(r.apiPrefix)/namespaces/{namespace}/\(r.resource)" : "\(r.apiPrefix)/\(r.resource)"
            let item = scope + "/{name}"
            let patchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
            func op(_ action: String, _ params: [String], body: [String]? = nil) -> JSONValue {
                var o: JSONValue = [
                    "operationId": .string(action + r.kind), "x-kubernetes-action": .string(action),
                    "x-kubernetes-group-version-kind": gvk,
                    "parameters": .array(
                        params.map { ["name": .string($0), "in": "query", "schema": ["type": "string", "uniqueItems": true]] }),
                    "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": ref]]]],
                ]
                if let body {
                    var content: [String: JSONValue] = [:]
                    for t in body { content[t] = ["schema": ref] }
                    o["requestBody"] = ["content": .object(content), "required": true]
                }
                return o
            }
            let writeParams = ["dryRun", "fieldManager", "fieldValidation"]
            paths[scope] = [
                "get": op("list", ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"]),
                "post": op("post", writeParams, body: ["application/json"]),
            ]
            paths[item] = [
                "get": op("get", []), "put": op("put", writeParams, body: ["application/json"]),
                "patch": op("patch", writeParams + ["force"], body: patchTypes), "delete": op("delete", ["dryRun"]),
            ]
            if r.hasStatusSubresource {
                paths[item + "/status"] = [
                    "get": op("get", []), "put": op("put", writeParams, body: ["application/json"]),
                    "patch": op("patch", writeParams + ["force"], body: patchTypes),
                ]
            }
            schemas[name] = kindSchema(r, gvk: gvk)
            schemas[name + "List"] = [
                "type": "object", "description": .string("\(r.listKind) is a list of \(r.kind)."),
                "required": ["items"],
                "properties": [
                    "apiVersion": apiVersionSchema, "kind": kindFieldSchema,
                    "items": ["type": "array", "items": ref, "description": .string("List of \(r.resource).")],
                    "metadata": ["type": "object", "description": "Standard list metadata."],
                ],
                "x-kubernetes-group-version-kind": [
                    ["group": .string(r.group), "version": .string(r.version), "kind": .string(r.listKind)]
                ],
            ]
        }
        if path == "api/v1" { addBinding(&paths, &schemas) }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.37.0"],
            "paths": .object(paths), "components": ["schemas": .object(schemas)],
        ]
    }

    /// Binding, which is only ever created: `kubectl create -f binding.yaml` looks for its POST
    /// (and that the POST takes `fieldValidation`) before it sends one.
    static func addBinding(_ paths: inout [String: JSONValue], _ schemas: inout [String: JSONValue]) {
        let name = "io.k8s.api.core.v1.Binding"
        let gvk: JSONValue = ["group": "", "version": "v1", "kind": "Binding"]
        let ref: JSONValue = ["$ref": .string("#/components/schemas/\(name)")]
        let post: JSONValue = [
            "operationId": "createNamespacedBinding", "x-kubernetes-action": "post", "x-kubernetes-group-version-kind": gvk,
            "parameters": .array(
                ["dryRun", "fieldManager", "fieldValidation"].map {
                    ["name": .string($0), "in": "query", "schema": ["type": "string", "uniqueItems": true]]
                }),
            "requestBody": ["content": ["application/json": ["schema": ref]], "required": true],
            "responses": ["201": ["description": "Created", "content": ["application/json": ["schema": ref]]]],
        ]
        paths["/api/v1/namespaces/{namespace}/bindings"] = ["post": post]
        paths["/api/v1/namespaces/{namespace}/pods/{name}/binding"] = ["post": post]
        schemas[name] = [
            "type": "object", "required": ["target"],
            "description":
                "Binding ties one object to another; for example, a pod is bound to a node by a scheduler.",
            "properties": [
                "apiVersion": apiVersionSchema, "kind": kindFieldSchema,
                "metadata": ["allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]]],
                "target": [
                    "type": "object", "description": "The target object that you want to bind to the standard object.",
                    "properties": [
                        "apiVersion": ["type": "string"], "kind": ["type": "string"], "name": ["type": "string"],
                        "namespace": ["type": "string"], "uid": ["type": "string"],
                    ],
                ],
            ],
            "x-kubernetes-group-version-kind": [gvk],
        ]
    }

    static func kindSchema(_ r: ResourceInfo, gvk: JSONValue) -> JSONValue {
        var schema: JSONValue
        if let raw = r.openAPISchema {
            schema = raw
        } else {
            schema = [
                "type": "object",
                "description": .string("\(r.kind) is a built-in kind the dev API server stores without a schema."),
                "properties": [
                    "spec": [
                        "type": "object", "description": .string("Specification of the desired behavior of the \(r.kind)."),
                        "x-kubernetes-preserve-unknown-fields": true,
                    ],
                    "status": [
                        "type": "object", "description": .string("Most recently observed status of the \(r.kind)."),
                        "x-kubernetes-preserve-unknown-fields": true,
                    ],
                ],
            ]
        }
        schema[path: ["properties", "apiVersion"]] = apiVersionSchema
        schema[path: ["properties", "kind"]] = kindFieldSchema
        schema[path: ["properties", "metadata"]] = [
            "description":
                "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
            "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]],
        ]
        schema["x-kubernetes-group-version-kind"] = [gvk]
        return schema
    }

    static let apiVersionSchema: JSONValue = [
        "type": "string",
        "description":
            "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
    ]

    static let kindFieldSchema: JSONValue = [
        "type": "string",
        "description":
            "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
    ]

    static let objectMetaSchema: JSONValue = [
        "type": "object",
        "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
        "properties": [
            "name": ["type": "string", "description": "Name must be unique within a namespace. Cannot be updated."],
            "generateName": [
                "type": "string",
                "description":
                    "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.",
            ],
            "namespace": ["type": "string", "description": "Namespace defines the space within which each name must be unique."],
            "uid": [
                "type": "string",
                "description": "UID is the unique in time and space value for this object. Populated by the system. Read-only.",
            ],
            "resourceVersion": [
                "type": "string",
                "description":
                    "An opaque value that represents the internal version of this object, used for optimistic concurrency and watches. Populated by the system. Read-only.",
            ],
            "generation": [
                "type": "integer", "format": "int64",
                "description":
                    "A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.",
            ],
            "creationTimestamp": [
                "type": "string", "format": "date-time",
                "description": "Time at which this object was created. Populated by the system. Read-only.",
            ],
            "deletionTimestamp": [
                "type": "string", "format": "date-time",
                "description":
                    "Time at which this object will be deleted; set by the server when a graceful deletion is requested. Read-only.",
            ],
            "labels": [
                "type": "object", "additionalProperties": ["type": "string", "default": ""],
                "description": "Map of string keys and values that can be used to organize and categorize (scope and select) objects.",
            ],
            "annotations": [
                "type": "object", "additionalProperties": ["type": "string", "default": ""],
                "description":
                    "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.",
            ],
            "finalizers": [
                "type": "array", "items": ["type": "string", "default": ""],
                "description":
                    "Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.",
            ],
            "ownerReferences": [
                "type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "description":
                    "List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.",
            ],
            "managedFields": [
                "type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "description": "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.",
            ],
        ],
    ]
}
