import ControllerRuntime
import Foundation
import KubeAPI
import KubeClient
import Logging
import Tracking
import TrainyardAPI

/// The ModelDeployment reconciler: resolves `spec.model` (an alias, followed, or a fixed version)
/// in the registry, keeps a Deployment of `trainyard serve` pods on that version and a Service in
/// front of them (server-side apply, one field manager), and reports the rollout in status.
///
/// The version is pinned in the pod template, so when the alias moves Kubernetes rolls the
/// Deployment with `maxUnavailable: 0`. When the registry cannot be asked, or the alias or version
/// is gone, the last resolved version keeps serving and a condition says why.
public final class ModelDeploymentController: Reconciler {
    let settings: ModelDeploymentSettings
    let client: KubeClient
    let registry: any ModelRegistry
    let events: EventRecorder
    let logger: Logger
    let deployments: Store<DynamicObject>
    let services: Store<DynamicObject>

    init(manager: Manager, settings: ModelDeploymentSettings, registry: any ModelRegistry, logger: Logger) {
        self.settings = settings
        client = manager.client
        self.registry = registry
        events = manager.events
        self.logger = logger
        deployments = manager.informer(DynamicObject.self, resource: .deployments).store
        services = manager.informer(DynamicObject.self, resource: .services).store
    }

    /// Adds the ModelDeployment controller to `manager`: it reconciles ModelDeployments, their
    /// Deployments and Services, and looks again at once when a TrainingJob promotes a version of
    /// a model one of them serves. The registry is MLflow's at `settings.mlflow` unless another is
    /// given (a test's fake).
    @discardableResult
    public static func register(
        with manager: Manager, settings: ModelDeploymentSettings, registry: (any ModelRegistry)? = nil, logger: Logger
    ) -> Controller {
        let controller = ModelDeploymentController(
            manager: manager, settings: settings, registry: registry ?? MLflowModelRegistry(settings.mlflow), logger: logger)
        let modelDeployments = manager.informer(ModelDeployment.self).store
        return manager.controller(for: ModelDeployment.self)
            .owns(.deployments).owns(.services)
            .watches(TrainingJob.self) { job in
                // A promotion moves an alias: the deployments of that model look now, not at the next poll.
                guard job.status?.promotion?.decision == .promoted, let name = job.spec.register?.modelName else { return [] }
                return modelDeployments.list(namespace: nil).filter { $0.spec.model.name == name }.map(\.objectKey)
            }
            .backoff(settings.retryBackoff)
            .complete(controller)
    }

    /// What resolving `spec.model` gave.
    enum Resolution {
        case found(RegisteredVersion)
        /// The registry answered: no such alias, version or model. The message says what to fix.
        case missing(reason: String, message: String)
        /// The registry could not be asked.
        case unavailable(TrackingFailure)
    }

