/// What a request URL addresses, parsed the way the real server's RequestInfoFactory does.
struct RequestInfo: Equatable, Sendable {
    enum Target: Equatable, Sendable {
        /// `/api`, `/apis`, `/apis/G`, `/api/v1`, `/apis/G/V`: discovery documents.
        case discovery(group: String?, version: String?, legacy: Bool)
        case openAPIRoot
        case openAPIGroupVersion(String)
        case version
        case health(String)
        /// A resource collection, object or subresource.
        case resource(group: String, version: String, resource: String, namespace: String?, name: String?, subresource: String?)
        case unknown
    }

    var target: Target
    /// `/api/v1/watch/...` legacy watch paths.
    var legacyWatch = false

    static func parse(path: String) -> RequestInfo {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = segments.first else { return RequestInfo(target: .unknown) }
        switch first {
        case "version": return RequestInfo(target: segments.count == 1 ? .version : .unknown)
        case "healthz", "livez", "readyz": return RequestInfo(target: .health(first))
        case "openapi":
            if segments.count == 2 && segments[1] == "v3" { return RequestInfo(target: .openAPIRoot) }
            if segments.count > 2 && segments[1] == "v3" {
                return RequestInfo(target: .openAPIGroupVersion(segments[2...].joined(separator: "/")))
            }
            return RequestInfo(target: .unknown)
        case "api":
            if segments.count == 1 { return RequestInfo(target: .discovery(group: nil, version: nil, legacy: true)) }
            if segments.count == 2 { return RequestInfo(target: .discovery(group: "", version: segments[1], legacy: true)) }
            return resourcePath(group: "", version: segments[1], rest: Array(segments[2...]))
        case "apis":
            if segments.count == 1 { return RequestInfo(target: .discovery(group: nil, version: nil, legacy: false)) }
            if segments.count == 2 { return RequestInfo(target: .discovery(group: segments[1], version: nil, legacy: false)) }
            if segments.count == 3 { return RequestInfo(target: .discovery(group: segments[1], version: segments[2], legacy: false)) }
            return resourcePath(group: segments[1], version: segments[2], rest: Array(segments[3...]))
        default:
            return RequestInfo(target: .unknown)
        }
    }

    private static func resourcePath(group: String, version: String, rest: [String]) -> RequestInfo {
        var rest = rest
        var watch = false
        if rest.first == "watch" {
            watch = true
            rest.removeFirst()
        }
        var namespace: String?
        // `namespaces/X/...` scopes what follows to namespace X, except the namespace's own
        // subresources (status, finalize) in the core group.
        if rest.count >= 3, rest[0] == "namespaces", !(group.isEmpty && rest.count == 3 && ["status", "finalize"].contains(rest[2])) {
            namespace = rest[1]
            rest.removeFirst(2)
        }
        guard !rest.isEmpty, rest.count <= 3 else { return RequestInfo(target: .unknown) }
        let target = Target.resource(
            group: group, version: version, resource: rest[0], namespace: namespace,
            name: rest.count > 1 ? rest[1] : nil, subresource: rest.count > 2 ? rest[2] : nil)
        return RequestInfo(target: target, legacyWatch: watch)
    }

    /// Parses a URL query like Go's url.ParseQuery: `+` is a space, `%XX` escapes, last value wins.
    static func parseQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = unescape(String(parts[0]))
            let value = parts.count > 1 ? unescape(String(parts[1])) : ""
            result[key] = value
        }
        return result
    }

    static func unescape(_ s: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%"), utf8.count >= 2,
                let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
