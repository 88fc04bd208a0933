import KubeAPI
import KubeClient

/// Registers a controller the way controller-runtime's builder does, so a registration reads as a
/// sentence: `manager.controller(for: TrainingJob.self).owns(.pods).complete(reconciler)`.
/// The primary type's informer feeds the work queue with each object's key; each owned type's
/// informer feeds it with the key of its controller owner of the primary kind.
public struct ControllerBuilder<Resource: KubernetesResource> {
    let manager: Manager
    let name: String
    var owned: [@Sendable (Controller) -> Void] = []
    var backoff: Backoff?

    init(manager: Manager, name: String) {
        self.manager = manager
        self.name = name
    }

    /// Children of a built-in or dynamic type (read as `DynamicObject`): a change to one
    /// reconciles its owner.
    public func owns(_ resource: ResourceType) -> Self {
        owns(manager.informer(DynamicObject.self, resource: resource))
    }

    /// Children of a typed resource.
    public func owns<Child: KubernetesResource>(_: Child.Type) -> Self {
        owns(manager.informer(Child.self))
    }

    private func owns<Child>(_ informer: Informer<Child>) -> Self {
        var builder = self
        let kind = Resource.resourceType.kind
        builder.owned.append { $0.watchOwned(informer, ownerKind: kind) }
        return builder
    }

    /// Objects of another type that are not children: a change to one reconciles the primary
    /// objects `map` names (controller-runtime's `Watches` with a map function).
    public func watches<Other: KubernetesResource>(_: Other.Type, map: @escaping @Sendable (Other) -> [ObjectKey]) -> Self {
        var builder = self
        let informer = manager.informer(Other.self)
        builder.owned.append { $0.watch(informer, map: map) }
        return builder
    }

    /// The per-key back-off after a failed reconcile (exponential; the work queue's default otherwise).
    public func backoff(_ backoff: Backoff) -> Self {
        var builder = self
        builder.backoff = backoff
        return builder
    }

    /// Adds the controller to the manager, which keeps `reconciler` for as long as it runs.
    @discardableResult
    public func complete<R: Reconciler>(_ reconciler: R) -> Controller where R.Resource == Resource {
        let informer = manager.informer(Resource.self)
        let store = informer.store
        let controller = Controller(
            name: name, workers: manager.configuration.workers, backoff: backoff, metrics: manager.metrics, logger: manager.logger
        ) { key in
            guard let object = store.get(key) else { return .awaitChange }
            return try await reconciler.reconcile(object)
        }
        controller.watchPrimary(informer)
        for watch in owned { watch(controller) }
        manager.add(controller)
        return controller
    }
}

extension Manager {
    /// Starts registering a controller for `Resource` (named after its kind, lower-cased, unless named).
    public func controller<Resource: KubernetesResource>(for _: Resource.Type, name: String? = nil) -> ControllerBuilder<Resource> {
        ControllerBuilder(manager: self, name: name ?? Resource.resourceType.kind.lowercased())
    }
}
