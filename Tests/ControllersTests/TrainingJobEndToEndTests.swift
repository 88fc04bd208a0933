import ControllerRuntime
import Controllers
import DevCluster
import DevRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Testing
import Tracking
import TrainyardTesting

/// The TrainingJob controller on the end-to-end stack (real MLflow, the dev cluster running
/// `trainyard train` pods, real kubectl), with timings short enough for tests.
private func withStack(
    trainerTrackingRetrySeconds: Int = 60, throughProxy: Bool = false, cleanupTrackingTimeout: Duration = .seconds(60),
    _ body: (EndToEndStack) async throws -> Void
) async throws {
    try await EndToEndStack.run(throughProxy: throughProxy) { manager, mlflowURL, logger in
        var mlflow = try MLflowConfiguration(trackingURI: mlflowURL)
        mlflow.retryFor = .seconds(1)
        var settings = TrainingJobSettings(image: "ghcr.io/trainyard/trainyard:test", mlflow: mlflow)
        settings.initialBackoff = 1
        settings.trainerTrackingRetrySeconds = trainerTrackingRetrySeconds
        settings.runningCheckInterval = .milliseconds(500)
        settings.retryBackoff = Backoff(base: .milliseconds(200), cap: .seconds(5))
        settings.cleanupTrackingTimeout = cleanupTrackingTimeout
        TrainingJobController.register(with: manager, settings: settings, logger: logger)
    } _: { stack in
        try await body(stack)
    }
}

/// The name of a job's pod for `attempt`: `<job>-<first 5 characters of its UID>-<attempt>`, so a
/// job re-created under the same name never meets its predecessor's pods.
private func podName(_ job: JSONValue, attempt: Int) -> String {
    let name = job[path: ["metadata", "name"]]?.stringValue ?? ""
    let uid = job[path: ["metadata", "uid"]]?.stringValue ?? ""
    return "\(name)-\(uid.prefix(5))-\(attempt)"
}

private func trainingJob(_ harness: DevClusterHarness, _ name: String) async throws -> JSONValue {
    try JSONValue.parse(try await harness.kubectlOK("get", "tj", name, "-o", "json"))
}

