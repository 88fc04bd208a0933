import KubeAPI

/// One change to a stored object, kept in the watch history and written to the journal.
public struct WatchEventRecord: Sendable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    public var type: EventType
    /// Storage key of the resource (`group/resource`).
    public var resource: String
    public var namespace: String
    /// The object after the change (for DELETED, the last state with the deletion's resourceVersion).
    public var object: JSONValue
    /// The object before the change, so a selector-filtered watch can turn a MODIFIED that leaves
    /// or enters the selection into DELETED or ADDED, as the real watch cache does.
    public var previous: JSONValue?
    public var resourceVersion: Int64

    public init(type: EventType, resource: String, namespace: String, object: JSONValue, previous: JSONValue?, resourceVersion: Int64) {
        self.type = type
        self.resource = resource
        self.namespace = namespace
        self.object = object
        self.previous = previous
        self.resourceVersion = resourceVersion
    }
}

/// A message on a watch stream: an event, a bookmark, or the end of the stream.
enum WatchMessage: Sendable {
    case event(type: String, object: JSONValue)
    /// Every event up to `resourceVersion` has been sent before this; `initialEventsEnd` marks the
    /// end of a streaming list's initial events.
    case bookmark(resourceVersion: Int64, initialEventsEnd: Bool)
    case end
}
