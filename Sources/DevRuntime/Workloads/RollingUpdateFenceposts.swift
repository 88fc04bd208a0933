/// How far a rolling update may go above and below the desired replicas, resolved to pod counts
/// (`deploymentutil.ResolveFenceposts`): surge rounds up, unavailability rounds down, and when both
/// come to zero one pod may be unavailable, so the rollout can always make progress.
public struct RollingUpdateFenceposts: Sendable, Equatable, CustomStringConvertible {
    public var maxSurge: Int
    public var maxUnavailable: Int

    public init(maxSurge: Int, maxUnavailable: Int) {
        self.maxSurge = maxSurge
        self.maxUnavailable = maxUnavailable
    }

    public static func resolve(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, replicas: Int) -> RollingUpdateFenceposts {
        let surge = maxSurge.scaled(total: replicas, roundUp: true)
        var unavailable = maxUnavailable.scaled(total: replicas, roundUp: false)
        if surge == 0 && unavailable == 0 {
            // Validation forbids 0/0, but rounding down can get there; surge might be blocked by quota.
            unavailable = 1
        }
        return RollingUpdateFenceposts(maxSurge: surge, maxUnavailable: unavailable)
    }

    public var description: String { "maxSurge \(maxSurge), maxUnavailable \(maxUnavailable)" }
}