private func condition(_ job: JSONValue, _ type: String) -> JSONValue? {
    (job[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
}

/// A variant of examples/trainingjob.yaml.
private func manifest(
    name: String, target: String = "diagnosis", source: String = "/usr/share/trainyard/datasets/breast_cancer.csv",
    params: String = "{numTrees: 40, maxDepth: 3}", backoffLimit: Int = 2, experiment: String = "e2e", extra: String = ""
) -> String {
    """
    apiVersion: trainyard.dev/v1alpha1
    kind: TrainingJob
    metadata: {name: \(name)}
    spec:
      experiment: \(experiment)
      data: {source: "\(source)", target: \(target)}
      task: classification
      model: {type: gbdt, params: \(params)}
      register: {modelName: cancer, promotion: {metric: auc, minImprovement: 0.002}}
      seed: 7
      backoffLimit: \(backoffLimit)
    \(extra)
    """
}

@Suite("TrainingJob end to end: dev cluster, real MLflow, real kubectl", .serialized)
struct TrainingJobEndToEndTests {
    @Test("examples/trainingjob.yaml trains in a locked-down pod, records a FINISHED run, and version 1 becomes @champion")
    func exampleSucceeds() async throws {
        try await withStack { stack in
            let harness = stack.harness
            try await harness.kubectlOK("apply", "-f", repositoryRoot + "/examples/trainingjob.yaml")
            let wait = try await harness.kubectl(
                "wait", "--for=condition=Succeeded", "tj/breast-cancer-gbdt", "--timeout=180s", timeout: .seconds(200))
            let job = try await trainingJob(harness, "breast-cancer-gbdt")
            #expect(wait.succeeded, "\(wait)\n\(job.serialized())")

            // kubectl get tj: NAME PHASE MODEL VERSION METRIC AGE; -o wide adds the decision and the run.
            let row = try await harness.kubectlOK("get", "tj", "--no-headers").split(separator: " ", omittingEmptySubsequences: true)
            #expect(row.prefix(4) == ["breast-cancer-gbdt", "Succeeded", "breast-cancer", "1"], "\(row)")
            #expect(row.count > 4 && (Double(row[4]) ?? 0) > 0.95, "the METRIC column: \(row)")
            let wide = try await harness.kubectlOK("get", "tj", "-o", "wide")
            #expect(wide.contains("Promoted"), "\(wide)")
            let status = try #require(job["status"])
            #expect(status["phase"]?.stringValue == "Succeeded")
            #expect(status["attempts"]?.intValue == 1)
            #expect((status[path: ["metrics", "auc"]]?.doubleValue ?? 0) > 0.95, "\(status.serialized())")
            #expect(status[path: ["model", "name"]]?.stringValue == "breast-cancer")
            #expect(status[path: ["model", "version"]]?.intValue == 1)
            #expect(status[path: ["promotion", "decision"]]?.stringValue == "Promoted")
            #expect(condition(job, "Promoted")?["reason"]?.stringValue == "FirstModel")
            #expect(condition(job, "Registered")?["status"]?.stringValue == "True")
            #expect(condition(job, "Valid")?["status"]?.stringValue == "True")

            // The MLflow run: created by the controller, filled and finished by the trainer.
            let runId = try #require(status["runId"]?.stringValue)
            let experimentId = try #require(status["experimentId"]?.stringValue)
            #expect(status["runURL"]?.stringValue == "\(stack.mlflowURL)/#/experiments/\(experimentId)/runs/\(runId)")
            let run = try await stack.mlflow.run(id: runId)
            #expect(run.info.status == .finished)
            #expect(run.tags["trainyard.dev/job-uid"] == job[path: ["metadata", "uid"]]?.stringValue)
            #expect(run.params["numTrees"] == "60", "params: \(run.params)")
            let curve = try #require(run.metrics.keys.first { $0.hasPrefix("validation-") }, "no per-round curve in \(run.metrics.keys)")
            let history = try await stack.mlflow.metricHistory(runId: runId, key: curve)
            #expect(history.count == 60, "\(curve) has \(history.count) steps")
            let artifactURI = try #require(run.info.artifactUri)
            let model = try await stack.mlflow.listArtifacts(try MLflowClient.proxyPath(artifactURI: artifactURI, "model"))
            let files = Set(model.map { ($0.path as NSString).lastPathComponent })
            #expect(files.isSuperset(of: ["MLmodel", "model.json", "model.xgb.json"]), "the model artifacts: \(files.sorted())")
            let champion = try await stack.mlflow.modelVersion(name: "breast-cancer", alias: "champion")
            #expect(champion?.version == "1" && champion?.runId == runId)

            // The pod: locked down, owned by the job, one per attempt.
            let pods = try JSONValue.parse(
                try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=breast-cancer-gbdt", "-o", "json"))
            let items = pods["items"]?.arrayValue ?? []
            #expect(items.count == 1)
            let pod = try #require(items.first)
            #expect(pod[path: ["metadata", "name"]]?.stringValue == podName(job, attempt: 1))
            #expect(pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["kind"]?.stringValue == "TrainingJob")
            #expect(pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"] == job[path: ["metadata", "uid"]])
            #expect(pod[path: ["spec", "securityContext", "runAsNonRoot"]]?.boolValue == true)
            #expect(pod[path: ["spec", "securityContext", "seccompProfile", "type"]]?.stringValue == "RuntimeDefault")
            let container = try #require(pod[path: ["spec", "containers"]]?.arrayValue?.first)
            #expect(container[path: ["securityContext", "readOnlyRootFilesystem"]]?.boolValue == true)
            #expect(container[path: ["securityContext", "allowPrivilegeEscalation"]]?.boolValue == false)
            #expect(container[path: ["securityContext", "capabilities", "drop"]] == ["ALL"])
            #expect(container["terminationMessagePolicy"]?.stringValue == "FallbackToLogsOnError")
            #expect(
                stack.audit.recorded.isSuperset(of: ["update trainingjobs.trainyard.dev/status", "create pods"]), "the audit sees the calls"
            )
        }
    }

    @Test(
        "the champion is scored on the candidate's rows: a better model takes the alias (with a bootstrap bound), a weaker one does not; a params error is Valid=False with no pod and no run"
    )
    func promotionAndInvalidParams() async throws {
        try await withStack { stack in
            let harness = stack.harness
            func train(_ name: String, params: String, confidence: String = "") async throws -> JSONValue {
                var text = manifest(name: name, params: params)
                if !confidence.isEmpty {
                    text = text.replacingOccurrences(
                        of: "minImprovement: 0.002}", with: "minImprovement: 0.002, confidence: \(confidence)}")
                }
                try await harness.kubectlOK("apply", "-f", "-", stdin: text)
                let wait = try await harness.kubectl(
                    "wait", "--for=condition=Succeeded", "tj/\(name)", "--timeout=180s", timeout: .seconds(200))
                let job = try await trainingJob(harness, name)
                #expect(wait.succeeded, "\(wait)\n\(job.serialized())")
                return job
            }
            let stump = try await train("stump", params: "{numTrees: 1, maxDepth: 1}")
            #expect(condition(stump, "Promoted")?["reason"]?.stringValue == "FirstModel")

            let strong = try await train("strong", params: "{numTrees: 40, maxDepth: 3}", confidence: "0.95")
            let promoted = condition(strong, "Promoted")
            #expect(
                promoted?["status"]?.stringValue == "True" && promoted?["reason"]?.stringValue == "BetterThanChampion",
                "\(strong.serialized())")
            // Same data, seed and split: the champion's score on these rows is what it scored as a candidate.
            #expect(strong[path: ["status", "promotion", "champion"]] == stump[path: ["status", "promotion", "candidate"]])
            #expect((strong[path: ["status", "promotion", "delta"]]?.doubleValue ?? 0) > 0.002)
            #expect(try await stack.mlflow.modelVersion(name: "cancer", alias: "champion")?.version == "2")

            let weak = try await train("weak", params: "{numTrees: 2, maxDepth: 1}")
            let rejected = condition(weak, "Promoted")
            #expect(rejected?["status"]?.stringValue == "False")
            #expect(rejected?["reason"]?.stringValue == "NotBetterThanChampion", "\(weak.serialized())")
            let message = rejected?["message"]?.stringValue ?? ""
            #expect(message.contains("vs champion") && !message.contains("own run"), "\(message)")
            #expect(weak[path: ["status", "promotion", "champion"]] == strong[path: ["status", "promotion", "candidate"]])
            #expect(weak[path: ["status", "model", "version"]]?.intValue == 3)
            #expect(weak[path: ["status", "promotion", "decision"]]?.stringValue == "Rejected")
            let champion = try await stack.mlflow.modelVersion(name: "cancer", alias: "champion")
            #expect(champion?.version == "2", "the alias stays on version 2")
            let tags = Dictionary(
                (try await stack.mlflow.modelVersion(name: "cancer", version: "3").tags ?? []).map { ($0.key, $0.value) },
                uniquingKeysWith: { a, _ in a })
            #expect(tags["trainyard.promotion.decision"] == "Rejected", "\(tags)")

            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "badparams", params: "{numTrees: 10, maxDepht: 3}"))
            let invalid = try await waitFor(harness, "badparams") { condition($0, "Valid")?["status"]?.stringValue == "False" }
            let text = condition(invalid, "Valid")?["message"]?.stringValue ?? ""
            #expect(text.contains("spec.model.params") && text.contains("maxDepht") && text.contains("maxDepth"), "\(text)")
            #expect(invalid[path: ["status", "phase"]]?.stringValue == "Failed")
            #expect(invalid[path: ["status", "runId"]] == nil, "no MLflow run for an invalid job")
            let pods = try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=badparams", "-o", "name")
            #expect(pods.isEmpty, "no pod for an invalid job: \(pods)")
        }
    }

    @Test("a wrong target column fails at once with the real columns; a missing data source fails with DataSourceError naming it")
    func dataErrors() async throws {
        try await withStack { stack in
            let harness = stack.harness
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "wrongtarget", target: "diagnosys"))
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "nosource", source: "/usr/share/trainyard/datasets/missing.csv", backoffLimit: 1))
            let wrong = try await waitFor(harness, "wrongtarget") { $0[path: ["status", "phase"]]?.stringValue == "Failed" }
            let failed = condition(wrong, "Failed")
            #expect(failed?["reason"]?.stringValue == "InvalidData", "\(wrong.serialized())")
            let text = failed?["message"]?.stringValue ?? ""
            #expect(text.contains("diagnosys") && text.contains("diagnosis") && text.contains("mean radius"), "\(text)")
            #expect(wrong[path: ["status", "attempts"]]?.intValue == 1, "wrong data is not retried")
            let runId = try #require(wrong[path: ["status", "runId"]]?.stringValue)
            #expect(try await stack.mlflow.run(id: runId).info.status == .failed)

            let missing = try await waitFor(harness, "nosource") { $0[path: ["status", "phase"]]?.stringValue == "Failed" }
            let reason = condition(missing, "Failed")
            #expect(reason?["reason"]?.stringValue == "DataSourceError", "\(missing.serialized())")
            #expect((reason?["message"]?.stringValue ?? "").contains("missing.csv"), "\(reason?.serialized() ?? "")")
            #expect(missing[path: ["status", "attempts"]]?.intValue == 2, "backoffLimit 1: two attempts")
            let events = try await harness.kubectlOK("get", "events", "--field-selector", "involvedObject.name=nosource")
            #expect(events.contains("DataSourceError"), "\(events)")
        }
    }

    @Test("suspend keeps the pod from starting and resuming trains; ttlSecondsAfterFinished deletes the job and MLflow keeps the run")
    func suspendResumeAndTTL() async throws {
        try await withStack { stack in
            let harness = stack.harness
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "later", extra: "  suspend: true\n  ttlSecondsAfterFinished: 2"))
            let suspended = try await waitFor(harness, "later") { $0[path: ["status", "phase"]]?.stringValue == "Suspended" }
            #expect(condition(suspended, "Suspended")?["status"]?.stringValue == "True")
            #expect(suspended[path: ["status", "runId"]]?.stringValue != nil, "the run exists before any pod")
            try await Task.sleep(for: .seconds(1))
            let none = try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=later", "-o", "name")
            #expect(none.isEmpty, "no pod while suspended: \(none)")

            try await harness.kubectlOK("patch", "tj", "later", "--type=merge", "-p", #"{"spec":{"suspend":false}}"#)
            let done = try await waitFor(harness, "later") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(condition(done, "Suspended")?["status"]?.stringValue == "False")
            let runId = try #require(done[path: ["status", "runId"]]?.stringValue)
            let deleted = try await harness.kubectl("wait", "--for=delete", "tj/later", "--timeout=60s", timeout: .seconds(90))
            #expect(deleted.succeeded, "ttlSecondsAfterFinished: \(deleted)")
            #expect(try await stack.mlflow.run(id: runId).info.status == .finished, "MLflow keeps the run")
        }
    }

    @Test("activeDeadlineSeconds stops the pod and fails the job with DeadlineExceeded; deleting a running job marks its run KILLED")
    func deadlineAndDeletion() async throws {
        try await withStack { stack in
            let harness = stack.harness
            let long = "{numTrees: 100000, maxDepth: 6, learningRate: 0.01}"
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "slow", params: long, extra: "  activeDeadlineSeconds: 3"))
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "doomed", params: long))
            let slow = try await waitFor(harness, "slow") { $0[path: ["status", "phase"]]?.stringValue == "Failed" }
            let failed = condition(slow, "Failed")
            #expect(failed?["reason"]?.stringValue == "DeadlineExceeded", "\(slow.serialized())")
            #expect(try await stack.mlflow.run(id: try #require(slow[path: ["status", "runId"]]?.stringValue)).info.status == .failed)
            let pods = try JSONValue.parse(
                try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=slow", "-o", "json"))
            #expect(
                (pods["items"]?.arrayValue ?? []).allSatisfy {
                    $0[path: ["metadata", "deletionTimestamp"]] != nil || $0[path: ["status", "phase"]]?.stringValue == "Failed"
                }, "the pod is stopped: \(pods.serialized())")

            let running = try await waitFor(harness, "doomed") { $0[path: ["status", "phase"]]?.stringValue == "Running" }
            let runId = try #require(running[path: ["status", "runId"]]?.stringValue)
            let deleted = try await harness.kubectl("delete", "tj", "doomed", "--timeout=90s", timeout: .seconds(120))
            #expect(deleted.succeeded, "\(deleted)")
            #expect(try await stack.mlflow.run(id: runId).info.status == .killed, "a deleted running job's run is KILLED")
        }
    }

    @Test("a controller restarted mid-training makes no second run and no second pod; the job still succeeds")
    func restartMidTraining() async throws {
        try await withStack { stack in
            let harness = stack.harness
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "steady", params: "{numTrees: 2500, maxDepth: 6, learningRate: 0.01}"))
            let running = try await waitFor(harness, "steady") { $0[path: ["status", "phase"]]?.stringValue == "Running" }
            try await stack.controller.restart()
            let done = try await waitFor(harness, "steady") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(done[path: ["status", "runId"]] == running[path: ["status", "runId"]])
            #expect(done[path: ["status", "attempts"]]?.intValue == 1)
            let experimentId = try #require(done[path: ["status", "experimentId"]]?.stringValue)
            let uid = try #require(done[path: ["metadata", "uid"]]?.stringValue)
            let runs = try await stack.mlflow.searchRuns(experimentIds: [experimentId], filter: "tags.`trainyard.dev/job-uid` = '\(uid)'")
            #expect(runs.count == 1, "exactly one MLflow run for the job: \(runs.map(\.info.runId))")
            let pods = try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=steady", "-o", "name")
            #expect(pods.split(separator: "\n") == ["pod/\(podName(done, attempt: 1))"], "exactly one pod: \(pods)")
        }
    }

    @Test(
        "MLflow down while the pod trains and started again: TrackingUnavailable shows meanwhile, the job succeeds, metrics are recorded once"
    )
    func mlflowOutageMidTraining() async throws {
        try await withStack(trainerTrackingRetrySeconds: 600) { stack in
            let harness = stack.harness
            // Sequenced by events, not speed: the run exists (suspended, no pod), MLflow goes away,
            // and only then does the trainer start, so it meets the outage however fast it trains.
            try await harness.kubectlOK(
                "apply", "-f", "-",
                stdin: manifest(name: "patient", params: "{numTrees: 3000, maxDepth: 6, learningRate: 0.01}", extra: "  suspend: true"))
            let suspended = try await waitFor(harness, "patient") { $0[path: ["status", "runId"]]?.stringValue != nil }
            let pod = podName(suspended, attempt: 1)
            await stack.server.pause()
            try await harness.kubectlOK("patch", "tj", "patient", "--type=merge", "-p", #"{"spec":{"suspend":false}}"#)
            let unavailable = try await waitFor(harness, "patient") {
                condition($0, "TrackingUnavailable")?["status"]?.stringValue == "True"
            }
            #expect(condition(unavailable, "TrackingUnavailable")?["reason"]?.stringValue == "MLflowUnreachable")
            #expect(unavailable[path: ["status", "phase"]]?.stringValue != "Failed", "an MLflow outage does not fail the job")
            // The trainer finishes and meets the outage when it records; MLflow comes back while it retries.
            try await waitForLog(harness, pod: pod) { $0.contains("wrote an MLflow model") }
            let waiting = try await trainingJob(harness, "patient")
            #expect(waiting[path: ["status", "phase"]]?.stringValue == "Running", "the trainer waits for MLflow")
            try await stack.server.resume()
            let done = try await waitFor(harness, "patient") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(condition(done, "TrackingUnavailable")?["status"]?.stringValue == "False")
            let runId = try #require(done[path: ["status", "runId"]]?.stringValue)
            let run = try await stack.mlflow.run(id: runId)
            #expect(run.info.status == .finished)
            let curve = try #require(run.metrics.keys.first { $0.hasPrefix("validation-") })
            let history = try await stack.mlflow.metricHistory(runId: runId, key: curve)
            #expect(history.count == 3000, "each round recorded once: \(history.count) points for \(curve)")
            #expect(Set(history.map(\.step)).count == history.count)
        }
    }
}

