import ControllerRuntime
import Controllers
import DevCluster
import DevRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization
import Testing
import Tracking
import TrainyardTesting

/// The whole path of a TrainingJob: real MLflow, the dev API server with its pod runtime, the
/// TrainingJob controller, and real kubectl.
private struct Stack {
    let harness: DevClusterHarness
    let mlflow: MLflowClient
    let mlflowURL: String
    let controller: ControllerProcess
    let server: RestartableMLflow
}

/// Every (verb, resource) the controller's client calls, to hold against manifests/rbac.yaml.
private final class CallAudit: KubeClientObserver {
    private let calls = Mutex<Set<String>>([])

    func requestFinished(verb: String, resource: String, statusCode: Int, duration: Duration) {
        _ = calls.withLock { $0.insert("\(verb == "apply" ? "patch" : verb) \(resource)") }
    }

    func watchRestarted(resource: String, reason: String) {}

    var recorded: Set<String> { calls.withLock { $0 } }

    /// The calls manifests/rbac.yaml does not allow.
    func notAllowed() throws -> [String] {
        var allowed: Set<String> = []
        for document in try loadYAMLDocuments(repositoryRoot + "/manifests/rbac.yaml")
        where ["ClusterRole", "Role"].contains(document["kind"]?.stringValue ?? "") {
            for rule in document["rules"]?.arrayValue ?? [] {
                for group in (rule["apiGroups"]?.arrayValue ?? []).compactMap(\.stringValue) {
                    for resource in (rule["resources"]?.arrayValue ?? []).compactMap(\.stringValue) {
                        // RBAC's "trainingjobs/status" in group trainyard.dev is the client's "trainingjobs.trainyard.dev/status".
                        let parts = resource.split(separator: "/", maxSplits: 1).map(String.init)
                        let name = (group.isEmpty ? parts[0] : "\(parts[0]).\(group)") + (parts.count > 1 ? "/\(parts[1])" : "")
                        for verb in (rule["verbs"]?.arrayValue ?? []).compactMap(\.stringValue) { allowed.insert("\(verb) \(name)") }
                    }
                }
            }
        }
        return recorded.subtracting(allowed).sorted()
    }
}

/// The MLflow server, stopped and started again on the same port with the same state.
private final class RestartableMLflow: Sendable {
    private let server: Mutex<MLflowServer>

    init(_ server: MLflowServer) { self.server = Mutex(server) }

    var current: MLflowServer { server.withLock { $0 } }

    /// MLflow crashes: its port refuses connections at once.
    func pause() async { await current.stop(keepingFiles: true, grace: .zero) }

    func resume() async throws {
        let stopped = current
        let started = try await MLflowServer.start(port: stopped.port, directory: stopped.directory)
        server.withLock { $0 = started }
    }
}

/// The TrainingJob controller in this process, stopped and started again on demand, as a pod of
/// the controller would be.
private final class ControllerProcess: Sendable {
    private let start: @Sendable () throws -> Task<Void, any Error>
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(start: @escaping @Sendable () throws -> Task<Void, any Error>) throws {
        self.start = start
        let first = try start()
        task.withLock { $0 = first }
    }

    func restart() async throws {
        await stop()
        let next = try start()
        task.withLock { $0 = next }
    }

    func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        _ = try? await running?.value
    }
}

