import Foundation
import KubeAPI
import KubeClient
import Logging

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
    /// task is cancelled (after releasing the lease); throws `LeadershipLost` if renewal fails.
    public func runWhenLeader(_ work: @escaping @Sendable () async throws -> Void) async throws {
        var observation = Observation(record: nil, observedAt: .now)
        metrics?.leaderChanged(name: configuration.leaseName, isLeader: false)
        logger.info(
            "waiting for leadership",
            metadata: ["lease": "\(configuration.namespace)/\(configuration.leaseName)", "identity": "\(configuration.identity)"])
        while true {
            if Task.isCancelled { return }
            if await tryAcquireOrRenew(&observation) { break }
            try? await Task.sleep(for: configuration.retryPeriod * Double.random(in: 1.0...1.2))
        }
        logger.info("became leader", metadata: ["identity": "\(configuration.identity)"])
        metrics?.leaderChanged(name: configuration.leaseName, isLeader: true)
        defer { metrics?.leaderChanged(name: configuration.leaseName, isLeader: false) }
        let acquired = observation
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do { try await work() } catch { return .failure(error) }
                return .success(())
            }
            group.addTask {
                do {
                    try await self.renewLoop(acquired)
                } catch {
                    return .failure(error)
                }
                return nil  // cancelled
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .success(())
        }
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
            if await tryAcquireOrRenew(&observation) {
                lastRenew = .now
            } else if ContinuousClock.now - lastRenew > configuration.renewDeadline {
                throw LeadershipLost(
                    description:
                        "could not renew lease \(configuration.namespace)/\(configuration.leaseName) within \(configuration.renewDeadline)")
            }
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