extension TrainingJobEndToEndTests {
    @Test("a trainer that gives up on MLflow keeps its results in the termination message; they reach its run once MLflow is back")
    func trainerGivesUpOnMLflow() async throws {
        try await withStack(trainerTrackingRetrySeconds: 2) { stack in
            let harness = stack.harness
            // The first attempt's run exists (suspended, no pod yet); MLflow goes away; then the trainer starts.
            try await harness.kubectlOK(
                "apply", "-f", "-",
                stdin: manifest(name: "impatient", params: "{numTrees: 300, maxDepth: 6, learningRate: 0.01}", extra: "  suspend: true"))
            let started = try await waitFor(harness, "impatient") { $0[path: ["status", "runId"]]?.stringValue != nil }
            let firstRun = try #require(started[path: ["status", "runId"]]?.stringValue)
            let pod = podName(started, attempt: 1)
            await stack.server.pause()
            try await harness.kubectlOK("patch", "tj", "impatient", "--type=merge", "-p", #"{"spec":{"suspend":false}}"#)

            // The trainer trains, waits 2 s for MLflow, and gives up with its results in the termination message.
            var message = ""
            let gaveUp = ContinuousClock.now + .seconds(180)
            while ContinuousClock.now < gaveUp {
                let phase = try await harness.kubectl("get", "pod", pod, "-o", "jsonpath={.status.phase}")
                if phase.stdout == "Failed" {
                    message = try await harness.kubectlOK(
                        "get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].state.terminated.message}")
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            if message.isEmpty {
                let yaml = try await harness.kubectl("get", "pod", pod, "-o", "yaml")
                let logs = try await harness.kubectl("logs", pod, "--tail=20")
                Issue.record("\(pod) did not fail with a termination message:\n\(yaml.stdout)\n\(logs.stdout)")
            }
            let summary = try JSONValue.parse(message)
            #expect(summary["reason"]?.stringValue == "TrackingUnavailable", "\(message)")
            #expect(summary["recorded"]?.boolValue == false)
            let auc = try #require(
                summary[path: ["validation", "auc"]]?.doubleValue, "the results are in the termination message: \(message)")

            // The failed attempt's run cannot be closed while MLflow is away: the job waits and says why.
            let waiting = try await waitFor(harness, "impatient") {
                condition($0, "Running")?["reason"]?.stringValue == "BackOff"
                    && condition($0, "TrackingUnavailable")?["message"]?.stringValue?.contains("marking the failed attempt's run FAILED")
                        == true
            }
            #expect(waiting[path: ["status", "phase"]]?.stringValue != "Failed", "an MLflow outage does not fail the job")
            #expect(waiting[path: ["status", "attempts"]]?.intValue == 1, "no new attempt before the failed one's results are recorded")

            try await stack.server.resume()
            let done = try await waitFor(harness, "impatient") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(done[path: ["status", "attempts"]]?.intValue == 2)
            #expect(done[path: ["status", "runId"]]?.stringValue != firstRun, "the retry records into a run of its own")
            let first = try await stack.mlflow.run(id: firstRun)
            #expect(first.info.status == .failed)
            #expect(first.metrics["validation_auc"] == auc, "the termination message's auc is in the failed attempt's run")
            #expect(first.tags["trainyard.dev/results-source"]?.contains(pod) == true, "\(first.tags)")
            let history = try await stack.mlflow.metricHistory(runId: firstRun, key: "validation_auc")
            #expect(history.count == 1, "recorded once: \(history)")
        }
    }
}

extension TrainingJobEndToEndTests {
    @Test("a job whose MLflow experiment is deleted waits and says how to restore it; restored, it trains")
    func deletedExperiment() async throws {
        try await withStack { stack in
            let harness = stack.harness
            let id = try await stack.mlflow.ensureExperiment(named: "binned")
            try await stack.mlflow.setExperimentDeleted(id: id, true)
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "orphan", experiment: "binned"))
            let waiting = try await waitFor(harness, "orphan") { condition($0, "Running")?["reason"]?.stringValue == "ExperimentDeleted" }
            let message = condition(waiting, "Running")?["message"]?.stringValue ?? ""
            #expect(
                message.contains("\"binned\" (id \(id)) is deleted") && message.contains("experiments restore --experiment-id \(id)"),
                "\(message)")
            #expect(waiting[path: ["status", "phase"]]?.stringValue != "Failed")
            #expect(waiting[path: ["status", "runId"]] == nil, "no run in a deleted experiment")
            let pods = try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=orphan", "-o", "name")
            #expect(pods.isEmpty, "no pod without a run: \(pods)")
            try await stack.mlflow.setExperimentDeleted(id: id, false)
            let done = try await waitFor(harness, "orphan") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(done[path: ["status", "experimentId"]]?.stringValue == id)
        }
    }
}