private func withStack(trainerTrackingRetrySeconds: Int = 60, _ body: (Stack) async throws -> Void) async throws {
    let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
    let server = RestartableMLflow(try await MLflowServer.start())
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-tj-\(UUID().uuidString.prefix(8))").path
    let logs = scratch + "/logs"
    let harness = try await DevClusterHarness.start(podLogsDirectory: logs)
    var logger = Logger(label: "test.trainingjob")
    logger.logLevel = .warning
    var tasks: [Task<Void, any Error>] = []
    func stopAll() async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
        await harness.stop()
        await server.current.stop()
        try? FileManager.default.removeItem(atPath: scratch)
    }
    do {
        try await harness.kubectlOK("apply", "-f", repositoryRoot + "/crds/")
        try await harness.kubectlOK("wait", "--for=condition=Established", "crd", "--all", "--timeout=30s")
        var pods = PodRuntimeConfiguration(
            trainyardImage: "ghcr.io/trainyard/trainyard", binaryPath: binary, stateDirectory: scratch + "/state", podLogsDirectory: logs)
        pods.imagePaths["/usr/share/trainyard/datasets"] = repositoryRoot + "/data"
        let node = try DevNode(
            clientConfiguration: try harness.clientConfiguration(), configuration: DevNodeConfiguration(pods: pods), logger: logger)
        tasks.append(Task { try await node.run() })

        let mlflowConfiguration = try MLflowConfiguration(trackingURI: server.current.url)
        var settings = TrainingJobSettings(image: "ghcr.io/trainyard/trainyard:test", mlflow: mlflowConfiguration)
        settings.initialBackoff = 1
        settings.trainerTrackingRetrySeconds = trainerTrackingRetrySeconds
        settings.runningCheckInterval = .milliseconds(500)
        settings.trackingRetryDelay = .milliseconds(500)
        let clientConfiguration = try harness.clientConfiguration()
        let (controllerLogger, controllerSettings) = (logger, settings)
        let audit = CallAudit()
        let controller = try ControllerProcess {
            var configuration = ManagerConfiguration(workers: 2)
            configuration.observer = audit
            let manager = try Manager(clientConfiguration: clientConfiguration, configuration: configuration, logger: controllerLogger)
            let reconciler = TrainingJobController(manager: manager, settings: controllerSettings, logger: controllerLogger)
            return Task {
                try await manager.run(signals: [])
                withExtendedLifetime(reconciler) {}
            }
        }
        do {
            try await body(
                Stack(
                    harness: harness, mlflow: MLflowClient(mlflowConfiguration), mlflowURL: server.current.url, controller: controller,
                    server: server))
        } catch {
            await controller.stop()
            throw error
        }
        await controller.stop()
        // Least privilege, checked: every call the controller made is one manifests/rbac.yaml grants.
        #expect(try audit.notAllowed() == [], "calls outside manifests/rbac.yaml; all calls: \(audit.recorded.sorted())")
        #expect(audit.recorded.contains("update trainingjobs.trainyard.dev/status") && audit.recorded.contains("create pods"))
    } catch {
        await stopAll()
        throw error
    }
    await stopAll()
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
            #expect(pod[path: ["metadata", "name"]]?.stringValue == "breast-cancer-gbdt-1")
            #expect(pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["kind"]?.stringValue == "TrainingJob")
            #expect(pod[path: ["spec", "securityContext", "runAsNonRoot"]]?.boolValue == true)
            #expect(pod[path: ["spec", "securityContext", "seccompProfile", "type"]]?.stringValue == "RuntimeDefault")
            let container = try #require(pod[path: ["spec", "containers"]]?.arrayValue?.first)
            #expect(container[path: ["securityContext", "readOnlyRootFilesystem"]]?.boolValue == true)
            #expect(container[path: ["securityContext", "allowPrivilegeEscalation"]]?.boolValue == false)
            #expect(container[path: ["securityContext", "capabilities", "drop"]] == ["ALL"])
            #expect(container["terminationMessagePolicy"]?.stringValue == "FallbackToLogsOnError")
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
            #expect(pods.split(separator: "\n") == ["pod/steady-1"], "exactly one pod: \(pods)")
        }
    }

    @Test("MLflow stopped mid-training and started again: TrackingUnavailable shows meanwhile, the job succeeds, metrics are recorded once")
    func mlflowOutageMidTraining() async throws {
        try await withStack { stack in
            let harness = stack.harness
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "patient", params: "{numTrees: 5000, maxDepth: 6, learningRate: 0.01}"))
            _ = try await waitFor(harness, "patient") { $0[path: ["status", "phase"]]?.stringValue == "Running" }
            await stack.server.pause()
            let unavailable = try await waitFor(harness, "patient") {
                condition($0, "TrackingUnavailable")?["status"]?.stringValue == "True"
            }
            #expect(unavailable[path: ["status", "phase"]]?.stringValue != "Failed", "an MLflow outage does not fail the job")
            // Let the trainer finish and meet the outage when it records, then bring MLflow back while it retries.
            let trained = ContinuousClock.now + .seconds(180)
            while ContinuousClock.now < trained {
                let logs = try await harness.kubectl("logs", "patient-1")
                if logs.stdout.contains("wrote an MLflow model") { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            try await Task.sleep(for: .seconds(2))
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
            #expect(history.count == 5000, "each round recorded once: \(history.count) points for \(curve)")
            #expect(Set(history.map(\.step)).count == history.count)
        }
    }
}

