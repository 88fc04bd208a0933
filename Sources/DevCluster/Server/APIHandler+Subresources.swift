import Foundation
import KubeAPI

/// The subresources a pod runtime and `kubectl scale` need: `pods/binding` (and the `bindings`
/// collection) and `/scale` of workloads and of custom resources that declare it. Pod logs are in
/// `APIHandler+PodLogs.swift`.
extension APIHandler {
    /// `POST pods/{name}/binding` or `POST bindings`: 201 with a Success Status, as the real server answers.
    func binding(_ request: APIRequest, namespace: String, podName: String?) throws(APIError) -> APIResponse {
        guard request.method == "POST" else { throw .methodNotAllowed(request.method) }
        let body = try decodeBody(request)
        let options = try writeOptions(request)
        try store.withState { (s: inout ClusterState) throws(APIError) in
            try s.bind(namespace: namespace, podName: podName, binding: body, dryRun: options.dryRun)
        }
        return .json(
            status: 201, body: ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201], warnings: [])
    }

    /// `GET`, `PUT` and `PATCH` of `<resource>/{name}/scale`.
    func scale(_ request: APIRequest, _ r: ResourceInfo, namespace: String, name: String) throws(APIError) -> APIResponse {
        switch request.method {
        case "GET":
            guard let parent = store.read({ $0.get(r, namespace: namespace, name: name) }) else { throw .notFound(r, name: name) }
            return .json(status: 200, body: representScale(request, try ScaleSubresource.read(parent, r)), warnings: [])
        case "PUT":
            let body = try decodeBody(request)
            let options = try writeOptions(request)
            let result = try store.withState { (s: inout ClusterState) throws(APIError) in
                try s.updateScale(r, namespace: namespace, name: name, scale: body, options: options)
            }
            return .json(status: 200, body: representScale(request, result.object), warnings: result.warnings)
        case "PATCH":
            let options = try writeOptions(request)
            let result = try store.withState { (s: inout ClusterState) throws(APIError) in
                try s.patchScale(
                    r, namespace: namespace, name: name, contentType: request.mediaType, body: request.body, options: options)
            }
            return .json(status: 200, body: representScale(request, result.object), warnings: result.warnings)
        default:
            throw .methodNotAllowed(request.method)
        }
    }

    /// A Scale as the client asked for it; as a Table it has the real server's columns for Scale
    /// (Name, Desired, Available, Age), which `kubectl get --subresource=scale` prints.
    private func representScale(_ request: APIRequest, _ scale: JSONValue) -> JSONValue {
        var shown = scale
        // autoscaling/v1 leaves out spec.replicas at 0; the Desired column still shows 0.
        if case .table = request.representation, shown[path: ["spec", "replicas"]] == nil { shown[path: ["spec", "replicas"]] = 0 }
        return request.representation.render(
            shown, resource: Self.scaleResource, includeObject: request.query["includeObject"] ?? "Metadata")
    }

    /// Scale as a kind, for its table columns.
    static let scaleResource = ResourceInfo(
        group: "autoscaling", version: "v1", resource: "scale", singular: "scale", kind: "Scale", namespaced: true,
        printerColumns: [
            PrinterColumn(
                name: "Desired", type: "integer", description: "replicas is the desired number of instances for the scaled object.",
                jsonPath: ".spec.replicas"),
            PrinterColumn(
                name: "Available", type: "integer",
                description: "replicas is the actual number of observed instances of the scaled object.",
                jsonPath: ".status.replicas"),
        ])
}
