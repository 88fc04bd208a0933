import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

private let configuration = PodRuntimeConfiguration(
    trainyardImage: "ghcr.io/trainyard/trainyard", binaryPath: "/opt/trainyard", stateDirectory: "/state")
private let directories = PodDirectories(pod: "/state/pods/default_p_u1", state: "/state")

private func pod(_ yaml: String) throws -> JSONValue {
    try JSONValue.parse(yaml)
}

@Suite("Launch plans: a container as a local process")
struct LaunchPlanTests {
    @Test(
        "the Trainyard image matches by repository, whatever the tag or digest",
        arguments: [
            ("ghcr.io/trainyard/trainyard", true), ("ghcr.io/trainyard/trainyard:0.1.0", true),
            ("ghcr.io/trainyard/trainyard@sha256:abc", true), ("ghcr.io/trainyard/trainyard-extra:1", false),
            ("nginx:1.27", false), ("localhost:5000/trainyard/trainyard:1", false),
        ])
    func imageMatch(image: String, runs: Bool) {
        #expect(configuration.runs(image: image) == runs)
    }

    @Test("env: value with $(VAR) expansion, secretKeyRef, configMapKeyRef, fieldRef and envFrom with prefix; later wins")
    func environment() throws {
        let spec = try pod(
            #"""
            {"metadata": {"name": "p", "namespace": "team", "uid": "u1", "labels": {"app": "web"}},
             "spec": {"containers": [{"name": "c", "image": "ghcr.io/trainyard/trainyard:dev",
               "args": ["idle", "--message", "$(GREETING) from $(POD)", "$$(KEEP)", "$(UNDEFINED)"],
               "ports": [{"containerPort": 8080}],
               "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
               "env": [
                 {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                 {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                 {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                 {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                 {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
                 {"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "level"}}},
                 {"name": "GREETING", "value": "hello"},
                 {"name": "CFG_level", "value": "overridden"}]}]}}
            """#)
        var references = PodReferences()
        references.secrets["creds"] = ["token": Array("s3cret".utf8)]
        references.configMaps["settings"] = ["level": Array("debug".utf8)]
        let plan = try LaunchPlan.make(
            pod: spec, container: "c", configuration: configuration, directories: directories, references: references, ports: [8080: 41234])
        #expect(plan.executable == "/opt/trainyard")
        #expect(plan.arguments == ["idle", "--message", "hello from p", "$(KEEP)", "$(UNDEFINED)"])
        let env = plan.environment
        #expect(env["POD"] == "p" && env["NS"] == "team" && env["APP"] == "web" && env["IP"] == "127.0.0.1")
        #expect(env["TOKEN"] == "s3cret" && env["LEVEL"] == "debug" && env["CFG_level"] == "overridden")
        #expect(env["PORT"] == "41234")
        #expect(env["TRAINYARD_TERMINATION_MESSAGE_PATH"] == "/state/pods/default_p_u1/containers/c/termination-log")
        #expect(env["HOSTNAME"] == "p")
    }

    @Test("volumes map to local directories and paths in arguments, env and workingDir follow the mounts")
    func volumes() throws {
        let spec = try pod(
            #"""
            {"metadata": {"name": "p", "namespace": "team", "uid": "u1"},
             "spec": {"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "datasets"}},
                                  {"name": "scratch", "emptyDir": {}},
                                  {"name": "host", "hostPath": {"path": "/srv/models"}},
                                  {"name": "conf", "configMap": {"name": "settings", "items": [{"key": "level", "path": "log/level.txt"}]}},
                                  {"name": "keys", "secret": {"secretName": "creds"}}],
              "containers": [{"name": "c", "image": "ghcr.io/trainyard/trainyard",
                "command": ["/usr/local/bin/trainyard", "train"],
                "args": ["--data", "/data/iris.csv", "--output", "/scratch/out", "--validation-data", "/datafile.csv"],
                "workingDir": "/scratch",
                "env": [{"name": "MODELS", "value": "/models/current"}],
                "volumeMounts": [{"name": "data", "mountPath": "/data/"}, {"name": "scratch", "mountPath": "/scratch"},
                                 {"name": "host", "mountPath": "/models"}, {"name": "conf", "mountPath": "/etc/app"},
                                 {"name": "keys", "mountPath": "/var/run/keys", "readOnly": true}]}]}}
            """#)
        var references = PodReferences()
        references.secrets["creds"] = ["token": Array("s3cret".utf8)]
        references.configMaps["settings"] = ["level": Array("debug".utf8), "unused": Array("x".utf8)]
        let plan = try LaunchPlan.make(
            pod: spec, container: "c", configuration: configuration, directories: directories, references: references, ports: [:])
        #expect(
            plan.arguments == [
                "train", "--data", "/state/volumes/team/datasets/iris.csv", "--output", "/state/pods/default_p_u1/volumes/scratch/out",
                "--validation-data", "/datafile.csv",
            ])
        #expect(plan.workingDirectory == "/state/pods/default_p_u1/volumes/scratch")
        #expect(plan.environment["MODELS"] == "/state/hostpath/srv/models/current")
        #expect(plan.files["/state/pods/default_p_u1/volumes/conf/log/level.txt"] == Array("debug".utf8))
        #expect(plan.files["/state/pods/default_p_u1/volumes/conf/unused"] == nil)
        #expect(plan.files["/state/pods/default_p_u1/volumes/keys/token"] == Array("s3cret".utf8))
        #expect(plan.environment["PORT"] == nil)
    }

    @Test(
        "what cannot run is refused with the kubelet's waiting reason and a message naming the problem",
        arguments: [
            (#"{"name": "c", "image": "nginx:1.27"}"#, "ImageNotSupported", "runs only the Trainyard image", false),
            (
                #"{"name": "c", "image": "ghcr.io/trainyard/trainyard", "command": ["python3", "-m", "http.server"]}"#, "RunContainerError",
                "command \"python3\" is not trainyard", false
            ),
            (
                #"{"name": "c", "image": "ghcr.io/trainyard/trainyard", "env": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "missing", "key": "k"}}}]}"#,
                "CreateContainerConfigError", "secret \"missing\" not found", true
            ),
            (
                #"{"name": "c", "image": "ghcr.io/trainyard/trainyard", "env": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "nope"}}}]}"#,
                "CreateContainerConfigError", "couldn't find key nope in Secret creds", true
            ),
            (
                #"{"name": "c", "image": "ghcr.io/trainyard/trainyard", "volumeMounts": [{"name": "ghost", "mountPath": "/x"}]}"#,
                "CreateContainerConfigError", "volume \"ghost\" is not defined", false
            ),
        ])
    func refusals(container: String, reason: String, fragment: String, retryable: Bool) throws {
        let spec = try pod(#"{"metadata": {"name": "p", "uid": "u1"}, "spec": {"containers": [\#(container)]}}"#)
        var references = PodReferences()
        references.secrets["creds"] = ["token": []]
        #expect {
            try LaunchPlan.make(
                pod: spec, container: "c", configuration: configuration, directories: directories, references: references, ports: [:])
        } throws: { error in
            guard let error = error as? LaunchError else { return false }
            return error.reason == reason && error.message.contains(fragment) && error.retryable == retryable
        }
    }

    @Test("the names a pod refers to are found in env, envFrom and volumes")
    func references() throws {
        let spec = try pod(
            #"""
            {"spec": {"containers": [{"name": "c", "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s1", "key": "k"}}}],
               "envFrom": [{"configMapRef": {"name": "c1"}}, {"secretRef": {"name": "s2"}}]}],
              "volumes": [{"name": "v", "configMap": {"name": "c2"}}, {"name": "w", "secret": {"secretName": "s3"}}]}}
            """#)
        let names = PodReferences.names(in: spec)
        #expect(names.secrets == ["s1", "s2", "s3"])
        #expect(names.configMaps == ["c1", "c2"])
    }
}

@Suite("Pod status as a kubelet writes it")
struct PodStatusBuilderTests {
    private func record(_ state: ContainerRecord.State, restarts: Int = 0, last: Int32? = nil, ready: Bool = false) -> ContainerRecord {
        var record = ContainerRecord(name: "c", image: "i")
        record.state = state
        record.restartCount = restarts
        record.ready = ready
        if let last {
            record.lastTermination = ContainerTermination(
                exitCode: last, reason: last == 0 ? "Completed" : "Error", message: nil, startedAt: Date(), finishedAt: Date(),
                containerID: "trainyard://1")
        }
        return record
    }

    private func ended(_ code: Int32) -> ContainerRecord.State {
        .terminated(
            ContainerTermination(
                exitCode: code, reason: code == 0 ? "Completed" : "Error", message: nil, startedAt: Date(), finishedAt: Date(),
                containerID: "trainyard://1"))
    }

    @Test("phases follow the kubelet's rules for each restart policy")
    func phases() {
        let waiting = ContainerRecord.State.waiting(reason: "ContainerCreating", message: nil)
        let running = ContainerRecord.State.running(startedAt: Date(), containerID: "trainyard://1")
        let backOff = ContainerRecord.State.waiting(reason: "CrashLoopBackOff", message: nil)
        #expect(PodStatusBuilder.phase([record(waiting)], restartPolicy: "Always") == "Pending")
        #expect(PodStatusBuilder.phase([record(running)], restartPolicy: "Never") == "Running")
        #expect(PodStatusBuilder.phase([record(ended(0))], restartPolicy: "Never") == "Succeeded")
        #expect(PodStatusBuilder.phase([record(ended(2))], restartPolicy: "Never") == "Failed")
        #expect(PodStatusBuilder.phase([record(ended(0))], restartPolicy: "OnFailure") == "Succeeded")
        #expect(PodStatusBuilder.phase([record(backOff, restarts: 1, last: 1)], restartPolicy: "OnFailure") == "Running")
        #expect(PodStatusBuilder.phase([record(backOff, restarts: 1, last: 0)], restartPolicy: "Always") == "Running")
        #expect(PodStatusBuilder.phase([record(running), record(ended(1))], restartPolicy: "Never") == "Running")
        #expect(PodStatusBuilder.phase([record(ended(0)), record(ended(1))], restartPolicy: "Never") == "Failed")
    }

    @Test("conditions: Ready only while every container runs ready; lastTransitionTime moves only on a change")
    func conditions() throws {
        var times: [String: (status: Bool, time: Date)] = [:]
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let running = ContainerRecord.State.running(startedAt: start, containerID: "trainyard://7")
        let first = PodStatusBuilder.status(
            [record(running, ready: false)], restartPolicy: "Always", scheduled: start, startTime: start, terminal: nil,
            conditionTimes: &times, now: start)
        func ready(_ status: JSONValue) -> JSONValue? {
            status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }
        }
        #expect(ready(first)?["status"]?.stringValue == "False")
        #expect(ready(first)?["reason"]?.stringValue == "ContainersNotReady")
        let later = start.addingTimeInterval(5)
        let second = PodStatusBuilder.status(
            [record(running, ready: true)], restartPolicy: "Always", scheduled: start, startTime: start, terminal: nil,
            conditionTimes: &times, now: later)
        #expect(ready(second)?["status"]?.stringValue == "True")
        #expect(ready(second)?["lastTransitionTime"]?.stringValue == PodStatusBuilder.timestamp(later))
        let third = PodStatusBuilder.status(
            [record(running, ready: true)], restartPolicy: "Always", scheduled: start, startTime: start, terminal: nil,
            conditionTimes: &times, now: later.addingTimeInterval(60))
        #expect(ready(third)?["lastTransitionTime"]?.stringValue == PodStatusBuilder.timestamp(later))
        let container = try #require(third["containerStatuses"]?.arrayValue?.first)
        #expect(container["containerID"]?.stringValue == "trainyard://7" && container["ready"] == .bool(true))
        #expect(third["podIP"]?.stringValue == "127.0.0.1" && third["phase"]?.stringValue == "Running")

        let deadline = PodStatusBuilder.status(
            [record(ended(137))], restartPolicy: "Always", scheduled: start, startTime: start,
            terminal: ("DeadlineExceeded", "Pod was active on the node longer than the specified deadline"), conditionTimes: &times,
            now: later)
        #expect(deadline["phase"]?.stringValue == "Failed" && deadline["reason"]?.stringValue == "DeadlineExceeded")
    }
}