    public func reconcile(_ md: ModelDeployment) async throws -> ReconcileAction {
        guard md.metadata.deletionTimestamp == nil else { return .awaitChange }
        var update = ModelDeploymentUpdate(md, now: settings.now())
        update.status.selector = ModelServerTemplate.selectorText(md)
        if let problem = Self.problem(md.spec) {
            update.set(.modelResolved, .false, reason: "InvalidSpec", message: problem)
            update.set(.ready, .false, reason: "InvalidSpec", message: problem)
            update.status.phase = .failed
            if try await update.write(with: client) { await events.record(md, type: .warning, reason: "InvalidSpec", message: problem) }
            return .awaitChange
        }

        let resolution = await resolve(md.spec.model)
        let previous = update.status.modelVersion
        var pinned: RegisteredVersion?
        switch resolution {
        case .found(let found):
            pinned = found
            update.set(
                .modelResolved, .true, reason: "Resolved",
                message: "\(md.spec.model.uri) is version \(found.version)" + (found.runId.map { " (run \($0))" } ?? ""))
        case .missing(let reason, let message):
            pinned = previous.map { RegisteredVersion(version: $0, runId: update.status.runId) }
            update.set(.modelResolved, .false, reason: reason, message: message + (previous.map { "; version \($0) keeps serving" } ?? ""))
        case .unavailable(let failure):
            pinned = previous.map { RegisteredVersion(version: $0, runId: update.status.runId) }
            // The reason says the registry could not be asked; the message says how (MLflow's answer).
            update.set(
                .modelResolved, .unknown, reason: "TrackingUnavailable",
                message: "\(failure.reason): \(failure.message)" + (previous.map { "; version \($0) keeps serving" } ?? ""))
        }

        guard let pinned else {
            // Nothing to serve yet: say why, and look again later.
            update.status.phase = .pending
            let why = update.condition(.modelResolved)?.message ?? "the model is not resolved yet"
            update.set(.ready, .false, reason: "ModelNotResolved", message: why)
            update.set(.progressing, .false, reason: "ModelNotResolved", message: why)
            if try await update.write(with: client), case .missing(let reason, let message) = resolution {
                await events.record(md, type: .warning, reason: reason, message: message)
            }
            return try afterResolution(resolution)
        }

        // The children, unless their names belong to someone else.
        let desired = try ModelServerTemplate.deployment(
            .init(
                deployment: md, version: pinned.version, runId: pinned.runId, trackingURI: settings.mlflow.trackingURI,
                defaultImage: settings.image, trackingCredentialsSecret: settings.trackingCredentialsSecret,
                drainSeconds: settings.drainSeconds))
        let service = ModelServerTemplate.service(md)
        let namespace = md.metadata.namespace
        let name = ModelServerTemplate.childName(md)
        for (kind, store) in [("Deployment", deployments), ("Service", services)] {
            if let existing = store.get(namespace: namespace, name: name), !existing.isControlled(by: md) {
                let owner = existing.controllerReference.map { "\($0.kind) \($0.name)" } ?? "no controller"
                let message =
                    "a \(kind) named \(name) exists and belongs to \(owner); delete or rename it, or give this ModelDeployment another name"
                update.status.phase = .failed
                update.set(.ready, .false, reason: "\(kind)NameTaken", message: message)
                update.set(.progressing, .false, reason: "\(kind)NameTaken", message: message)
                if try await update.write(with: client) {
                    await events.record(md, type: .warning, reason: "\(kind)NameTaken", message: message)
                }
                // Deleting that object sends this ModelDeployment no event: look again at the next poll.
                return .requeue(after: settings.pollInterval)
            }
        }
        // Applied only when the object lacks something the controller wants (a hand edit included);
        // otherwise nothing is written.
        let deployment = try await write(.deployments, desired, existing: deployments.get(namespace: namespace, name: name)?.json)
        let serviceObject = try await write(.services, service, existing: services.get(namespace: namespace, name: name)?.json)

        // Status from what the Deployment reports.
        let replicas = md.spec.replicas ?? 1
        let rollout = ModelRollout(deployment: deployment, desired: replicas)
        update.status.modelVersion = pinned.version
        update.status.runId = pinned.runId
        update.status.replicas = rollout.replicas
        update.status.readyReplicas = rollout.ready
        update.status.url = Self.url(service: serviceObject, md: md)
        let wasReady = update.isTrue(.ready)
        let servesWhat = "version \(pinned.version) of \(md.spec.model.name)"
        if let stalled = rollout.stalled {
            update.status.phase = .failed
            update.set(.progressing, .false, reason: "ProgressDeadlineExceeded", message: "rolling out \(servesWhat): \(stalled)")
            update.set(.ready, .false, reason: "RolloutStalled", message: "\(rollout.progress); \(stalled)")
        } else if replicas == 0, rollout.isComplete {
            update.status.phase = .pending
            update.set(.progressing, .false, reason: "RolloutComplete", message: "spec.replicas is 0")
            update.set(.ready, .false, reason: "ScaledToZero", message: "spec.replicas is 0: no pod serves \(servesWhat)")
        } else if rollout.isServing(wasReady: wasReady) {
            // Every pod runs the pinned version; a scale change in progress does not make it unready.
            update.status.phase = .ready
            let serving = "\(servesWhat) serves on \(rollout.available) of \(replicas) \(replicas == 1 ? "replica" : "replicas")"
            update.set(.ready, .true, reason: "Serving", message: serving)
            if rollout.isComplete {
                update.set(.progressing, .false, reason: "RolloutComplete", message: serving)
            } else {
                update.set(.progressing, .true, reason: "Scaling", message: "scaling to \(replicas): \(rollout.progress)")
            }
        } else {
            update.status.phase = .progressing
            update.set(.progressing, .true, reason: "RollingOut", message: "rolling out \(servesWhat): \(rollout.progress)")
            update.set(.ready, .false, reason: "RollingOut", message: "rolling out \(servesWhat): \(rollout.progress)")
        }
        let written = try await update.write(with: client)
        if written {
            if previous != pinned.version {
                let message =
                    previous.map { "\(md.spec.model.uri) moved from version \($0) to \(pinned.version); rolling out" }
                    ?? "\(md.spec.model.uri) is version \(pinned.version); deploying it"
                await events.record(md, type: .normal, reason: previous == nil ? "ModelResolved" : "RollingOut", message: message)
            }
            if !wasReady, update.isTrue(.ready) {
                await events.record(md, type: .normal, reason: "Ready", message: update.condition(.ready)?.message ?? "")
            }
            if case .missing(let reason, let message) = resolution {
                await events.record(md, type: .warning, reason: reason, message: message)
            }
            if case .unavailable(let failure) = resolution, update.condition(.modelResolved)?.status == .unknown {
                await events.record(md, type: .warning, reason: failure.reason, message: failure.message)
            }
        }
        return try afterResolution(resolution)
    }

