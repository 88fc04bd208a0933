import ControllerRuntime
import KubeAPI
import Testing

@Suite("LeaseDecision")
struct LeaseDecisionTests {
    let t0 = ContinuousClock.now

    @Test(
        "who may take the lease, and when",
        arguments: [
            // (holder, duration, seconds since observed, expected)
            (nil as String?, 15, 0, "acquire"),
            ("", 15, 0, "acquire"),
            ("me", 15, 100, "renew"),
            ("other", 15, 5, "held"),
            ("other", 15, 14, "held"),
            ("other", 15, 15, "acquire"),
            ("other", 1, 2, "acquire"),
        ])
    func decide(holder: String?, duration: Int, elapsed: Int, expected: String) {
        let record = Lease.Spec(holderIdentity: holder, leaseDurationSeconds: duration)
        let decision = LeaseDecision.decide(
            record: record, identity: "me", observedAt: t0, now: t0 + .seconds(elapsed), defaultDuration: .seconds(15))
        switch decision {
        case .acquire: #expect(expected == "acquire")
        case .renew: #expect(expected == "renew")
        case .held(let by, let remaining):
            #expect(expected == "held")
            #expect(by == "other")
            #expect(remaining == .seconds(duration - elapsed))
        }
    }

    @Test("no record at all can be taken")
    func noRecord() {
        #expect(LeaseDecision.decide(record: nil, identity: "me", observedAt: t0, now: t0, defaultDuration: .seconds(15)) == .acquire)
    }

    @Test("a configuration whose renew deadline reaches the lease duration is refused")
    func configurationProblem() {
        #expect(LeaderElectionConfiguration(namespace: "x").problem == nil)
        #expect(
            LeaderElectionConfiguration(namespace: "x", leaseDuration: .seconds(10), renewDeadline: .seconds(10)).problem?
                .contains("must be longer than the renew deadline") == true)
        #expect(
            LeaderElectionConfiguration(namespace: "x", renewDeadline: .seconds(2), retryPeriod: .seconds(2)).problem?
                .contains("must be longer than 1.2 x the retry period") == true)
    }
}
