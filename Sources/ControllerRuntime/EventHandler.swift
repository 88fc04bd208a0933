import KubeAPI

/// Callbacks an informer makes as its cache changes. They run on the informer's task, in order,
/// so they must be quick: controllers only enqueue keys here.
public struct EventHandler<Object: KubernetesObject>: Sendable {
    public var onAdd: @Sendable (Object) -> Void
    public var onUpdate: @Sendable (_ old: Object, _ new: Object) -> Void
    public var onDelete: @Sendable (Object) -> Void

    public init(
        onAdd: @escaping @Sendable (Object) -> Void = { _ in },
        onUpdate: @escaping @Sendable (Object, Object) -> Void = { _, _ in },
        onDelete: @escaping @Sendable (Object) -> Void = { _ in }
    ) {
        self.onAdd = onAdd
        self.onUpdate = onUpdate
        self.onDelete = onDelete
    }

    /// One handler that calls `enqueue` with the keys `map` derives from any changed object.
    public static func mapping(_ map: @escaping @Sendable (Object) -> [ObjectKey], to enqueue: @escaping @Sendable (ObjectKey) -> Void)
        -> EventHandler
    {
        EventHandler(
            onAdd: { map($0).forEach(enqueue) },
            onUpdate: { old, new in
                var keys = Set(map(new))
                keys.formUnion(map(old))
                keys.forEach(enqueue)
            },
            onDelete: { map($0).forEach(enqueue) })
    }
}
