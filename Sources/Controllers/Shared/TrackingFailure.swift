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
        switch error.code {
        case .unreachable, .server:
            (reason, retryable, message) = ("MLflowUnreachable", true, "\(what): \(error.message)")
        case .unauthenticated:
            (reason, retryable) = ("MLflowUnauthenticated", true)
            message =
                "\(what): MLflow refused the controller's credentials (401): \(error.message); set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, from a Secret in the controller's environment"
        case .permissionDenied:
            (reason, retryable) = ("MLflowPermissionDenied", true)
            message = "\(what): MLflow denied the controller's user (403): \(error.message); grant it access in MLflow"
        case .decoding:
            (reason, retryable) = ("MLflowBadAnswer", true)
            message = "\(what): \(error.message); is the tracking URI an MLflow server (and not a proxy's page)?"
        default:
            (reason, retryable) = ("MLflowRejectedRequest", false)
            message = "\(what): MLflow refused the request\(error.statusCode.map { " (\($0))" } ?? ""): \(error.message)"
        }
    }
}
