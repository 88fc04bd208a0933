import Testing

@testable import DevCluster

@Suite struct RequestInfoTests {
    typealias Target = RequestInfo.Target

    static let paths: [(String, Target, Bool)] = [
        // Discovery, version, health, OpenAPI.
        ("/api", .discovery(group: nil, version: nil, legacy: true), false),
        ("/api/v1", .discovery(group: "", version: "v1", legacy: true), false),
        ("/apis", .discovery(group: nil, version: nil, legacy: false), false),
        ("/apis/apps", .discovery(group: "apps", version: nil, legacy: false), false),
        ("/apis/apps/v1/", .discovery(group: "apps", version: "v1", legacy: false), false),
        ("/version", .version, false),
        ("/version/extra", .unknown, false),
        ("/healthz", .health("healthz"), false),
        ("/readyz", .health("readyz"), false),
        ("/openapi/v3", .openAPIRoot, false),
        ("/openapi/v3/apis/trainyard.dev/v1alpha1", .openAPIGroupVersion("apis/trainyard.dev/v1alpha1"), false),
        ("/openapi/v2", .unknown, false),
        // Core group: cluster-scoped and namespaced collections, objects, subresources.
        (
            "/api/v1/namespaces", .resource(group: "", version: "v1", resource: "namespaces", namespace: nil, name: nil, subresource: nil),
            false
        ),
        (
            "/api/v1/namespaces/default",
            .resource(group: "", version: "v1", resource: "namespaces", namespace: nil, name: "default", subresource: nil), false
        ),
        (
            "/api/v1/namespaces/team/status",
            .resource(group: "", version: "v1", resource: "namespaces", namespace: nil, name: "team", subresource: "status"), false
        ),
        (
            "/api/v1/namespaces/team/finalize",
            .resource(group: "", version: "v1", resource: "namespaces", namespace: nil, name: "team", subresource: "finalize"), false
        ),
        (
            "/api/v1/namespaces/team/pods",
            .resource(group: "", version: "v1", resource: "pods", namespace: "team", name: nil, subresource: nil), false
        ),
        (
            "/api/v1/namespaces/team/pods/web-0",
            .resource(group: "", version: "v1", resource: "pods", namespace: "team", name: "web-0", subresource: nil), false
        ),
        (
            "/api/v1/namespaces/team/pods/web-0/status",
            .resource(group: "", version: "v1", resource: "pods", namespace: "team", name: "web-0", subresource: "status"), false
        ),
        ("/api/v1/pods", .resource(group: "", version: "v1", resource: "pods", namespace: nil, name: nil, subresource: nil), false),
        // Named groups.
        (
            "/apis/trainyard.dev/v1alpha1/namespaces/ml/trainingjobs",
            .resource(group: "trainyard.dev", version: "v1alpha1", resource: "trainingjobs", namespace: "ml", name: nil, subresource: nil),
            false
        ),
        (
            "/apis/trainyard.dev/v1alpha1/namespaces/ml/trainingjobs/tj/status",
            .resource(
                group: "trainyard.dev", version: "v1alpha1", resource: "trainingjobs", namespace: "ml", name: "tj", subresource: "status"),
            false
        ),
        (
            "/apis/trainyard.dev/v1alpha1/trainingjobs",
            .resource(group: "trainyard.dev", version: "v1alpha1", resource: "trainingjobs", namespace: nil, name: nil, subresource: nil),
            false
        ),
        (
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/trainingjobs.trainyard.dev",
            .resource(
                group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions", namespace: nil,
                name: "trainingjobs.trainyard.dev", subresource: nil), false
        ),
        // Legacy watch paths.
        (
            "/api/v1/watch/namespaces/team/pods",
            .resource(group: "", version: "v1", resource: "pods", namespace: "team", name: nil, subresource: nil), true
        ),
        (
            "/api/v1/watch/namespaces/team/pods/web-0",
            .resource(group: "", version: "v1", resource: "pods", namespace: "team", name: "web-0", subresource: nil), true
        ),
        (
            "/api/v1/watch/namespaces",
            .resource(group: "", version: "v1", resource: "namespaces", namespace: nil, name: nil, subresource: nil), true
        ),
        (
            "/apis/apps/v1/watch/deployments",
            .resource(group: "apps", version: "v1", resource: "deployments", namespace: nil, name: nil, subresource: nil), true
        ),
        // Unknown and malformed paths.
        ("/", .unknown, false),
        ("", .unknown, false),
        ("/metrics", .unknown, false),
        ("/api/v1/namespaces/team/pods/web-0/status/extra", .unknown, false),
        ("/apis/apps/v1/watch", .unknown, false),
    ]

    @Test(arguments: paths)
    func parsesPath(_ path: String, _ target: Target, _ legacyWatch: Bool) {
        let info = RequestInfo.parse(path: path)
        #expect(info.target == target, "\(path)")
        #expect(info.legacyWatch == legacyWatch, "\(path)")
    }

    static let queries: [(String, [String: String])] = [
        ("", [:]),
        ("watch=true", ["watch": "true"]),
        ("labelSelector=app+in+(a,b)&limit=500", ["labelSelector": "app in (a,b)", "limit": "500"]),
        ("labelSelector=app%3Dweb%2Ctier%21%3Dcache", ["labelSelector": "app=web,tier!=cache"]),
        ("fieldSelector=metadata.name%3D%3Dx", ["fieldSelector": "metadata.name==x"]),
        ("a=1&a=2", ["a": "2"]),
        ("flag", ["flag": ""]),
        ("k=v=w", ["k": "v=w"]),
        ("&&x=1&", ["x": "1"]),
        ("q=%E2%9C%93", ["q": "✓"]),
        // Malformed escapes pass through as written rather than dropping the parameter.
        ("bad=%ZZ%4", ["bad": "%ZZ%4"]),
        ("plus=%2B", ["plus": "+"]),
        ("sp%20ace=1", ["sp ace": "1"]),
    ]

    @Test(arguments: queries)
    func parsesQuery(_ query: String, _ expected: [String: String]) {
        #expect(RequestInfo.parseQuery(query) == expected, "\(query)")
    }
}
