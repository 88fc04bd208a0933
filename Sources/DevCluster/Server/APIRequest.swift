import Foundation
import KubeAPI

/// An HTTP request as the API handler sees it, independent of the HTTP server library.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var accept: String
    var contentType: String
    var userAgent: String
    var body: [UInt8]

    init(
        method: String, path: String, query: [String: String] = [:], accept: String = "application/json",
        contentType: String = "application/json", userAgent: String = "", body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.accept = accept
        self.contentType = contentType
        self.userAgent = userAgent
        self.body = body
    }

    /// The media type without parameters, lower-cased (`application/merge-patch+json`).
    var mediaType: String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// The representation the client asked for in `Accept`.
    enum Representation: Equatable {
        case object
        case table(apiVersion: String)
        case partialMetadata(apiVersion: String)
    }

    var representation: Representation {
        // Accept lists alternatives in preference order; the first we can serve wins.
        for option in accept.split(separator: ",") {
            let params = option.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            var values: [String: String] = [:]
            for p in params.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { values[kv[0]] = kv[1] }
            }
            let type = params.first ?? ""
            guard type == "application/json" || type == "*/*" || type == "application/*" || type.isEmpty else { continue }
            let version = "meta.k8s.io/" + (values["v"] ?? "v1")
            switch values["as"] {
            case "Table": return .table(apiVersion: version)
            case "PartialObjectMetadata", "PartialObjectMetadataList": return .partialMetadata(apiVersion: version)
            case nil: return .object
            default: continue
            }
        }
        return .object
    }

    /// The default field manager: the user agent up to its first `/`, as the real server derives it.
    var defaultFieldManager: String {
        let prefix = userAgent.split(separator: "/").first.map(String.init) ?? ""
        return prefix.isEmpty ? "unknown" : String(prefix.prefix(128))
    }
}

extension APIRequest.Representation {
    /// One object as the client asked for it: itself, its PartialObjectMetadata, or a one-row Table.
    func render(_ object: JSONValue, resource: ResourceInfo, includeObject: String) -> JSONValue {
        switch self {
        case .object:
            return object
        case .partialMetadata(let apiVersion):
            return Self.partialMetadata(object, apiVersion: apiVersion)
        case .table(let apiVersion):
            var converter = TableConverter(resource: resource, now: Date())
            converter.apiVersion = apiVersion
            return converter.table(
                [object], includeObject: includeObject,
                listMetadata: ["resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""])
        }
    }

    static func partialMetadata(_ object: JSONValue, apiVersion: String) -> JSONValue {
        ["kind": "PartialObjectMetadata", "apiVersion": .string(apiVersion), "metadata": object["metadata"] ?? [:]]
    }
}

/// What the handler answers: a JSON document, or a watch stream for the HTTP layer to pump.
enum APIResponse: Sendable {
    case json(status: Int, body: JSONValue, warnings: [String])
    case text(status: Int, body: String)
    case watch(WatchPlan)
}

/// Everything the HTTP layer needs to stream a watch.
struct WatchPlan: Sendable {
    var stream: AsyncStream<WatchMessage>
    var cancel: @Sendable () -> Void
    var requestBookmark: @Sendable () -> Void
    var resource: ResourceInfo
    var representation: APIRequest.Representation
    var includeObject: String
    var bookmarks: Bool
    var bookmarkInterval: Duration
    var timeout: Duration
}