extension TrainingJobEndToEndTests {
    @Test("a job deleted with --cascade=orphan and applied again under the same name trains in a pod of its own and reports its own run")
    func sameNameAfterOrphaningDelete() async throws {
        try await withStack { stack in
            let harness = stack.harness
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "again", params: "{numTrees: 3, maxDepth: 2}"))
            let first = try await waitFor(harness, "again") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            let firstPod = podName(first, attempt: 1)
            try await harness.kubectlOK("delete", "tj", "again", "--cascade=orphan")
            let orphan = try JSONValue.parse(try await harness.kubectlOK("get", "pod", firstPod, "-o", "json"))
            #expect(orphan[path: ["metadata", "ownerReferences"]]?.arrayValue?.isEmpty ?? true, "orphaned: \(orphan.serialized())")

            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "again", params: "{numTrees: 40, maxDepth: 3}"))
            let second = try await waitFor(harness, "again") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(second[path: ["metadata", "uid"]] != first[path: ["metadata", "uid"]])
            let secondPod = podName(second, attempt: 1)
            #expect(secondPod != firstPod)
            let pod = try JSONValue.parse(try await harness.kubectlOK("get", "pod", secondPod, "-o", "json"))
            #expect(pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"] == second[path: ["metadata", "uid"]])
            // Its own run and its own metrics: not the predecessor's.
            let runId = try #require(second[path: ["status", "runId"]]?.stringValue)
            #expect(runId != first[path: ["status", "runId"]]?.stringValue)
            let run = try await stack.mlflow.run(id: runId)
            #expect(run.params["numTrees"] == "40", "\(run.params)")
            let auc = try #require(second[path: ["status", "metrics", "auc"]]?.doubleValue)
            #expect(auc == run.metrics["validation_auc"], "status reports the run's auc: \(second.serialized())")
            #expect(auc != first[path: ["status", "metrics", "auc"]]?.doubleValue, "a 40-tree model is not the 3-tree one")
            // The orphan is left alone: not adopted, not deleted.
            let after = try JSONValue.parse(try await harness.kubectlOK("get", "pod", firstPod, "-o", "json"))
            #expect(after[path: ["metadata", "ownerReferences"]]?.arrayValue?.isEmpty ?? true)
            #expect(after[path: ["metadata", "deletionTimestamp"]] == nil)
        }
    }

    @Test(
        "a pod in the way that is controlled by another UID is never adopted: the job says what is in the way, and trains once it is gone")
    func podNameTakenByAnotherOwner() async throws {
        try await withStack { stack in
            let harness = stack.harness
            // An existing object (an invalid job that never touches pods) stands for the predecessor the
            // garbage collector has not reached: its UID owns the pod under the name "blocked".
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "holder", params: "{numTrees: 10, maxDepht: 3}"))
            _ = try await waitFor(harness, "holder") { condition($0, "Valid")?["status"]?.stringValue == "False" }
            let holderUID = try #require(try await trainingJob(harness, "holder")[path: ["metadata", "uid"]]?.stringValue)
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "blocked", extra: "  suspend: true"))
            let suspended = try await waitFor(harness, "blocked") { $0[path: ["status", "runId"]]?.stringValue != nil }
            let pod = podName(suspended, attempt: 1)
            try await harness.kubectlOK(
                "apply", "-f", "-",
                stdin: """
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: \(pod)
                      labels: {trainyard.dev/training-job: blocked}
                      ownerReferences:
                      - {apiVersion: trainyard.dev/v1alpha1, kind: TrainingJob, name: blocked, uid: \(holderUID), controller: true}
                    spec:
                      containers:
                      - {name: trainer, image: "ghcr.io/trainyard/trainyard:test", args: [idle]}
                    """)
            try await harness.kubectlOK("patch", "tj", "blocked", "--type=merge", "-p", #"{"spec":{"suspend":false}}"#)
            let waiting = try await waitFor(harness, "blocked") { condition($0, "Running")?["reason"]?.stringValue == "PodNameTaken" }
            let message = condition(waiting, "Running")?["message"]?.stringValue ?? ""
            #expect(message.contains("pod \(pod) already exists") && message.contains(holderUID), "\(message)")
            #expect(waiting[path: ["status", "metrics"]] == nil && waiting[path: ["status", "phase"]]?.stringValue == "Pending")
            let blocker = try JSONValue.parse(try await harness.kubectlOK("get", "pod", pod, "-o", "json"))
            #expect(blocker[path: ["metadata", "ownerReferences"]]?[0]?["uid"]?.stringValue == holderUID, "never adopted")

            try await harness.kubectlOK("delete", "pod", pod, "--grace-period=1")
            let done = try await waitFor(harness, "blocked") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            let own = try JSONValue.parse(try await harness.kubectlOK("get", "pod", pod, "-o", "json"))
            #expect(own[path: ["metadata", "ownerReferences"]]?[0]?["uid"] == done[path: ["metadata", "uid"]])
        }
    }

    @Test(
        "MLflow answering 403 shows in TrackingUnavailable naming the 403, is retried with growing delays, and the job goes on once allowed"
    )
    func mlflowForbidden() async throws {
        try await withStack(throughProxy: true) { stack in
            let harness = stack.harness
            stack.proxy.answer(
                status: 403, body: #"{"error_code": "PERMISSION_DENIED", "message": "Permission denied for user trainyard"}"#)
            try await harness.kubectlOK("apply", "-f", "-", stdin: manifest(name: "denied", params: "{numTrees: 5, maxDepth: 2}"))
            let refused = try await waitFor(harness, "denied") { condition($0, "TrackingUnavailable")?["status"]?.stringValue == "True" }
            let tracking = condition(refused, "TrackingUnavailable")
            #expect(tracking?["reason"]?.stringValue == "MLflowPermissionDenied", "\(refused.serialized())")
            let message = tracking?["message"]?.stringValue ?? ""
            #expect(
                message.contains("403") && message.contains("PERMISSION_DENIED") && message.contains("creating the MLflow run"),
                "\(message)")
            #expect(refused[path: ["status", "phase"]]?.stringValue != "Failed")
            let events = try await harness.kubectlOK("get", "events", "--field-selector", "involvedObject.name=denied")
            #expect(events.contains("MLflowPermissionDenied"), "\(events)")

            // Each reconcile asks MLflow once; the per-job back-off doubles from 200 ms (capped at 5 s).
            let lookups = { stack.proxy.received.filter { $0.path.hasSuffix("/experiments/get-by-name") }.map(\.at) }
            let seen = ContinuousClock.now + .seconds(120)
            while lookups().count < 7, ContinuousClock.now < seen { try await Task.sleep(for: .milliseconds(100)) }
            let times = lookups()
            try #require(times.count >= 7, "retried: \(times.count) calls")
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.prefix(6)
            // Lower bounds only (a loaded machine makes gaps longer, never shorter): the later retries
            // wait at least 0.8 s and the sixth at least 1.6 s, where a fixed delay would not grow.
            #expect(gaps.suffix(3).allSatisfy { $0 >= .milliseconds(800) }, "gaps: \(gaps)")
            #expect(gaps.last.map { $0 >= .milliseconds(1600) } == true, "gaps: \(gaps)")
            #expect(try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=denied", "-o", "name").isEmpty)

            stack.proxy.forward()
            let done = try await waitFor(harness, "denied") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(condition(done, "TrackingUnavailable")?["status"]?.stringValue == "False")
        }
    }

    @Test("deleting a job while MLflow is down finishes after the configured wait, with a Warning event naming the run left unmarked")
    func deleteWhileMLflowDown() async throws {
        try await withStack(cleanupTrackingTimeout: .seconds(3)) { stack in
            let harness = stack.harness
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "stranded", params: "{numTrees: 100000, maxDepth: 6, learningRate: 0.01}"))
            let running = try await waitFor(harness, "stranded") { $0[path: ["status", "phase"]]?.stringValue == "Running" }
            let runId = try #require(running[path: ["status", "runId"]]?.stringValue)
            await stack.server.pause()
            let started = ContinuousClock.now
            let deleted = try await harness.kubectl("delete", "tj", "stranded", "--timeout=90s", timeout: .seconds(120))
            let took = ContinuousClock.now - started
            #expect(deleted.succeeded, "\(deleted)")
            // The wait counts from metadata.deletionTimestamp, which has whole seconds: up to 1 s of it may have passed already.
            #expect(took >= .seconds(2), "deletion waited for MLflow first: \(took)")
            let events = try await harness.kubectlOK(
                "get", "events", "--field-selector", "involvedObject.name=stranded,reason=RunNotMarked", "-o", "json")
            let event = try #require(try JSONValue.parse(events)["items"]?.arrayValue?.first, "no RunNotMarked event: \(events)")
            #expect(event["type"]?.stringValue == "Warning")
            #expect(event["message"]?.stringValue?.contains(runId) == true, "\(event.serialized())")
            let pods = try await harness.kubectlOK("get", "pods", "-l", "trainyard.dev/training-job=stranded", "-o", "json")
            #expect(
                (try JSONValue.parse(pods)["items"]?.arrayValue ?? []).allSatisfy {
                    $0[path: ["metadata", "deletionTimestamp"]] != nil || $0[path: ["status", "phase"]]?.stringValue != "Running"
                }, "the pod is stopped: \(pods)")
            try await stack.server.resume()
            #expect(try await stack.mlflow.run(id: runId).info.status == .running, "left as it was, as the event says")
        }
    }
}

/// Waits until the pod's log satisfies `condition` (the pod may not exist yet).
private func waitForLog(
    _ harness: DevClusterHarness, pod: String, timeout: Duration = .seconds(180), _ condition: (String) -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    var last = ""
    while ContinuousClock.now < deadline {
        let logs = try await harness.kubectl("logs", pod)
        last = logs.stdout + logs.stderr
        if logs.succeeded && condition(logs.stdout) { return }
        try await Task.sleep(for: .milliseconds(250))
    }
    Issue.record("the log of \(pod) never got there: \(last)")
    throw CancellationError()
}

private func waitFor(
    _ harness: DevClusterHarness, _ name: String, timeout: Duration = .seconds(180), _ condition: (JSONValue) -> Bool
) async throws -> JSONValue {
    let deadline = ContinuousClock.now + timeout
    var last = JSONValue.null
    while ContinuousClock.now < deadline {
        if let job = try? await trainingJob(harness, name) {
            last = job
            if condition(job) { return job }
        }
        try await Task.sleep(for: .milliseconds(250))
    }
    Issue.record("tj/\(name) never got there: \(last.serialized())")
    throw CancellationError()
}
