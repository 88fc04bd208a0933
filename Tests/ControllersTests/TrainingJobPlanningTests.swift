import Foundation
import KubeAPI
import Testing
import TrainyardAPI

@testable import Controllers

@Suite("TrainingJob decisions without I/O")
struct TrainingJobPlanningTests {
    struct PromotionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var higherIsBetter = true
        var minImprovement = 0.002
        var confidence: Double?
        var candidate: Double
        var champion: Double?
        var lowerBound: Double?
        var promote: Bool
        var reason: String
        var testDescription: String { name }
    }

    @Test(
        "promotion decisions",
        arguments: [
            PromotionCase(name: "first model", candidate: 0.8, champion: nil, promote: true, reason: "FirstModel"),
            PromotionCase(
                name: "better by more than the minimum", candidate: 0.95, champion: 0.94, promote: true, reason: "BetterThanChampion"),
            PromotionCase(
                name: "better by less than the minimum", candidate: 0.941, champion: 0.94, promote: false, reason: "NotBetterThanChampion"),
            PromotionCase(
                name: "equal with no minimum", minImprovement: 0, candidate: 0.94, champion: 0.94, promote: false,
                reason: "NotBetterThanChampion"),
            PromotionCase(name: "worse", candidate: 0.90, champion: 0.94, promote: false, reason: "NotBetterThanChampion"),
            PromotionCase(
                name: "lower rmse is better", higherIsBetter: false, candidate: 1.0, champion: 1.5, promote: true,
                reason: "BetterThanChampion"),
            PromotionCase(
                name: "higher rmse is worse", higherIsBetter: false, candidate: 1.5, champion: 1.0, promote: false,
                reason: "NotBetterThanChampion"),
            PromotionCase(
                name: "confidence without a bound", confidence: 0.95, candidate: 0.95, champion: 0.90, promote: false,
                reason: "ConfidenceUnavailable"),
            PromotionCase(
                name: "bound at zero", confidence: 0.95, candidate: 0.95, champion: 0.90, lowerBound: 0, promote: false,
                reason: "NotSignificant"),
            PromotionCase(
                name: "bound above zero", confidence: 0.95, candidate: 0.95, champion: 0.90, lowerBound: 0.01, promote: true,
                reason: "BetterThanChampion"),
        ])
    func promotion(_ c: PromotionCase) {
        let decision = PromotionDecider.decide(
            metric: "auc", higherIsBetter: c.higherIsBetter, minImprovement: c.minImprovement, confidence: c.confidence,
            candidate: c.candidate, champion: c.champion, lowerBound: c.lowerBound)
        #expect(decision.promote == c.promote)
        #expect(decision.reason == c.reason)
        if let champion = c.champion {
            #expect(decision.message.contains("vs champion \(String(format: "%.4g", champion))"), "\(decision.message)")
        }
    }

    private static func pod(phase: String, attempt: Int, terminated: JSONValue? = nil, job: String = "tj") -> JSONValue {
        var state: JSONValue = ["running": [:]]
        if let terminated { state = ["terminated": terminated] }
        return [
            "metadata": ["name": .string(TrainingPodTemplate.podName(job: job, attempt: attempt))],
            "status": ["phase": .string(phase), "containerStatuses": [["name": "trainer", "state": state]]],
        ]
    }

    @Test(
        "an attempt's pod is found by its attempt label among the job's own pods, whatever its name (an earlier release named it <job>-<attempt>)"
    )
    func podOfAnEarlierRelease() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        var old = Self.pod(phase: "Running", attempt: 1, job: "tj")
        old[path: ["metadata", "labels"]] = [TrainingPodTemplate.attemptLabel: "1"]
        #expect(
            TrainingAttempts.step(job: "tj-7c0e6", attempts: 1, backoffLimit: 2, pods: [old], now: now)
                == .running(attempt: 1, pod: "tj-1", started: true), "no second pod for a running attempt after an upgrade")
        #expect(
            TrainingAttempts.step(job: "tj-7c0e6", attempts: 2, backoffLimit: 2, pods: [old], now: now) == .start(attempt: 2),
            "attempt 1's pod is not attempt 2's")
    }

    @Test("attempts: start, run, succeed, retry after back-off, give up")
    func attempts() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(TrainingAttempts.step(job: "tj", attempts: 0, backoffLimit: 2, pods: [], now: now) == .start(attempt: 1))
        #expect(TrainingAttempts.step(job: "tj", attempts: 2, backoffLimit: 2, pods: [], now: now) == .start(attempt: 2))
        #expect(
            TrainingAttempts.step(job: "tj", attempts: 1, backoffLimit: 2, pods: [Self.pod(phase: "Running", attempt: 1)], now: now)
                == .running(attempt: 1, pod: "tj-1", started: true))

        let success: JSONValue = ["exitCode": 0, "message": #"{"validation":{"auc":0.97},"rows":{"train":10,"validation":5}}"#]
        guard
            case .succeeded(1, "tj-1", let summary) = TrainingAttempts.step(
                job: "tj", attempts: 1, backoffLimit: 2, pods: [Self.pod(phase: "Succeeded", attempt: 1, terminated: success)], now: now)
        else {
            Issue.record("expected success")
            return
        }
        #expect(summary.metrics == ["auc": 0.97] && summary.validationRows == 5)

        // A data source that could come back: retried after 10 s, 20 s, ... from when the attempt ended.
        let finished = Date(timeIntervalSince1970: 999_995)
        let sourceError: JSONValue = [
            "exitCode": 1, "finishedAt": .string(ISO8601DateFormatter().string(from: finished)),
            "message": #"{"error":"s3://b/k: no such key","reason":"DataSourceError"}"#,
        ]
        let failed = [Self.pod(phase: "Failed", attempt: 1, terminated: sourceError)]
        #expect(
            TrainingAttempts.step(job: "tj", attempts: 1, backoffLimit: 2, pods: failed, now: now)
                == .retry(
                    failedAttempt: 1, reason: "DataSourceError", message: "attempt 1, exit code 1: s3://b/k: no such key",
                    retryAfter: .seconds(5)))
        #expect(
            TrainingAttempts.step(job: "tj", attempts: 1, backoffLimit: 2, pods: failed, now: now.addingTimeInterval(10))
                == .retry(
                    failedAttempt: 1, reason: "DataSourceError", message: "attempt 1, exit code 1: s3://b/k: no such key", retryAfter: .zero
                ))
        // The limit reached: the trainer's own reason stays.
        let last = [Self.pod(phase: "Failed", attempt: 3, terminated: sourceError)]
        guard
            case .failed(3, "DataSourceError", let message) = TrainingAttempts.step(
                job: "tj", attempts: 3, backoffLimit: 2, pods: last, now: now)
        else {
            Issue.record("expected DataSourceError after the limit")
            return
        }
        #expect(message.hasPrefix("3 attempts failed (backoffLimit 2)"), "\(message)")

        // Wrong data is not retried.
        let invalid: JSONValue = ["exitCode": 1, "message": #"{"error":"column \"x\" not found","reason":"InvalidData"}"#]
        #expect(
            TrainingAttempts.step(
                job: "tj", attempts: 1, backoffLimit: 5, pods: [Self.pod(phase: "Failed", attempt: 1, terminated: invalid)], now: now)
                == .failed(attempt: 1, reason: "InvalidData", message: "attempt 1, exit code 1: column \"x\" not found"))

        // A crash without a JSON message: the log tail, kept in the condition.
        let crash: JSONValue = ["exitCode": 137, "reason": "OOMKilled", "message": "line 1\nline 2\nKilled"]
        guard
            case .failed(1, "OOMKilled", let text) = TrainingAttempts.step(
                job: "tj", attempts: 1, backoffLimit: 0, pods: [Self.pod(phase: "Failed", attempt: 1, terminated: crash)], now: now)
        else {
            Issue.record("expected OOMKilled")
            return
        }
        #expect(text.contains("exit code 137") && text.contains("Killed"), "\(text)")
    }

    private static func spec(_ change: (inout TrainingJobSpec) -> Void = { _ in }) -> TrainingJobSpec {
        var spec = TrainingJobSpec(
            data: TrainingData(source: "/data/x.csv", target: "y"), task: .classification,
            model: ModelSpec(type: .gbdt, params: ["numTrees": 10]),
            register: RegisterSpec(modelName: "m", promotion: PromotionPolicy(metric: "auc")))
        change(&spec)
        return spec
    }

    @Test(
        "validation names the field",
        arguments: [
            ("spec.data.source", { @Sendable (s: inout TrainingJobSpec) in s.data.source = "s3://bucket/x.csv" }),
            ("spec.model.params", { @Sendable (s: inout TrainingJobSpec) in s.model.params = ["numTres": 10] }),
            ("spec.model.params", { @Sendable (s: inout TrainingJobSpec) in s.model.params = ["numTrees": 0] }),
            ("spec.model.type", { @Sendable (s: inout TrainingJobSpec) in s.model.type = .linear }),
            ("spec.register.promotion.metric", { @Sendable (s: inout TrainingJobSpec) in s.register?.promotion?.metric = "rmse" }),
            ("spec.register.promotion.metric", { @Sendable (s: inout TrainingJobSpec) in s.register?.promotion?.metric = "auroc" }),
            ("spec.register.promotion.mode", { @Sendable (s: inout TrainingJobSpec) in s.register?.promotion?.mode = .min }),
            ("spec.tuning", { @Sendable (s: inout TrainingJobSpec) in s.tuning = TuningSpec(searchSpace: [:], trials: 4) }),
        ] as [(String, @Sendable (inout TrainingJobSpec) -> Void)])
    func validation(field: String, change: @Sendable (inout TrainingJobSpec) -> Void) {
        #expect(TrainingJobValidation.problem(Self.spec()) == nil)
        let problem = TrainingJobValidation.problem(Self.spec(change))
        #expect(problem?.field == field, "\(String(describing: problem))")
        #expect((problem?.message.count ?? 0) > 10)
    }

    @Test(
        "the termination message: the trainer's JSON summary, or a log tail; never a crash",
        arguments: [
            (
                #"{"recorded":true,"runId":"r1","rows":{"train":8,"validation":2},"validation":{"auc":0.9,"f1":1}}"#,
                ["auc": 0.9, "f1": 1.0], true, nil as String?
            ),
            (
                #"{"recorded":false,"reason":"TrackingUnavailable","error":"MLflow: gave up","validation":{"auc":0.8}}"#,
                ["auc": 0.8], false, "TrackingUnavailable"
            ),
            (#"{"error":"no column y","reason":"InvalidData"}"#, [:], nil, "InvalidData"),
            ("panic: out of memory\nline 2", [:], nil, nil),
            ("", [:], nil, nil),
            (#"{"validation":"not an object","recorded":"yes"}"#, [:], nil, nil),
            ("[1, 2]", [:], nil, nil),
        ] as [(String, [String: Double], Bool?, String?)])
    func terminationMessage(text: String, metrics: [String: Double], recorded: Bool?, reason: String?) {
        let summary = TrainerReport(terminationMessage: text)
        #expect(summary.metrics == metrics)
        #expect(summary.recorded == recorded)
        #expect(summary.failureReason == reason)
        if (try? JSONValue.parse(text))?.objectValue == nil {
            #expect(summary.failureMessage == (text.isEmpty ? nil : text), "a message that is not JSON is kept as the log tail")
        }
    }

    @Test("the pod: deterministic name, locked down, credentials only by reference, the run id and the champion in its args")
    func podTemplate() throws {
        var job = TrainingJob(metadata: ObjectMeta(name: "churn", namespace: "ml", uid: "u-1"), spec: Self.spec())
        job.spec.data.credentialsSecret = "s3-creds"
        job.spec.serviceAccountName = "trainer"
        let inputs = TrainingPodTemplate.Inputs(
            job: job, attempt: 2, runId: "run-9", trackingURI: "http://mlflow:5000", defaultImage: "ghcr.io/trainyard/trainyard:1",
            trackingTimeoutSeconds: 300)
        let pod = try TrainingPodTemplate.pod(inputs)
        #expect(pod == (try TrainingPodTemplate.pod(inputs)), "the same inputs give the same pod")
        #expect(pod[path: ["metadata", "name"]] == "churn-u1-2", "the job's name, its UID's first characters, the attempt")
        #expect(pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"] == "u-1")
        let container = try #require(pod[path: ["spec", "containers"]]?.arrayValue?.first)
        let args = (container["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(args.first == "train")
        #expect(args.contains("run-9") && args.contains("models:/m@champion") && args.contains("--param"), "\(args)")
        #expect(pod[path: ["spec", "serviceAccountName"]] == "trainer")
        #expect(pod[path: ["spec", "automountServiceAccountToken"]] == false)
        #expect(container[path: ["securityContext", "readOnlyRootFilesystem"]] == true)
        let env = container["env"]?.arrayValue ?? []
        let secretRefs = env.filter { $0[path: ["valueFrom", "secretKeyRef", "name"]] == "s3-creds" }
        #expect(secretRefs.count == TrainingPodTemplate.credentialKeys.count)
        #expect(env.allSatisfy { $0["valueFrom"] != nil || $0["name"] == "TMPDIR" }, "no credential value is copied: \(env)")

        let long = String(repeating: "a", count: 260)
        let name = TrainingPodTemplate.podName(job: long, attempt: 12)
        #expect(name.count <= 253 && name.hasSuffix("-12") && name == TrainingPodTemplate.podName(job: long, attempt: 12))
        #expect(TrainingPodTemplate.labelValue(long).count <= 63)
    }
}
