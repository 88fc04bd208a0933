import ControllerRuntime
import Foundation
import KubeAPI
import TrainyardAPI

/// Where the attempts of a TrainingJob stand, decided from the job's status and its pods without
/// I/O: start the first attempt, wait for the current one, record its success, or after a failure
/// start the next attempt once its back-off has passed, or give up. Each attempt is one pod with a
/// deterministic name, so the same inputs always lead to the same pod.
public enum TrainingAttempts {
    public enum Step: Sendable, Equatable {
        /// Create the pod of this attempt (status.attempts becomes it first).
        case start(attempt: Int)
        /// The attempt's pod exists and has not finished; `since` is when it started running, if it has.
        case running(attempt: Int, pod: String, started: Bool)
        /// The attempt's pod succeeded with this summary.
        case succeeded(attempt: Int, pod: String, summary: TrainerReport)
        /// The attempt failed; the next starts after `retryAfter` (zero: now).
        case retry(failedAttempt: Int, reason: String, message: String, retryAfter: Duration)
        /// No attempt is left, or retrying cannot help.
        case failed(attempt: Int, reason: String, message: String)
    }

    /// The first retry waits this long, doubling per failed attempt up to `maximumBackoff`, as a Job's pods do.
    public static let initialBackoff: TimeInterval = 10
    public static let maximumBackoff: TimeInterval = 360
    /// The reason of a failure nobody named more precisely.
    static let genericFailure = "TrainingFailed"

    /// - Parameters:
    ///   - attempts: attempts started so far (`status.attempts`).
    ///   - backoffLimit: failed attempts retried before the job fails (`spec.backoffLimit`, default 2).
    ///   - pods: the job's pods, those it controls by UID (any order).
    public static func step(
        job: String, attempts: Int, backoffLimit: Int, pods: [JSONValue], now: Date, initialBackoff: TimeInterval = initialBackoff
    ) -> Step {
        guard attempts > 0 else { return .start(attempt: 1) }
        guard let pod = pod(attempt: attempts, podPrefix: job, in: pods) else { return .start(attempt: attempts) }
        let name = pod[path: ["metadata", "name"]]?.stringValue ?? TrainingPodTemplate.podName(job: job, attempt: attempts)
        let terminated = trainerTermination(pod)
        switch pod[path: ["status", "phase"]]?.stringValue {
        case "Succeeded":
            return .succeeded(
                attempt: attempts, pod: name, summary: TrainerReport(terminationMessage: terminated?["message"]?.stringValue ?? ""))
        case "Failed":
            let summary = TrainerReport(terminationMessage: terminated?["message"]?.stringValue ?? "")
            let (reason, message) = failure(pod: pod, terminated: terminated, summary: summary, attempt: attempts)
            guard summary.isRetryable else { return .failed(attempt: attempts, reason: reason, message: message) }
            guard attempts <= backoffLimit else {
                // A specific reason (DataSourceError, TrackingUnavailable, OOMKilled) says more than the limit does.
                let limit = "\(attempts) attempt\(attempts == 1 ? "" : "s") failed (backoffLimit \(backoffLimit)); the last: "
                return .failed(
                    attempt: attempts, reason: reason == genericFailure ? "BackoffLimitExceeded" : reason, message: limit + message)
            }
            let delay = min(initialBackoff * pow(2, Double(attempts - 1)), maximumBackoff)
            let finished = terminated?["finishedAt"]?.stringValue.flatMap(Timestamp.parse) ?? now
            let wait = max(0, finished.addingTimeInterval(delay).timeIntervalSince(now))
            return .retry(
                failedAttempt: attempts, reason: reason, message: message, retryAfter: .milliseconds(Int64((wait * 1000).rounded(.up))))
        default:
            return .running(attempt: attempts, pod: name, started: pod[path: ["status", "phase"]]?.stringValue == "Running")
        }
    }

    /// The pod of `attempt` among the job's own pods: the one labelled with the attempt, else the
    /// one of its name. A pod made by an earlier release under another name scheme (`<job>-<attempt>`)
    /// is still found by its label, so an upgrade never starts a second pod for a running attempt.
    static func pod(attempt: Int, podPrefix: String, in pods: [JSONValue]) -> JSONValue? {
        pods.first { $0[path: ["metadata", "labels", TrainingPodTemplate.attemptLabel]]?.stringValue == String(attempt) }
            ?? pods.first { $0[path: ["metadata", "name"]]?.stringValue == TrainingPodTemplate.podName(job: podPrefix, attempt: attempt) }
    }

    /// The trainer container's `state.terminated` (exit code, message, finishedAt), once it has ended.
    static func trainerTermination(_ pod: JSONValue) -> JSONValue? {
        (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).first {
            $0["name"]?.stringValue == TrainingPodTemplate.containerName
        }?[path: ["state", "terminated"]]
    }

    /// The reason and message of a failed attempt: the trainer's own words when it wrote them, else
    /// the kubelet's reason and the log tail, so they survive the pod.
    static func failure(pod: JSONValue, terminated: JSONValue?, summary: TrainerReport, attempt: Int) -> (String, String) {
        let exit = terminated?["exitCode"]?.intValue.map { "exit code \($0)" }
        var parts = ["attempt \(attempt)"]
        if let exit { parts.append(exit) }
        let prefix = parts.joined(separator: ", ") + ": "
        if let reason = summary.failureReason { return (reason, prefix + (summary.failureMessage ?? "")) }
        let kubelet = pod[path: ["status", "reason"]]?.stringValue ?? terminated?["reason"]?.stringValue ?? "Error"
        let detail = summary.failureMessage ?? pod[path: ["status", "message"]]?.stringValue ?? "the trainer failed"
        return (kubelet == "Error" ? genericFailure : kubelet, prefix + lastLines(detail, count: 20))
    }

    static func lastLines(_ text: String, count: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
