import KubeAPI

/// One event of a raw watch stream, as the API server sends it.
public struct WatchEvent: Sendable, Equatable {
    /// What happened.
    public enum EventType: String, Sendable, Equatable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        /// Progress: only `metadata.resourceVersion` is meaningful.
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var type: EventType
    public var object: JSONValue

    public init(type: EventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    public var resourceVersion: String? { object[path: ["metadata", "resourceVersion"]]?.stringValue }
}
