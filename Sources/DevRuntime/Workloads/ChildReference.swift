/// Names one object a plan acts on (a Pod or a ReplicaSet) by name and UID, so the caller can delete
/// or patch it with a UID precondition and never touch a newer object that reuses the name.
public struct ChildReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var name: String
    public var uid: String

    public init(name: String, uid: String) {
        self.name = name
        self.uid = uid
    }

    public var description: String { "\(name) (\(uid))" }
}