    /// Brings a child to `desired`: created when the cache has none (a create, so an object of that
    /// name the cache has not seen yet is never taken over), applied when it lacks something the
    /// controller wants (a hand edit included), left alone otherwise.
    private func write(_ type: ResourceType, _ desired: JSONValue, existing: JSONValue?) async throws -> JSONValue {
        let namespace = desired[path: ["metadata", "namespace"]]?.stringValue
        let name = desired[path: ["metadata", "name"]]?.stringValue ?? ""
        guard let existing else {
            do {
                return try await client.create(type, namespace: namespace, object: desired, fieldManager: settings.fieldManager)
            } catch let error as KubeError where error.code == .alreadyExists {
                throw TransientError("\(type.kind) \(name) exists but is not in the cache yet; looking again", latest: .seconds(1))
            }
        }
        if ModelServerTemplate.isCurrent(existing, desired: desired) { return existing }
        return try await client.patch(
            type, namespace: namespace, name: name, patch: desired, patchType: .apply(fieldManager: settings.fieldManager, force: true))
    }

    /// Look again within the poll interval; a registry that could not be asked is retried with
    /// back-off, but never later than the poll interval.
    private func afterResolution(_ resolution: Resolution) throws -> ReconcileAction {
        if case .unavailable(let failure) = resolution, failure.retryable {
            throw TransientError(failure.message, latest: settings.pollInterval)
        }
        return .requeue(after: settings.pollInterval)
    }

    private func resolve(_ model: ModelReference) async -> Resolution {
        do {
            if let alias = model.alias {
                guard let found = try await registry.version(model: model.name, alias: alias) else {
                    return .missing(
                        reason: "AliasNotFound",
                        message:
                            "registered model \(model.name) has no alias \(alias) (or no such model): a TrainingJob with spec.register.modelName \(model.name) sets it when it promotes a version, or set it in MLflow"
                    )
                }
                return .found(found)
            }
            let version = model.version ?? 0
            guard let found = try await registry.version(model: model.name, version: version) else {
                return .missing(
                    reason: "VersionNotFound",
                    message:
                        "registered model \(model.name) has no version \(version) (or no such model): set spec.model.version to an existing version, or follow an alias"
                )
            }
            return .found(found)
        } catch {
            return .unavailable(TrackingFailure(doing: "resolving \(model.uri)", error))
        }
    }

    /// What the schema cannot check.
    static func problem(_ spec: ModelDeploymentSpec) -> String? {
        if spec.model.name.isEmpty { return "spec.model.name: empty; expected a registered model's name" }
        if (spec.model.alias == nil) == (spec.model.version == nil) {
            return
                "spec.model: set exactly one of alias (such as champion) and version; got \(spec.model.alias == nil ? "neither" : "both")"
        }
        if let port = spec.port, !(1...65535).contains(port) { return "spec.port: \(port) is not a port; expected 1 to 65535" }
        if let replicas = spec.replicas, replicas < 0 { return "spec.replicas: \(replicas); expected 0 or more" }
        return nil
    }

    /// Where clients reach the model: the dev cluster's loopback URL for the Service when there is
    /// one, else the Service's in-cluster DNS name.
    static func url(service: JSONValue?, md: ModelDeployment) -> String {
        if let dev = service?[path: ["metadata", "annotations", "dev.trainyard.io/url"]]?.stringValue { return dev }
        let namespace = md.metadata.namespace ?? "default"
        return "http://\(ModelServerTemplate.childName(md)).\(namespace).svc:\(md.spec.port ?? ModelServerTemplate.defaultPort)"
    }
}
