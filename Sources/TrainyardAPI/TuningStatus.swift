/// Progress of a TrainingJob's hyperparameter search.
public struct TuningStatus: Codable, Sendable, Equatable {
    public var completedTrials: Int?
    public var bestParams: [String: ParamValue]?

    public init(
        completedTrials: Int? = nil,
        bestParams: [String: ParamValue]? = nil
    ) {
        self.completedTrials = completedTrials
        self.bestParams = bestParams
    }
}
