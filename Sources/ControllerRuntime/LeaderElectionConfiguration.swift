import Foundation

/// Where the leader lock lives and how it is timed. The defaults are client-go's and
/// controller-runtime's: a 15 s lease, renewed every 2 s, given up if not renewed for 10 s.
public struct LeaderElectionConfiguration: Sendable, Equatable {
    public var leaseName: String
    public var namespace: String
    /// Unique per replica: host name plus a random suffix.
    public var identity: String
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration

    public init(
        leaseName: String = "trainyard-controller", namespace: String, identity: String? = nil,
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)
    ) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity ?? "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.lowercased())"
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }

    /// Why a configuration cannot work, or nil. A renew deadline at or past the lease duration
    /// would let two leaders overlap.
    public var problem: String? {
        if leaseDuration <= renewDeadline {
            return "leader election: the lease duration (\(leaseDuration)) must be longer than the renew deadline (\(renewDeadline))"
        }
        if renewDeadline <= retryPeriod * 1.2 {
            return "leader election: the renew deadline (\(renewDeadline)) must be longer than 1.2 x the retry period (\(retryPeriod))"
        }
        return nil
    }
}
