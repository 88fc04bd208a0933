import KubeAPI

/// What a candidate may do with the lease it just read: a pure function of the record, who we
/// are, and when we first saw that record (our own clock, as client-go does, so clock skew
/// between replicas does not matter).
public enum LeaseDecision: Sendable, Equatable {
    /// Nobody holds it, or the holder let it lapse: take it.
    case acquire
    /// We hold it: renew it.
    case renew
    /// Someone else holds it until at least this long from now.
    case held(by: String, remaining: Duration)

    public static func decide(
        record: Lease.Spec?, identity: String, observedAt: ContinuousClock.Instant, now: ContinuousClock.Instant,
        defaultDuration: Duration
    ) -> LeaseDecision {
        guard let record, let holder = record.holderIdentity, !holder.isEmpty else { return .acquire }
        if holder == identity { return .renew }
        let duration = record.leaseDurationSeconds.map { Duration.seconds($0) } ?? defaultDuration
        let expiry = observedAt + duration
        if now >= expiry { return .acquire }
        return .held(by: holder, remaining: expiry - now)
    }
}
