import Foundation

/// The order in which controllers delete surplus active Pods, cheapest loss first.
///
/// `withRanks` is Kubernetes' `ActivePodsWithRanks` (ReplicaSets, with `LogarithmicScaleDown`):
/// unscheduled before scheduled; Pending before Unknown before Running; not ready before ready;
/// lower `pod-deletion-cost` first; more co-located sibling Pods first; ready for less time first;
/// more container restarts first; newer first. Times compare on a log2 scale relative to `now`,
/// ties broken by UID. `activePods` is the older `ActivePods` order the Job controller uses, without
/// deletion cost, ranks or the logarithmic scale.
enum PodDeletionOrder {
    private static func phaseOrdinal(_ phase: String) -> Int {
        switch phase {
        case "Pending": return 0
        case "Unknown": return 1
        case "Running": return 2
        default: return 0
        }
    }

    /// True if `a` should be deleted before `b`.
    static func withRanks(_ a: ControlledPod, rank rankA: Int, _ b: ControlledPod, rank rankB: Int, now: Date?) -> Bool {
        if a.nodeName != b.nodeName && (a.nodeName.isEmpty || b.nodeName.isEmpty) { return a.nodeName.isEmpty }
        if phaseOrdinal(a.phase) != phaseOrdinal(b.phase) { return phaseOrdinal(a.phase) < phaseOrdinal(b.phase) }
        if a.isReady != b.isReady { return !a.isReady }
        if a.deletionCost != b.deletionCost { return a.deletionCost < b.deletionCost }
        if rankA != rankB { return rankA > rankB }
        if a.isReady && b.isReady && a.readySince != b.readySince {
            return newerFirst(a.readySince, b.readySince, a, b, now: now)
        }
        if a.maxContainerRestarts != b.maxContainerRestarts { return a.maxContainerRestarts > b.maxContainerRestarts }
        if a.creationTimestamp != b.creationTimestamp {
            return newerFirst(a.creationTimestamp, b.creationTimestamp, a, b, now: now)
        }
        return false
    }

    /// True if `a` should be deleted before `b`, in the Job controller's order.
    static func activePods(_ a: ControlledPod, _ b: ControlledPod) -> Bool {
        if a.nodeName != b.nodeName && (a.nodeName.isEmpty || b.nodeName.isEmpty) { return a.nodeName.isEmpty }
        if phaseOrdinal(a.phase) != phaseOrdinal(b.phase) { return phaseOrdinal(a.phase) < phaseOrdinal(b.phase) }
        if a.isReady != b.isReady { return !a.isReady }
        if a.isReady && b.isReady && a.readySince != b.readySince { return afterOrZero(a.readySince, b.readySince) }
        if a.maxContainerRestarts != b.maxContainerRestarts { return a.maxContainerRestarts > b.maxContainerRestarts }
        if a.creationTimestamp != b.creationTimestamp { return afterOrZero(a.creationTimestamp, b.creationTimestamp) }
        return false
    }

    /// Sorts with `withRanks`; equal Pods keep their input order, so plans are deterministic.
    static func sortedWithRanks(_ pods: [ControlledPod], ranks: [Int], now: Date?) -> [ControlledPod] {
        let order = pods.indices.sorted { i, j in
            if withRanks(pods[i], rank: ranks[i], pods[j], rank: ranks[j], now: now) { return true }
            if withRanks(pods[j], rank: ranks[j], pods[i], rank: ranks[i], now: now) { return false }
            return i < j
        }
        return order.map { pods[$0] }
    }

    static func sortedActivePods(_ pods: [ControlledPod]) -> [ControlledPod] {
        let order = pods.indices.sorted { i, j in
            if activePods(pods[i], pods[j]) { return true }
            if activePods(pods[j], pods[i]) { return false }
            return i < j
        }
        return order.map { pods[$0] }
    }

    private static func newerFirst(_ t1: Date?, _ t2: Date?, _ a: ControlledPod, _ b: ControlledPod, now: Date?) -> Bool {
        guard let now, let t1, let t2 else { return afterOrZero(t1, t2) }
        let difference = logarithmicRank(t1, now: now) - logarithmicRank(t2, now: now)
        if difference == 0 { return a.uid < b.uid }
        return difference < 0
    }

    /// `afterOrZero`: a missing time counts as later than any time.
    private static func afterOrZero(_ t1: Date?, _ t2: Date?) -> Bool {
        guard let t1, let t2 else { return t1 == nil }
        return t1 > t2
    }

    /// `int64(math.Log2(float64(now.Sub(t))))` over nanoseconds; -1 when `t` is not in the past.
    static func logarithmicRank(_ time: Date, now: Date) -> Int {
        let nanoseconds = (now.timeIntervalSince(time) * 1e9).rounded()
        return nanoseconds > 0 ? Int(log2(nanoseconds)) : -1
    }
}