extension TrainingJobEndToEndTests {
    @Test("a trainer that gives up on MLflow keeps its results in the termination message; they reach its run once MLflow is back")
    func trainerGivesUpOnMLflow() async throws {
        try await withStack(trainerTrackingRetrySeconds: 2) { stack in
            let harness = stack.harness
            try await harness.kubectlOK(
                "apply", "-f", "-", stdin: manifest(name: "impatient", params: "{numTrees: 3000, maxDepth: 6, learningRate: 0.01}"))
            // MLflow goes away once the first attempt's run exists, before its trainer records anything.
            let started = try await waitFor(harness, "impatient") { $0[path: ["status", "runId"]]?.stringValue != nil }
            let firstRun = try #require(started[path: ["status", "runId"]]?.stringValue)
            await stack.server.pause()

            // The trainer trains on, waits 2 s for MLflow, and gives up with its results in the termination message.
            var message = ""
            let gaveUp = ContinuousClock.now + .seconds(180)
            while ContinuousClock.now < gaveUp {
                let phase = try await harness.kubectlOK("get", "pod", "impatient-1", "-o", "jsonpath={.status.phase}")
                if phase == "Failed" {
                    message = try await harness.kubectlOK(
                        "get", "pod", "impatient-1", "-o", "jsonpath={.status.containerStatuses[0].state.terminated.message}")
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            if message.isEmpty {
                let pod = try await harness.kubectl("get", "pod", "impatient-1", "-o", "yaml")
                let logs = try await harness.kubectl("logs", "impatient-1", "--tail=20")
                Issue.record("impatient-1 did not fail with a termination message:\n\(pod.stdout)\n\(logs.stdout)")
            }
            let summary = try JSONValue.parse(message)
            #expect(summary["reason"]?.stringValue == "TrackingUnavailable", "\(message)")
            #expect(summary["recorded"]?.boolValue == false)
            let auc = try #require(
                summary[path: ["validation", "auc"]]?.doubleValue, "the results are in the termination message: \(message)")

            // The failed attempt's run cannot be closed while MLflow is away: the job waits and says why.
            let waiting = try await waitFor(harness, "impatient") { condition($0, "TrackingUnavailable")?["status"]?.stringValue == "True" }
            try await Task.sleep(for: .seconds(2))
            let still = try await trainingJob(harness, "impatient")
            #expect(
                still[path: ["status", "phase"]]?.stringValue != "Failed", "an MLflow outage does not fail the job: \(waiting.serialized())"
            )
            #expect(still[path: ["status", "attempts"]]?.intValue == 1, "no new attempt before the failed one's results are recorded")

            try await stack.server.resume()
            let done = try await waitFor(harness, "impatient") { $0[path: ["status", "phase"]]?.stringValue == "Succeeded" }
            #expect(done[path: ["status", "attempts"]]?.intValue == 2)
            #expect(done[path: ["status", "runId"]]?.stringValue != firstRun, "the retry records into a run of its own")
            let first = try await stack.mlflow.run(id: firstRun)
            #expect(first.info.status == .failed)
            #expect(first.metrics["validation_auc"] == auc, "the termination message's auc is in the failed attempt's run")
            #expect(first.tags["trainyard.dev/results-source"]?.contains("impatient-1") == true, "\(first.tags)")
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
