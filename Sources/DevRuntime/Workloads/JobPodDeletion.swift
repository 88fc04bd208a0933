/// A Pod the Job controller deletes, and how.
public struct JobPodDeletion: Sendable, Equatable {
    public var pod: ChildReference
    /// Remove the `batch.kubernetes.io/job-tracking` finalizer before deleting, so the Pod is not
    /// counted as failed (a suspended Job, a surplus Pod). When false (the Job has failed or
    /// succeeded) the finalizer stays and the plan's status accounts for the Pod.
    public var removeTrackingFinalizerFirst: Bool

    public init(pod: ChildReference, removeTrackingFinalizerFirst: Bool) {
        self.pod = pod
        self.removeTrackingFinalizerFirst = removeTrackingFinalizerFirst
    }
}
