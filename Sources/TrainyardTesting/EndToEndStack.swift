import ControllerRuntime
import DevRuntime
import Foundation
import KubeClient
import Logging
import Synchronization
import Testing
import Tracking

/// The whole path a controller's end-to-end test needs: real MLflow (restartable, behind a
/// fault-injecting proxy), the dev API server with its pod runtime running the built `trainyard`,
/// the repository's CRDs, and a controller manager in this process (restartable, as a pod of the
/// controller would be) whose every API call is audited against `manifests/rbac.yaml`.
public struct EndToEndStack: Sendable {
    public let harness: DevClusterHarness
    /// A client of the real MLflow, for the test's own checks.
    public let mlflow: MLflowClient
    /// MLflow as the controller and its pods reach it: the proxy's URL when `throughProxy`, else the server's.
    public let mlflowURL: String
    public let server: RestartableMLflow
    /// Between the controller (and its pods) and MLflow when `throughProxy`.
    public let proxy: FaultInjectingProxy
    public let controller: ControllerProcess
    public let audit: CallAudit

    /// Runs `body` against a fresh stack and tears everything down after it, whatever happens.
    /// `register` adds the controllers under test to a new manager, given MLflow's URL as the
    /// controller should use it; it runs again on every `controller.restart()`.
    public static func run(
        throughProxy: Bool = false, logLevel: Logger.Level = .warning,
        register: @escaping @Sendable (Manager, _ mlflowURL: String, Logger) throws -> Void,
        _ body: (EndToEndStack) async throws -> Void
    ) async throws {
        let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
        let server = RestartableMLflow(try await MLflowServer.start())
        let proxy = try await FaultInjectingProxy.start(upstream: server.current.url, dropAnswerTo: [])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-e2e-\(UUID().uuidString.prefix(8))").path
        let logs = scratch + "/logs"
        let harness = try await DevClusterHarness.start(podLogsDirectory: logs)
        var logger = Logger(label: "test.e2e")
        logger.logLevel = logLevel
        var tasks: [Task<Void, any Error>] = []
        func stopAll() async {
            for task in tasks { task.cancel() }
            for task in tasks { _ = try? await task.value }
            await harness.stop()
            try? await proxy.shutdown()
            await server.current.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        do {
            try await harness.kubectlOK("apply", "-f", repositoryRoot + "/crds/")
            try await harness.kubectlOK("wait", "--for=condition=Established", "crd", "--all", "--timeout=30s")
            var pods = PodRuntimeConfiguration(
                trainyardImage: "ghcr.io/trainyard/trainyard", binaryPath: binary, stateDirectory: scratch + "/state",
                podLogsDirectory: logs)
            pods.imagePaths["/usr/share/trainyard/datasets"] = repositoryRoot + "/data"
            let node = try DevNode(
                clientConfiguration: try harness.clientConfiguration(), configuration: DevNodeConfiguration(pods: pods), logger: logger)
            tasks.append(Task { try await node.run() })

            let mlflowURL = throughProxy ? proxy.url : server.current.url
            let clientConfiguration = try harness.clientConfiguration()
            let audit = CallAudit()
            let controllerLogger = logger
            let controller = try ControllerProcess {
                var configuration = ManagerConfiguration(workers: 2)
                configuration.observer = audit
                let manager = try Manager(clientConfiguration: clientConfiguration, configuration: configuration, logger: controllerLogger)
                try register(manager, mlflowURL, controllerLogger)
                return Task { try await manager.run(signals: []) }
            }
            let stack = EndToEndStack(
                harness: harness, mlflow: MLflowClient(try MLflowConfiguration(trackingURI: server.current.url)), mlflowURL: mlflowURL,
                server: server, proxy: proxy, controller: controller, audit: audit)
            do {
                try await body(stack)
            } catch {
                await controller.stop()
                throw error
            }
            await controller.stop()
            // Least privilege, checked: every call the controller made is one manifests/rbac.yaml grants.
            #expect(try audit.notAllowed() == [], "calls outside manifests/rbac.yaml; all calls: \(audit.recorded.sorted())")
        } catch {
            await stopAll()
            throw error
        }
        await stopAll()
    }
}

/// Every (verb, resource) a controller's client calls, to hold against manifests/rbac.yaml.
public final class CallAudit: KubeClientObserver {
    private let calls = Mutex<Set<String>>([])

    public init() {}

    public func requestFinished(verb: String, resource: String, statusCode: Int, duration: Duration) {
        _ = calls.withLock { $0.insert("\(verb == "apply" ? "patch" : verb) \(resource)") }
    }

    public func watchRestarted(resource: String, reason: String) {}

    /// `verb resource` of every call so far, e.g. `create pods`, `update trainingjobs.trainyard.dev/status`.
    public var recorded: Set<String> { calls.withLock { $0 } }

    /// The calls manifests/rbac.yaml does not allow.
    public func notAllowed() throws -> [String] {
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
public final class RestartableMLflow: Sendable {
    private let server: Mutex<MLflowServer>

    public init(_ server: MLflowServer) { self.server = Mutex(server) }

    public var current: MLflowServer { server.withLock { $0 } }

    /// MLflow crashes: its port refuses connections at once.
    public func pause() async { await current.stop(keepingFiles: true, grace: .zero) }

    public func resume() async throws {
        let stopped = current
        let started = try await MLflowServer.start(port: stopped.port, directory: stopped.directory)
        server.withLock { $0 = started }
    }
}

/// A controller manager in this process, stopped and started again on demand, as a pod of the
/// controller would be.
public final class ControllerProcess: Sendable {
    private let start: @Sendable () throws -> Task<Void, any Error>
    private let task = Mutex<Task<Void, any Error>?>(nil)

    public init(start: @escaping @Sendable () throws -> Task<Void, any Error>) throws {
        self.start = start
        let first = try start()
        task.withLock { $0 = first }
    }

    public func restart() async throws {
        await stop()
        let next = try start()
        task.withLock { $0 = next }
    }

    public func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        _ = try? await running?.value
    }
}
