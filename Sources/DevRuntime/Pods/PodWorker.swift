import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging

/// Runs one pod as the kubelet would: binds it, starts each container as a process, restarts by
/// the pod's policy with back-off, probes readiness, enforces activeDeadlineSeconds, writes the
/// status after every change, and on deletion stops the processes (SIGTERM, the grace period,
/// then SIGKILL) before it removes the pod.
actor PodWorker {
    let key: ObjectKey
    let uid: String
    private var pod: JSONValue
    private let client: KubeClient
    private let configuration: PodRuntimeConfiguration
    private let events: EventRecorder
    private let logger: Logger
    private let ports: PortAllocator

    private var containers: [ContainerRecord]
    private var processes: [String: ContainerProcess] = [:]
    private var localPorts: [Int: Int] = [:]
    private var terminal: (reason: String, message: String)?
    private var terminating = false
    private var stopped = false
    private var scheduled = Date()
    private var startTime: Date?
    private var conditionTimes: [String: (status: Bool, time: Date)] = [:]
    private var statusDirty = false
    private var statusWriter: Task<Void, Never>?
    private var tasks: [Task<Void, Never>] = []
    private var sleepers: [UUID: Task<Void, Never>] = [:]

    init(
        pod: JSONValue, client: KubeClient, configuration: PodRuntimeConfiguration, events: EventRecorder, ports: PortAllocator,
        logger: Logger
    ) {
        self.pod = pod
        self.key = ObjectKey(
            namespace: pod[path: ["metadata", "namespace"]]?.stringValue, name: pod[path: ["metadata", "name"]]?.stringValue ?? "")
        self.uid = pod[path: ["metadata", "uid"]]?.stringValue ?? ""
        self.client = client
        self.configuration = configuration
        self.events = events
        self.ports = ports
        var logger = logger
        logger[metadataKey: "pod"] = "\(key)"
        self.logger = logger
        containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map {
            ContainerRecord(name: $0["name"]?.stringValue ?? "", image: $0["image"]?.stringValue ?? "")
        }
    }

    private var directories: PodDirectories {
        PodDirectories(
            pod: configuration.stateDirectory + "/pods/\(key.namespace ?? "default")_\(key.name)_\(uid)",
            state: configuration.stateDirectory)
    }

    private func logFile(_ container: String, restart: Int) -> String {
        configuration.podLogsDirectory + "/\(key.namespace ?? "default")_\(key.name)_\(uid)/\(container)/\(restart).log"
    }

    private var restartPolicy: String { pod[path: ["spec", "restartPolicy"]]?.stringValue ?? "Always" }

    // MARK: Lifecycle

    /// Starts the pod; returns at once (the containers run in tasks).
    func start() async {
        await bind()
        if let phase = pod[path: ["status", "phase"]]?.stringValue, phase == "Succeeded" || phase == "Failed" {
            // A finished pod (e.g. after a restart of the dev cluster) is not run again.
            stopped = true
            return
        }
        // Container ports get local ports, recorded on the pod for Services and users.
        for container in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
            for port in container["ports"]?.arrayValue ?? [] {
                guard let number = port["containerPort"]?.intValue.map(Int.init), localPorts[number] == nil else { continue }
                if let local = try? ports.allocate() { localPorts[number] = local }
            }
        }
        if !localPorts.isEmpty { await annotatePorts() }
        startTime = Date()
        markDirty()
        for index in containers.indices {
            let name = containers[index].name
            tasks.append(Task { await self.superviseContainer(name) })
        }
        if let deadline = pod[path: ["spec", "activeDeadlineSeconds"]]?.intValue {
            tasks.append(
                Task {
                    try? await Task.sleep(for: .seconds(deadline))
                    await self.deadlineExceeded()
                })
        }
    }

    /// The informer saw a new version of the pod.
    func update(_ newPod: JSONValue) async {
        pod = newPod
        if newPod[path: ["metadata", "deletionTimestamp"]] != nil, !terminating {
            let grace = newPod[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 30
            await terminate(grace: Int(grace), thenDelete: true)
        }
    }

    /// The pod is gone from the API: stop everything (its grace, then SIGKILL), write nothing more.
    func deleted() async {
        stopped = true
        let grace = pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
        if !terminating { await terminate(grace: Int(grace), thenDelete: false) }
    }

    /// The runtime is stopping: end the processes, leave the pod in the API as it is.
    func shutdown(grace: Int) async {
        stopped = true
        if !terminating { await terminate(grace: grace, thenDelete: false) }
    }

    private func terminate(grace: Int, thenDelete: Bool) async {
        terminating = true
        wakeAll()
        let running = processes
        for (name, process) in running {
            logger.info("stopping container", metadata: ["container": "\(name)", "grace": "\(grace)s"])
            // Not when the runtime itself is stopping: the API may be gone already.
            if !stopped { await event(.normal, "Killing", "Stopping container \(name)") }
            process.signal(SIGTERM)
        }
        let deadline = ContinuousClock.now + .seconds(max(grace, 0))
        for (_, process) in running {
            let exited = Task { await process.waitForExit() }
            let killer = Task {
                try? await Task.sleep(until: deadline)
                if !Task.isCancelled { process.signal(SIGKILL) }
            }
            _ = await exited.value
            killer.cancel()
        }
        // Let the container tasks record their ends before the last status write.
        for task in tasks { await task.value }
        for local in localPorts.values { ports.release(local) }
        guard thenDelete, !stopped else { return }
        await flushStatus()
        var options = DeleteOptions()
        options.gracePeriodSeconds = 0
        options.preconditionUID = uid
        do {
            try await client.delete(.pods, namespace: key.namespace, name: key.name, options: options)
        } catch let error as KubeError where error.code == .notFound || error.code == .conflict {
        } catch {
            logger.warning("could not remove the pod after stopping it: \(error)")
        }
        stopped = true
    }

    private func deadlineExceeded() async {
        guard !terminating, terminal == nil else { return }
        let phase = PodStatusBuilder.phase(containers, restartPolicy: restartPolicy)
        guard phase != "Succeeded", phase != "Failed" else { return }
        terminal = ("DeadlineExceeded", "Pod was active on the node longer than the specified deadline")
        await event(.warning, "DeadlineExceeded", "Pod was active on the node longer than the specified deadline")
        let grace = pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
        await terminate(grace: Int(grace), thenDelete: false)
        markDirty()
    }

    // MARK: Containers

    private func superviseContainer(_ name: String) async {
        var backoff = configuration.initialBackoff
        while !terminating {
            // Fetch what the container refers to; a missing Secret may still be created.
            let plan: LaunchPlan
            do {
                let references = try await fetchReferences()
                plan = try LaunchPlan.make(
                    pod: pod, container: name, configuration: configuration, directories: directories, references: references,
                    ports: localPorts)
            } catch let error as LaunchError {
                setState(name, .waiting(reason: error.reason, message: error.message))
                if !error.retryable { return }
                await sleep(configuration.configRetryInterval)
                continue
            } catch {
                setState(name, .waiting(reason: "CreateContainerConfigError", message: "\(error)"))
                await sleep(configuration.configRetryInterval)
                continue
            }
            let restart = record(name)?.restartCount ?? 0
            let process: ContainerProcess
            do {
                process = try ContainerProcess.start(plan, logFile: logFile(name, restart: restart))
            } catch {
                let message = (error as? LaunchError)?.message ?? "\(error)"
                setState(name, .waiting(reason: "RunContainerError", message: message))
                await sleep(configuration.configRetryInterval)
                continue
            }
            let started = Date()
            let containerID = "trainyard://\(process.pid)"
            processes[name] = process
            setState(name, .running(startedAt: started, containerID: containerID))
            setReady(name, readinessProbe(name) == nil)
            await event(.normal, "Started", "Started container \(name) (pid \(process.pid))")
            let probe = readinessProbe(name).map { probe in Task { await self.probeReadiness(name, probe, containerID: containerID) } }
            let code = await process.waitForExit()
            probe?.cancel()
            processes[name] = nil
            let finished = Date()
            let message = terminationMessage(name, plan: plan, exitCode: code, restart: restart)
            let end = ContainerTermination(
                exitCode: code, reason: code == 0 ? "Completed" : (code == 137 && !terminating ? "Error" : "Error"), message: message,
                startedAt: started, finishedAt: finished, containerID: containerID)
            logger.info("container exited", metadata: ["container": "\(name)", "exitCode": "\(code)"])
            let restarts = !terminating && terminal == nil && (restartPolicy == "Always" || (restartPolicy == "OnFailure" && code != 0))
            guard restarts else {
                setState(name, .terminated(end))
                return
            }
            // Waiting to restart: the run that ended becomes lastState.
            if finished.timeIntervalSince(started) >= Double(configuration.backoffResetAfter.components.seconds) {
                backoff = configuration.initialBackoff
            }
            updateRecord(name) {
                $0.lastTermination = end
                $0.ready = false
                $0.state = .waiting(
                    reason: "CrashLoopBackOff",
                    message:
                        "back-off \(Self.format(backoff)) restarting failed container=\(name) pod=\(self.key.name)_\(self.key.namespace ?? "default")(\(self.uid))"
                )
            }
            await event(.warning, "BackOff", "Back-off restarting failed container \(name) in pod \(key.name)")
            await sleep(backoff)
            backoff = min(backoff * 2, configuration.maxBackoff)
            guard !terminating else {
                updateRecord(name) { $0.state = .terminated(end) }
                return
            }
            updateRecord(name) { $0.restartCount += 1 }
        }
    }

    /// The container's termination message: its file, or with `FallbackToLogsOnError` and a
    /// failure, the last lines of its log (the kubelet's 80 lines, at most 2048 bytes).
    private func terminationMessage(_ name: String, plan: LaunchPlan, exitCode: Int32, restart: Int) -> String? {
        if let data = FileManager.default.contents(atPath: plan.terminationMessageFile), !data.isEmpty {
            return String(decoding: data.prefix(4096), as: UTF8.self)
        }
        let container = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).first { $0["name"]?.stringValue == name }
        guard exitCode != 0, container?["terminationMessagePolicy"]?.stringValue == "FallbackToLogsOnError",
            let log = FileManager.default.contents(atPath: logFile(name, restart: restart))
        else { return nil }
        let lines = String(decoding: log.suffix(64 * 1024), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var tail = lines.suffix(81).joined(separator: "\n")
        if tail.utf8.count > 2048 { tail = String(decoding: Array(tail.utf8).suffix(2048), as: UTF8.self) }
        return tail
    }

    private func readinessProbe(_ name: String) -> JSONValue? {
        (pod[path: ["spec", "containers"]]?.arrayValue ?? []).first { $0["name"]?.stringValue == name }?["readinessProbe"]
    }

    /// Runs an httpGet or tcpSocket readiness probe against the container's local port.
    private func probeReadiness(_ name: String, _ probe: JSONValue, containerID: String) async {
        let initial = probe["initialDelaySeconds"]?.intValue ?? 0
        let period = max(probe["periodSeconds"]?.intValue ?? 10, 1)
        let timeout = max(probe["timeoutSeconds"]?.intValue ?? 1, 1)
        let successThreshold = max(probe["successThreshold"]?.intValue ?? 1, 1)
        let failureThreshold = max(probe["failureThreshold"]?.intValue ?? 3, 1)
        if initial > 0 { try? await Task.sleep(for: .seconds(initial)) }
        var successes: Int64 = 0
        var failures: Int64 = 0
        while !Task.isCancelled {
            let ok = await ProbeRunner.check(probe, ports: localPorts, timeout: .seconds(timeout))
            if ok {
                successes += 1
                failures = 0
                if successes >= successThreshold { setReady(name, true) }
            } else {
                failures += 1
                successes = 0
                if failures >= failureThreshold { setReady(name, false) }
            }
            // Probe quickly until first ready, so a rollout does not wait a whole period.
            let wait: Duration = successes == 0 && record(name)?.ready == false ? .milliseconds(min(250, period * 1000)) : .seconds(period)
            try? await Task.sleep(for: wait)
        }
    }

    // MARK: State and status

    private func record(_ name: String) -> ContainerRecord? { containers.first { $0.name == name } }

    private func updateRecord(_ name: String, _ change: (inout ContainerRecord) -> Void) {
        guard let index = containers.firstIndex(where: { $0.name == name }) else { return }
        let before = containers[index]
        change(&containers[index])
        if containers[index] != before { markDirty() }
    }

    private func setState(_ name: String, _ state: ContainerRecord.State) {
        updateRecord(name) { $0.state = state }
    }

    private func setReady(_ name: String, _ ready: Bool) {
        updateRecord(name) { $0.ready = ready }
    }

    private func markDirty() {
        statusDirty = true
        guard statusWriter == nil else { return }
        statusWriter = Task { await self.writeStatusLoop() }
    }

    private func writeStatusLoop() async {
        while statusDirty, !stopped {
            statusDirty = false
            let status = PodStatusBuilder.status(
                containers, restartPolicy: restartPolicy, scheduled: scheduled, startTime: startTime, terminal: terminal,
                conditionTimes: &conditionTimes, now: Date())
            do {
                pod = try await client.patch(
                    .pods, namespace: key.namespace, name: key.name, patch: ["status": status], patchType: .merge, subresource: "status")
            } catch let error as KubeError where error.code == .notFound {
                stopped = true
            } catch {
                logger.warning("could not write the pod status: \(error)")
                statusDirty = true
                try? await Task.sleep(for: .seconds(1))
            }
        }
        statusWriter = nil
    }

    private func flushStatus() async {
        if let writer = statusWriter { await writer.value }
        if statusDirty {
            markDirty()
            if let writer = statusWriter { await writer.value }
        }
    }

    // MARK: API helpers

    private func bind() async {
        guard pod[path: ["spec", "nodeName"]]?.stringValue?.isEmpty ?? true else { return }
        let binding: JSONValue = [
            "apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(key.name)],
            "target": ["apiVersion": "v1", "kind": "Node", "name": .string(configuration.nodeName)],
        ]
        let request = KubeRequest(
            method: "POST", path: ResourceType.pods.path(namespace: key.namespace, name: key.name, subresource: "binding"),
            body: Array(binding.serialized().utf8), contentType: "application/json", verb: "create", resource: "pods")
        do {
            _ = try await client.perform(request)
            scheduled = Date()
            await event(.normal, "Scheduled", "Successfully assigned \(key) to \(configuration.nodeName)")
        } catch {
            logger.debug("binding failed: \(error)")
        }
    }

    private func annotatePorts() async {
        let text = "{" + localPorts.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        do {
            pod = try await client.patch(
                .pods, namespace: key.namespace, name: key.name,
                patch: ["metadata": ["annotations": [PodRuntime.portsAnnotation: .string(text)]]], patchType: .merge)
        } catch {
            logger.warning("could not record the local ports on the pod: \(error)")
        }
    }

    private func fetchReferences() async throws -> PodReferences {
        let names = PodReferences.names(in: pod)
        var references = PodReferences()
        for name in names.secrets {
            do {
                let secret = try await client.get(.secrets, namespace: key.namespace, name: name)
                var data: [String: [UInt8]] = [:]
                for (k, v) in secret["data"]?.objectValue ?? [:] {
                    if let text = v.stringValue, let bytes = Data(base64Encoded: text) { data[k] = Array(bytes) }
                }
                for (k, v) in secret["stringData"]?.objectValue ?? [:] { data[k] = Array((v.stringValue ?? "").utf8) }
                references.secrets[name] = data
            } catch let error as KubeError where error.code == .notFound {}
        }
        for name in names.configMaps {
            do {
                let map = try await client.get(.configMaps, namespace: key.namespace, name: name)
                var data: [String: [UInt8]] = [:]
                for (k, v) in map["data"]?.objectValue ?? [:] { data[k] = Array((v.stringValue ?? "").utf8) }
                for (k, v) in map["binaryData"]?.objectValue ?? [:] {
                    if let text = v.stringValue, let bytes = Data(base64Encoded: text) { data[k] = Array(bytes) }
                }
                references.configMaps[name] = data
            } catch let error as KubeError where error.code == .notFound {}
        }
        return references
    }

    private func event(_ type: EventRecorder.EventType, _ reason: String, _ message: String) async {
        let reference = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: key.namespace, name: key.name, uid: uid)
        await events.record(about: reference, type: type, reason: reason, message: message)
    }

    /// Sleeps, ending early when the pod starts terminating.
    private func sleep(_ duration: Duration) async {
        guard !terminating else { return }
        let id = UUID()
        let timer = Task<Void, Never> { try? await Task.sleep(for: duration) }
        sleepers[id] = timer
        await timer.value
        sleepers[id] = nil
    }

    private func wakeAll() {
        for timer in sleepers.values { timer.cancel() }
    }

    static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds)s"
    }
}
