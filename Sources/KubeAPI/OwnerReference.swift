import Foundation

/// Points from a child object to the object that owns it, so the garbage collector deletes the
/// child with its owner and a controller can find the children it manages (`controller: true`).
public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    /// True on at most one reference: the owner whose controller manages this object.
    public var controller: Bool?
    /// When true, the owner cannot be deleted in the foreground before this object is gone.
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String,
        kind: String,
        name: String,
        uid: String,
        controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}
