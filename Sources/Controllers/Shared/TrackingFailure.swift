import Tracking

/// A failed MLflow call, classified once for every controller: the condition reason a user sees,
/// a message naming MLflow's answer, and whether trying again can help. Unreachable, refused
/// credentials and odd answers may pass (fixed in MLflow or its network, not in the object), so
/// they are retried with back-off; a request MLflow calls invalid is not, until the object changes.
struct TrackingFailure: Sendable, CustomStringConvertible {
    /// CamelCase, for the condition's reason and the event's.
    let reason: String
    let message: String
    let retryable: Bool

    var description: String { message }

    /// - Parameter what: what the controller was doing, such as "creating the MLflow run".
    init(doing what: String, _ error: any Error) {
        guard let error = error as? MLflowError else {
            (reason, retryable, message) = ("MLflowUnreachable", true, "\(what): \(error)")
            return
        }
        // The same failure must read the same each time: the condition is then written once, and
        // the job's own status write does not cut its back-off short.
        let said = Self.withoutRetryCount(error.message)
        switch error.code {
        case .unreachable, .server:
            (reason, retryable, message) = ("MLflowUnreachable", true, "\(what): \(said)")
        case .unauthenticated:
            (reason, retryable) = ("MLflowUnauthenticated", true)
            message =
                "\(what): MLflow refused the controller's credentials (401): \(said); set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, from a Secret in the controller's environment"
        case .permissionDenied:
            (reason, retryable) = ("MLflowPermissionDenied", true)
            message = "\(what): MLflow denied the controller's user (403): \(said); grant it access in MLflow"
        case .decoding, .notFound:
            // A 404 with no MLflow error code is a proxy's or an ingress's page as often as MLflow's.
            (reason, retryable) = ("MLflowBadAnswer", true)
            message = "\(what): \(said); is the tracking URI an MLflow server (and not a proxy's page)?"
        default:
            (reason, retryable) = ("MLflowRejectedRequest", false)
            message = "\(what): MLflow refused the request\(error.statusCode.map { " (\($0))" } ?? ""): \(said)"
        }
    }

    /// The message without the client's "(gave up after N attempts over S s)", which differs every time.
    static func withoutRetryCount(_ message: String) -> String {
        guard let range = message.range(of: " (gave up after ", options: .backwards), message.hasSuffix(" s)") else { return message }
        return String(message[..<range.lowerBound])
    }
}
