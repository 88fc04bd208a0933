import ControllerRuntime
import KubeAPI
import Synchronization

/// What Kubernetes calls controller expectations: Pod creations and deletions a controller asked for
/// that its informer has not shown yet. Until they show, the controller's cache undercounts (or
/// overcounts) its Pods, and acting on it would create (or delete) too many.
///
/// Creations are counted, raised before the requests go out so a Pod the informer shows before
/// the request returns still counts. Deletions are tracked by UID. A Pod counts as seen when it
/// is added, and as deleted when it gets a deletionTimestamp or disappears. Expectations older than
/// ``timeout`` are dropped, as Kubernetes drops them after five minutes, so a lost event cannot
/// stop a controller for good.
final class PodExpectations: Sendable {
    static let timeout: Duration = .seconds(60)

    private struct Pending {
        var creations = 0
        var deletions: Set<String> = []
        var since: ContinuousClock.Instant
    }

    private let state = Mutex<[ObjectKey: Pending]>([:])

    /// Raises the count of creations `owner` waits to see.
    func expectCreations(_ owner: ObjectKey, count: Int) {
        guard count > 0 else { return }
        state.withLock { state in
            state[owner, default: Pending(since: .now)].creations += count
            state[owner]?.since = .now
        }
    }

    /// A creation request failed: it will never be seen.
    func creationFailed(_ owner: ObjectKey) {
        state.withLock { state in state[owner]?.creations -= 1 }
    }

    func expectDeletions(_ owner: ObjectKey, uids: [String]) {
        guard !uids.isEmpty else { return }
        state.withLock { state in
            state[owner, default: Pending(since: .now)].deletions.formUnion(uids)
            state[owner]?.since = .now
        }
    }

    /// A deletion request failed (or found the Pod gone already, which the informer shows anyway).
    func deletionFailed(_ owner: ObjectKey, uid: String) {
        state.withLock { state in _ = state[owner]?.deletions.remove(uid) }
    }

    /// Whether every write `owner` made has been seen (or has waited longer than ``timeout``).
    func satisfied(_ owner: ObjectKey) -> Bool {
        state.withLock { state in
            guard let pending = state[owner] else { return true }
            if pending.creations <= 0 && pending.deletions.isEmpty || ContinuousClock.now - pending.since > Self.timeout {
                state[owner] = nil
                return true
            }
            return false
        }
    }

    /// The owner is gone: nothing to wait for.
    func forget(_ owner: ObjectKey) {
        state.withLock { state in state[owner] = nil }
    }

    /// An informer handler that lowers the expectations of a Pod's controller (of `ownerKind`).
    func handler(ownerKind: String) -> EventHandler<DynamicObject> {
        let owner = { @Sendable (pod: DynamicObject) in pod.controllerKey(kind: ownerKind) }
        return EventHandler(
            onAdd: { [self] pod in
                guard let key = owner(pod) else { return }
                state.withLock { state in
                    state[key]?.creations -= 1
                    if pod.metadata.deletionTimestamp != nil, let uid = pod.metadata.uid { _ = state[key]?.deletions.remove(uid) }
                }
            },
            onUpdate: { [self] _, pod in
                guard pod.metadata.deletionTimestamp != nil, let key = owner(pod), let uid = pod.metadata.uid else { return }
                state.withLock { state in _ = state[key]?.deletions.remove(uid) }
            },
            onDelete: { [self] pod in
                guard let key = owner(pod), let uid = pod.metadata.uid else { return }
                state.withLock { state in _ = state[key]?.deletions.remove(uid) }
            })
    }
}
