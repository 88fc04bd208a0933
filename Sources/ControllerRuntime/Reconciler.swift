import KubeAPI

/// What a controller does with one object: read the world, make the smallest writes that bring
/// it to the desired state, report, and say when to look again. The manager owns the reconciler,
/// looks the object up in its cache and hands over the current copy; an object that is gone is
/// never handed over (cleanup of external state belongs under a finalizer).
public protocol Reconciler: Sendable {
    associatedtype Resource: KubernetesResource

    func reconcile(_ object: Resource) async throws -> ReconcileAction
}
