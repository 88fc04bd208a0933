import Foundation
import KubeAPI
import KubeClient
import Logging
import Synchronization

/// Elects one leader among replicas with a coordination.k8s.io/v1 Lease, then runs the leader's
/// work for as long as it keeps the lease. Losing the lease (no renewal within the renew
/// deadline) ends the work with `LeadershipLost`; the process should exit and restart, as
/// controller-runtime's managers do. On cancellation the lease is released so another replica
/// takes over at its next retry instead of waiting out the lease.
public final class LeaderElector: Sendable {
    public let configuration: LeaderElectionConfiguration
    let client: KubeClient
    let metrics: RuntimeMetrics?
    let logger: Logger

    /// Thrown when the lease could not be renewed in time.
    public struct LeadershipLost: Error, CustomStringConvertible {
        public var description: String
    }

    public init(client: KubeClient, configuration: LeaderElectionConfiguration, metrics: RuntimeMetrics? = nil, logger: Logger? = nil) {
        self.client = client
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger ?? Logger(label: "trainyard.leaderelection")
    }

    /// What we last read of the lease, and when (our clock) it last changed.
    struct Observation {
        var record: Lease.Spec?
        var observedAt: ContinuousClock.Instant
    }

    /// Waits to become leader, then runs `work` while leading. Returns when `work` returns or the
    /// task is cancelled (after releasing the lease); throws `LeadershipLost` at once if renewal
    /// fails, without waiting for `work`: the caller must stop acting as leader (exit), as
    /// controller-runtime's managers do.
    public func runWhenLeader(_ work: @escaping @Sendable () async throws -> Void) async throws {
        var observation = Observation(record: nil, observedAt: .now)
        metrics?.leaderChanged(name: configuration.leaseName, isLeader: false)
        logger.info(
            "waiting for leadership",
            metadata: ["lease": "\(configuration.namespace)/\(configuration.leaseName)", "identity": "\(configuration.identity)"])
        while true {
            if Task.isCancelled {
                // An acquiring write may have landed even though its answer was cut off.
                await Task { await self.release() }.value
                return
            }
            let (held, seen) = await attempt(observation, within: configuration.renewDeadline)
            if let seen { observation = seen }
            if held { break }
            try? await Task.sleep(for: configuration.retryPeriod * Double.random(in: 1.0...1.2))
        }
        logger.info("became leader", metadata: ["identity": "\(configuration.identity)"])
        metrics?.leaderChanged(name: configuration.leaseName, isLeader: true)
        defer { metrics?.leaderChanged(name: configuration.leaseName, isLeader: false) }
        let acquired = observation
        // Work and renewal run as tasks of their own and race: losing the lease must not wait for
        // the work (reconciles in flight) to finish, while a shutdown lets it finish and keeps
        // renewing meanwhile.
        let workTask = Task { try await work() }
        let renewTask = Task { try await self.renewLoop(acquired) }
        let outcome: Result<Void, any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, any Error>, Never>) in
                let first = FirstResult(continuation)
                Task {
                    do { try await workTask.value } catch { return first.resume(.failure(error)) }
                    first.resume(.success(()))
                }
                Task {
                    do { try await renewTask.value } catch { return first.resume(.failure(error)) }
                }
            }
        } onCancel: {
            workTask.cancel()
        }
        renewTask.cancel()
        if case .failure(let error) = outcome, error is LeadershipLost { workTask.cancel() }
        if case .failure(let error) = outcome, error is LeadershipLost {
            logger.error("lost leadership", metadata: ["error": "\(error)"])
            throw error
        }
        // Release with a task of its own: ours may be cancelled, and the release must still go out.
        await Task { await self.release() }.value
        try outcome.get()
    }

    private func renewLoop(_ start: Observation) async throws {
        var observation = start
        var lastRenew = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.retryPeriod)
            if Task.isCancelled { return }
            // Each attempt may take only what is left of the renew deadline, as client-go bounds
            // it, so a slow API server cannot keep us acting as leader past the lease.
            let remaining = configuration.renewDeadline - (ContinuousClock.now - lastRenew)
            let (held, seen) = remaining > .zero ? await attempt(observation, within: remaining) : (false, nil)
            if let seen { observation = seen }
            if held {
                lastRenew = .now
            } else if ContinuousClock.now - lastRenew >= configuration.renewDeadline {
                throw LeadershipLost(
                    description:
                        "could not renew lease \(configuration.namespace)/\(configuration.leaseName) within \(configuration.renewDeadline)")
            }
        }
    }

    /// One `tryAcquireOrRenew` bounded by `limit`; a timed-out attempt counts as not held.
    func attempt(_ observation: Observation, within limit: Duration) async -> (held: Bool, observation: Observation?) {
        await withTaskGroup(of: (Bool, Observation?)?.self) { group in
            group.addTask {
                var seen = observation
                let held = await self.tryAcquireOrRenew(&seen)
                return (held, seen)
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? (false, nil)
        }
    }

    /// One read-decide-write round. Returns whether we hold the lease afterwards.
    func tryAcquireOrRenew(_ observation: inout Observation) async -> Bool {
        let now = Date()
        let identity = configuration.identity
        let durationSeconds = Int(configuration.leaseDuration.components.seconds)
        do {
            let lease: Lease
            do {
                lease = try await client.get(Lease.self, namespace: configuration.namespace, name: configuration.leaseName)
            } catch let error as KubeError where error.isNotFound {
                let spec = Lease.Spec(
                    holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: Timestamp.microTime(now),
                    renewTime: Timestamp.microTime(now), leaseTransitions: 0)
                let created = try await client.create(
                    Lease(metadata: ObjectMeta(name: configuration.leaseName, namespace: configuration.namespace), spec: spec))
                observation = Observation(record: created.spec, observedAt: .now)
                return true
            }
            if lease.spec != observation.record {
                observation = Observation(record: lease.spec, observedAt: .now)
            }
            let decision = LeaseDecision.decide(
                record: lease.spec, identity: identity, observedAt: observation.observedAt, now: .now,
                defaultDuration: configuration.leaseDuration)
            if case .held = decision { return false }
            var spec = lease.spec ?? Lease.Spec()
            if decision == .acquire {
                spec.acquireTime = Timestamp.microTime(now)
                spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1  // as client-go: every change of holder counts
            }
            spec.holderIdentity = identity
            spec.leaseDurationSeconds = durationSeconds
            spec.renewTime = Timestamp.microTime(now)
            var updated = lease
            updated.spec = spec
            let written = try await client.update(updated)
            observation = Observation(record: written.spec, observedAt: .now)
            return true
        } catch {
            if let error = error as? KubeError, error.isConflict || error.isAlreadyExists {
                logger.debug("lease changed under us; will retry", metadata: ["error": "\(error)"])
            } else {
                logger.warning("leader election request failed", metadata: ["error": "\(error)"])
            }
            return false
        }
    }

    /// Gives the lease up if we hold it: empty holder, 1 s duration, as client-go's ReleaseOnCancel.
    func release() async {
        do {
            var lease = try await client.get(Lease.self, namespace: configuration.namespace, name: configuration.leaseName)
            guard lease.spec?.holderIdentity == configuration.identity else { return }
            let now = Timestamp.microTime()
            lease.spec?.holderIdentity = ""
            lease.spec?.leaseDurationSeconds = 1
            lease.spec?.renewTime = now
            lease.spec?.acquireTime = now
            _ = try await client.update(lease)
            logger.info("released leadership", metadata: ["identity": "\(configuration.identity)"])
        } catch {
            logger.warning("could not release the lease; the next leader waits for it to expire", metadata: ["error": "\(error)"])
        }
    }
}

/// Resumes a continuation with the first result offered and ignores the rest.
final class FirstResult: Sendable {
    private let slot: Mutex<CheckedContinuation<Result<Void, any Error>, Never>?>

    init(_ continuation: CheckedContinuation<Result<Void, any Error>, Never>) {
        slot = Mutex(continuation)
    }

    func resume(_ result: Result<Void, any Error>) {
        slot.withLock { slot in
            slot?.resume(returning: result)
            slot = nil
        }
    }
}
