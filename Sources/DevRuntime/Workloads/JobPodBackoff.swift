import Foundation

/// How long a Job waits before replacing failed Pods: 10 s after the first failure since the last
/// success, doubling with each further one, at most 10 minutes (`DefaultJobPodFailureBackOff`,
/// `MaxJobPodFailureBackOff`).
///
/// Kubernetes keeps this record in the controller's memory, fed with Pods as it first counts them;
/// here it is derived from the Pods themselves, so it survives restarts of the dev runtime.
enum JobPodBackoff {
    static let initial: TimeInterval = 10
    static let maximum: TimeInterval = 600

    /// Seconds until the next Pod may be created; 0 when it may be created now.
    static func remaining(pods: [ControlledPod], job: JobSpec, journaledFailures: Set<String>, now: Date) -> TimeInterval {
        let countsAsFailure = { (pod: ControlledPod) in
            pod.isFailed
                || (job.isFailed(pod) && (pod.finalizers.contains(JobSpec.trackingFinalizer) || journaledFailures.contains(pod.uid)))
        }
        let lastSuccess = pods.filter(\.isSucceeded).map(\.finishedAt).max()
        let failures = pods.filter(countsAsFailure).map(\.finishedAt).filter { time in lastSuccess.map { time > $0 } ?? true }
        guard let lastFailure = failures.max() else { return 0 }
        var backoff = initial
        for _ in 1..<failures.count {
            backoff *= 2
            if backoff >= maximum {
                backoff = maximum
                break
            }
        }
        let elapsed = now.timeIntervalSince(lastFailure)
        return backoff < elapsed ? 0 : backoff - elapsed
    }
}
