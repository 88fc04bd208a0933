import KubeAPI
import KubeClient
import Logging

/// Runs a reconcile function for keys from its work queue with N workers. Level-triggered:
/// informer events only enqueue keys; the reconcile reads the current state itself. A key is
/// never reconciled by two workers at once.
///
/// Retry policy lives here and only here: a returned action is honoured; a thrown error re-queues
/// the key with exponential back-off (a `TransientError` may set a latest time); a `TerminalError`
/// drops it until the next change.
public final class Controller: Sendable {
    public typealias Reconcile = @Sendable (ObjectKey) async throws -> ReconcileAction

    public let name: String
    public let queue: WorkQueue<ObjectKey>
    public let workers: Int
    let reconcile: Reconcile
    let metrics: RuntimeMetrics?
    let logger: Logger

    /// - Parameter backoff: the per-key back-off after failures (the work queue's default when nil).
    public init(
        name: String, workers: Int = 2, queue: WorkQueue<ObjectKey>? = nil, backoff: Backoff? = nil, metrics: RuntimeMetrics? = nil,
        logger: Logger? = nil, reconcile: @escaping Reconcile
    ) {
        precondition(workers > 0, "a controller needs at least one worker")
        self.name = name
        self.workers = workers
        self.metrics = metrics
        self.queue =
            queue
            ?? (backoff.map { WorkQueue(itemBackoff: $0, metrics: metrics?.workQueueMetrics(name: name)) }
                ?? WorkQueue(metrics: metrics?.workQueueMetrics(name: name)))
        self.reconcile = reconcile
        var logger = logger ?? Logger(label: "trainyard.controller")
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
    }

    /// Enqueues the keys `map` derives from every change `informer` sees.
    public func watch<Object>(_ informer: Informer<Object>, map: @escaping @Sendable (Object) -> [ObjectKey]) {
        let queue = self.queue
        informer.addHandler(.mapping(map, to: { key in Task { await queue.add(key) } }))
    }

    /// Enqueues each object `informer` sees under its own key: for the controller's primary type.
    public func watchPrimary<Object>(_ informer: Informer<Object>) {
        watch(informer) { [$0.objectKey] }
    }

    /// Enqueues the controller owner (of kind `ownerKind`) of each object `informer` sees, so a
    /// change to a child reconciles its parent.
    public func watchOwned<Object>(_ informer: Informer<Object>, ownerKind: String) {
        watch(informer) { object in object.controllerKey(kind: ownerKind).map { [$0] } ?? [] }
    }

    /// Runs the workers until the task is cancelled; then stops handing out keys and waits for
    /// reconciles in flight to finish.
    public func run() async {
        logger.info("controller starting", metadata: ["workers": "\(workers)"])
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask { await self.work() }
                }
            }
        } onCancel: {
            Task { await self.queue.shutDown() }
        }
        logger.info("controller stopped")
    }

    private func work() async {
        while let key = await queue.next() {
            await process(key)
            await queue.done(key)
        }
    }

    /// One reconcile and what follows from its outcome.
    func process(_ key: ObjectKey) async {
        let started = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "key"] = "\(key)"
        let result: String
        do {
            // Reconciles run in an unstructured child so that shutting down lets them finish
            // their writes instead of failing half-way.
            let action = try await Task { try await self.reconcile(key) }.value
            await queue.forget(key)
            switch action {
            case .awaitChange:
                result = "success"
            case .requeue(let delay):
                result = "requeue_after"
                await queue.add(key, after: delay)
            }
        } catch let error as TerminalError {
            result = "terminal_error"
            await queue.forget(key)
            logger.error("reconcile failed; not retrying until the object changes", metadata: ["error": "\(error)"])
        } catch {
            result = "error"
            var delay = await queue.addRateLimited(key)
            if let latest = (error as? TransientError)?.latest, latest < delay {
                // The queue keeps the sooner of two delays for a key.
                await queue.add(key, after: latest)
                delay = latest
            }
            logger.warning("reconcile failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
        }
        metrics?.reconciled(controller: name, result: result, duration: .now - started)
    }
}
