import Foundation
import KubeAPI
import Testing
import Tracking
import TrainyardAPI

@testable import Controllers

@Suite("MLflow failures, classified once")
struct TrackingFailureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var error: MLflowError
        var reason: String
        var retryable: Bool
        var mentions: [String]
        var testDescription: String { "\(error.code) \(error.statusCode.map(String.init) ?? "-")" }
    }

    @Test(
        "each kind of MLflow answer gets its reason, its message and its retry policy",
        arguments: [
            Case(
                error: MLflowError(.unreachable, "MLflow at http://m: GET /x: connection refused"), reason: "MLflowUnreachable",
                retryable: true, mentions: ["connection refused"]),
            Case(
                error: MLflowError(.server, "MLflow at http://m: GET /x: 503", statusCode: 503), reason: "MLflowUnreachable",
                retryable: true, mentions: ["503"]),
            Case(
                error: MLflowError(
                    .permissionDenied, "MLflow at http://m: GET /x: 403 PERMISSION_DENIED: no", mlflowCode: "PERMISSION_DENIED",
                    statusCode: 403), reason: "MLflowPermissionDenied", retryable: true, mentions: ["403", "PERMISSION_DENIED", "grant"]),
            Case(
                error: MLflowError(.unauthenticated, "MLflow at http://m: GET /x: 401 : login", statusCode: 401),
                reason: "MLflowUnauthenticated", retryable: true, mentions: ["401", "MLFLOW_TRACKING_TOKEN"]),
            Case(
                error: MLflowError(.decoding, "http://m: GET /x: the answer is not what the MLflow API documents"),
                reason: "MLflowBadAnswer", retryable: true, mentions: ["not what the MLflow API documents"]),
            Case(
                error: MLflowError(
                    .invalidRequest, "MLflow at http://m: POST /runs/create: 400 INVALID_PARAMETER_VALUE: bad tag",
                    mlflowCode: "INVALID_PARAMETER_VALUE", statusCode: 400), reason: "MLflowRejectedRequest", retryable: false,
                mentions: ["(400)", "INVALID_PARAMETER_VALUE", "bad tag"]),
        ])
    func classified(_ c: Case) {
        let failure = TrackingFailure(doing: "creating the MLflow run", c.error)
        #expect(failure.reason == c.reason)
        #expect(failure.retryable == c.retryable)
        #expect(failure.message.hasPrefix("creating the MLflow run: "), "\(failure.message)")
        for word in c.mentions { #expect(failure.message.contains(word), "\(failure.message)") }
    }

    @Test("the same failure reads the same every time (no retry count), so the condition is written once")
    func stableMessage() {
        let first = TrackingFailure(
            doing: "checking the MLflow run",
            MLflowError(
                .unreachable, "cannot reach MLflow at http://m (GET /runs/get): connection refused (gave up after 3 attempts over 1 s)"))
        let second = TrackingFailure(
            doing: "checking the MLflow run",
            MLflowError(
                .unreachable, "cannot reach MLflow at http://m (GET /runs/get): connection refused (gave up after 41 attempts over 10 s)"))
        #expect(first.message == second.message)
        #expect(first.message == "checking the MLflow run: cannot reach MLflow at http://m (GET /runs/get): connection refused")
        let proxyPage = TrackingFailure(
            doing: "checking the MLflow run", MLflowError(.notFound, "MLflow at http://m: GET /x: 404 : <html>", statusCode: 404))
        #expect(proxyPage.reason == "MLflowBadAnswer" && proxyPage.retryable, "a 404 may be a proxy's page: retried")
    }

    @Test("an error that is not MLflow's (a cancelled call, a broken connection) counts as unreachable")
    func otherErrors() {
        let failure = TrackingFailure(doing: "checking the MLflow run", CancellationError())
        #expect(failure.reason == "MLflowUnreachable" && failure.retryable)
    }

    @Test("pod names carry the job's UID, so two jobs of the same name never share a pod")
    func podNamesByUID() {
        var job = TrainingJob(
            metadata: ObjectMeta(name: "churn", namespace: "default", uid: "7C0E6A8E-1B52-4A51-9D0F-2F7B1F1F0A11"),
            spec: TrainingJobSpec(
                data: TrainingData(source: "/data/x.csv", target: "y"), task: .classification, model: ModelSpec(type: .gbdt)))
        #expect(TrainingPodTemplate.podPrefix(job) == "churn-7c0e6")
        #expect(TrainingPodTemplate.podName(job: TrainingPodTemplate.podPrefix(job), attempt: 2) == "churn-7c0e6-2")
        job.metadata.uid = "0b9f1c2d-0000-0000-0000-000000000000"
        #expect(TrainingPodTemplate.podPrefix(job) == "churn-0b9f1")
        job.metadata.uid = nil
        #expect(TrainingPodTemplate.podPrefix(job) == "churn")
    }
}
