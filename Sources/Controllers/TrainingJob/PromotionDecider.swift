import Foundation
import TrainyardAPI

/// Whether a candidate takes the alias from the champion, decided without I/O from the two
/// models' metric on the same validation rows.
public enum PromotionDecider {
    public struct Decision: Sendable, Equatable {
        public var promote: Bool
        /// The Promoted condition's reason: FirstModel, BetterThanChampion, NotBetterThanChampion, AlreadyChampion.
        public var reason: String
        /// For people: the numbers behind the decision.
        public var message: String
        public var delta: Double?
    }

    /// - Parameters:
    ///   - candidate: the new model's metric.
    ///   - champion: the champion's metric on the same rows, nil when there is no champion.
    ///   - lowerBound: with `confidence`, the lower bound of the paired bootstrap interval of the
    ///     improvement (in the better direction); nil when not computed.
    public static func decide(
        metric: String, higherIsBetter: Bool, minImprovement: Double, confidence: Double?, candidate: Double, champion: Double?,
        lowerBound: Double? = nil
    ) -> Decision {
        let shown = { (value: Double) in String(format: "%.4g", value) }
        guard let champion else {
            return Decision(
                promote: true, reason: "FirstModel", message: "\(metric) \(shown(candidate)); no champion yet, so this model becomes it",
                delta: nil)
        }
        let delta = higherIsBetter ? candidate - champion : champion - candidate
        let numbers = "\(metric) \(shown(candidate)) vs champion \(shown(champion)) (min improvement \(shown(minImprovement))"
        guard delta >= minImprovement && delta > 0 else {
            return Decision(promote: false, reason: "NotBetterThanChampion", message: numbers + ")", delta: delta)
        }
        if let confidence {
            guard let lowerBound else {
                return Decision(
                    promote: false, reason: "ConfidenceUnavailable",
                    message: numbers + "): no paired bootstrap interval was computed for confidence \(shown(confidence))", delta: delta)
            }
            guard lowerBound > 0 else {
                return Decision(
                    promote: false, reason: "NotSignificant",
                    message: numbers + ", \(shown(confidence * 100))% lower bound of the improvement \(shown(lowerBound)) <= 0)",
                    delta: delta)
            }
        }
        return Decision(promote: true, reason: "BetterThanChampion", message: numbers + ")", delta: delta)
    }
}
