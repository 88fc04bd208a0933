import Foundation
import KubeAPI
import Synchronization
import Testing

@testable import DevCluster

/// Serving `pods/log` from a runtime's files: which file, which bytes, which errors.
@Suite struct PodLogTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-logtest-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func file(_ text: String, name: String = "0.log") throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func tail(_ text: String, _ lines: Int64) throws -> String {
        let path = try file(text)
        let size = PodLogFiles.size(path)
        let start = PodLogFiles.tailStart(path, lines: lines, end: size)
        return String(decoding: Array(text.utf8)[Int(start)...], as: UTF8.self)
    }

    @Test func tailCountsCompleteLinesAndKeepsAnUnfinishedOne() throws {
        #expect(try tail("a\nb\nc\n", 1) == "c\n")
        #expect(try tail("a\nb\nc\n", 2) == "b\nc\n")
        #expect(try tail("a\nb\nc\n", 10) == "a\nb\nc\n")
        #expect(try tail("a\nb\nc", 1) == "b\nc")
        #expect(try tail("a\nb\nc", 0) == "")
        #expect(try tail("", 3) == "")
        #expect(try tail("\n\n", 1) == "\n")
    }

    @Test func tailOfALogLongerThanOneReadBlock() throws {
        let lines = (0..<20_000).map { "line \($0) of a long training log" }
        let text = lines.joined(separator: "\n") + "\n"
        #expect(try tail(text, 3) == lines.suffix(3).joined(separator: "\n") + "\n")
        #expect(try tail(text, 5000) == lines.suffix(5000).joined(separator: "\n") + "\n")
    }

    @Test func restartCountsIgnoreOtherFiles() throws {
        for name in ["0.log", "2.log", "10.log", "1.log.20260101-000000", "x.log", ".log", "-1.log"] { _ = try file("", name: name) }
        #expect(PodLogFiles.restartCounts(in: directory) == [0, 2, 10])
        #expect(PodLogFiles.restartCounts(in: directory + "/missing") == [])
    }

    static func pod(containers: [String], initContainers: [String] = [], statuses: [JSONValue] = []) -> JSONValue {
        var pod: JSONValue = [
            "metadata": ["name": "p"],
            "spec": ["containers": .array(containers.map { ["name": .string($0)] })],
            "status": ["phase": "Running", "containerStatuses": .array(statuses)],
        ]
        if !initContainers.isEmpty { pod[path: ["spec", "initContainers"]] = .array(initContainers.map { ["name": .string($0)] }) }
        return pod
    }

    @Test func containerChoiceFollowsTheRealServer() throws {
        let one = Self.pod(containers: ["main"])
        #expect(try PodLogSelection.container(nil, pod: one, podName: "p") == "main")
        let two = Self.pod(containers: ["app", "sidecar"], initContainers: ["setup"])
        #expect(try PodLogSelection.container("setup", pod: two, podName: "p") == "setup")
        #expect(throws: APIError.self) { try PodLogSelection.container(nil, pod: two, podName: "p") }
        do {
            _ = try PodLogSelection.container(nil, pod: two, podName: "p")
        } catch {
            #expect(error.code == 400)
            #expect(error.message == "a container name must be specified for pod p, choose one of: [setup app sidecar]")
        }
        do {
            _ = try PodLogSelection.container("db", pod: two, podName: "p")
        } catch {
            #expect(error.message == "container db is not valid for pod p")
        }
    }

    @Test func currentAndPreviousAttempts() throws {
        func choose(_ statusRestarts: Int64?, _ files: [Int], previous: Bool) -> Result<Int, APIError> {
            let statuses: [JSONValue] =
                statusRestarts.map { [["name": "main", "restartCount": .int($0), "state": ["running": [:]]]] } ?? []
            let pod = Self.pod(containers: ["main"], statuses: statuses)
            return Result { () throws(APIError) -> Int in
                try PodLogSelection.restartCount(pod: pod, podName: "p", container: "main", previous: previous, available: files)
            }
        }
        #expect(try choose(nil, [0, 1, 2], previous: false).get() == 2)
        #expect(try choose(nil, [0, 1, 2], previous: true).get() == 1)
        #expect(try choose(2, [0, 2], previous: true).get() == 0)
        // Attempt 3 has not started: the current log is attempt 2's, and so is the previous one.
        #expect(try choose(3, [1, 2], previous: false).get() == 2)
        #expect(try choose(3, [1, 2], previous: true).get() == 2)
        // The status may lag behind a new file.
        #expect(try choose(0, [0, 1], previous: false).get() == 1)
        if case .failure(let error) = choose(0, [0], previous: true) {
            #expect(error.message == "previous terminated container \"main\" in pod \"p\" not found")
        } else {
            Issue.record("a previous attempt was found where there is none")
        }
        if case .failure(let error) = choose(nil, [], previous: false) {
            #expect(error.message == "container \"main\" in pod \"p\" is waiting to start: ContainerCreating")
        } else {
            Issue.record("a log was found where there is none")
        }
    }

    @Test func waitingReasonsAreWordedAsTheKubeletWordsThem() {
        func message(_ state: JSONValue) -> String {
            PodLogSelection.notStartedMessage(["name": "c", "state": state], container: "c", podName: "p")
        }
        #expect(
            message(["waiting": ["reason": "ErrImagePull"]]) == "container \"c\" in pod \"p\" is waiting to start: image can't be pulled")
        #expect(message(["waiting": ["reason": "ImagePullBackOff"]]).hasSuffix("is waiting to start: trying and failing to pull image"))
        #expect(message(["waiting": ["reason": "CrashLoopBackOff"]]).hasSuffix("is waiting to start: CrashLoopBackOff"))
        #expect(message(["terminated": ["exitCode": 1]]) == "container \"c\" in pod \"p\" is terminated")
    }

    @Test func anAttemptEndsWithItsTerminationOrASuccessor() {
        func ended(_ status: JSONValue?, phase: String = "Running", newest: Int? = 0) -> Bool {
            var pod = Self.pod(containers: ["main"], statuses: status.map { [$0] } ?? [])
            pod[path: ["status", "phase"]] = .string(phase)
            return PodLogSelection.attemptEnded(pod: pod, container: "main", restartCount: 0, newestFile: newest)
        }
        #expect(!ended(nil))
        #expect(!ended(["name": "main", "restartCount": 0, "state": ["running": [:]]]))
        #expect(ended(["name": "main", "restartCount": 0, "state": ["terminated": ["exitCode": 0]]]))
        #expect(ended(["name": "main", "restartCount": 1, "state": ["waiting": ["reason": "CrashLoopBackOff"]]]))
        #expect(ended(nil, newest: 1))
        #expect(ended(nil, phase: "Failed"))
    }

    @Test func optionsAreValidatedAsPodLogOptions() throws {
        func error(_ query: [String: String]) -> APIError? {
            do {
                _ = try PodLogOptions(query: query, podName: "p")
                return nil
            } catch {
                return error
            }
        }
        #expect(
            error(["tailLines": "-1"])?.message
                == "PodLogOptions \"p\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0")
        #expect(
            error(["limitBytes": "0"])?.message == "PodLogOptions \"p\" is invalid: limitBytes: Invalid value: 0: must be greater than 0")
        #expect(error(["sinceSeconds": "0"])?.code == 422)
        #expect(
            error(["sinceSeconds": "5", "sinceTime": "2026-01-01T00:00:00Z"])?.message
                == "PodLogOptions \"p\" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")
        #expect(error(["tailLines": "ten"])?.code == 400)
        #expect(error(["stream": "Stderr"])?.code == 422)
        let options = try PodLogOptions(query: ["follow": "true", "previous": "0", "timestamps": "", "tailLines": "3"], podName: "p")
        #expect(options.follow && !options.previous && options.timestamps && options.tailLines == 3)
    }

    // MARK: Through the handler

    func handler() throws -> APIHandler {
        let store = try ClusterStore(stateDirectory: nil, historyLimit: 100)
        return APIHandler(store: store, serverAddress: { "127.0.0.1:0" }, podLogsDirectory: directory)
    }

    @discardableResult
    func createPod(_ handler: APIHandler, _ name: String, containers: [String] = ["main"]) -> String {
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)],
            "spec": ["containers": .array(containers.map { ["name": .string($0), "image": "busybox"] })],
        ]
        let created = handler.handle(APIRequest(method: "POST", path: "/api/v1/namespaces/default/pods", body: body.serializedBytes()))
        guard case .json(201, let pod, _) = created else {
            Issue.record("creating the pod: \(created)")
            return ""
        }
        return pod[path: ["metadata", "uid"]]?.stringValue ?? ""
    }

    func stream(_ handler: APIHandler, _ pod: String, _ query: [String: String]) -> PodLogStream? {
        let request = APIRequest(method: "GET", path: "/api/v1/namespaces/default/pods/\(pod)/log", query: query)
        guard case .podLog(let stream) = handler.respond(request) else {
            Issue.record("no log stream for \(pod) \(query): \(handler.respond(request))")
            return nil
        }
        return stream
    }

    @Test func followSendsWhatIsAppendedAndEndsWithTheAttempt() async throws {
        let handler = try handler()
        let uid = createPod(handler, "job")
        let logDirectory = "\(directory)/default_job_\(uid)/main"
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let path = logDirectory + "/0.log"
        try Data("one\ntwo\n".utf8).write(to: URL(fileURLWithPath: path))
        var follow = try #require(stream(handler, "job", ["follow": "true", "tailLines": "1"]))
        follow.pollInterval = .milliseconds(10)

        let received = Received()
        let pump = Task { [follow] in
            try await follow.pump(write: { received.append($0) }, stopped: { false })
        }
        try await waitUntil { received.bytes == Array("two\n".utf8) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("three\n".utf8))
        try await waitUntil { received.bytes == Array("two\nthree\n".utf8) }
        try handle.write(contentsOf: Data("last\n".utf8))
        try handle.close()
        let status: JSONValue = [
            "status": ["containerStatuses": [["name": "main", "restartCount": 0, "state": ["terminated": ["exitCode": 0]]]]]
        ]
        _ = handler.handle(
            APIRequest(
                method: "PATCH", path: "/api/v1/namespaces/default/pods/job/status", contentType: "application/merge-patch+json",
                body: status.serializedBytes()))
        try await pump.value
        #expect(String(decoding: received.bytes, as: UTF8.self) == "two\nthree\nlast\n")
    }

    @Test func logsWithoutARuntimeOrForAMissingPod() throws {
        let store = try ClusterStore(stateDirectory: nil, historyLimit: 100)
        let noRuntime = APIHandler(store: store, serverAddress: { "127.0.0.1:0" })
        createPod(noRuntime, "p")
        let answer = noRuntime.handle(APIRequest(method: "GET", path: "/api/v1/namespaces/default/pods/p/log"))
        guard case .json(400, let status, _) = answer else {
            Issue.record("\(answer)")
            return
        }
        #expect(status["message"]?.stringValue?.contains("runs without a pod runtime") == true)
        let missing = try handler().handle(APIRequest(method: "GET", path: "/api/v1/namespaces/default/pods/nope/log"))
        guard case .json(404, let notFound, _) = missing else {
            Issue.record("\(missing)")
            return
        }
        #expect(notFound["message"] == "pods \"nope\" not found")
    }

    /// Bytes a stream sent, shared with the task pumping it.
    final class Received: Sendable {
        private let value = Mutex<[UInt8]>([])
        var bytes: [UInt8] { value.withLock { $0 } }
        func append(_ data: Data) { value.withLock { $0 += data } }
    }

    func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out")
    }
}
