/// A hyperparameter search: `trials` parameter sets drawn from `searchSpace`.
public struct TuningSpec: Codable, Sendable, Equatable {
    /// What to search, by hyperparameter name.
    public var searchSpace: [String: SearchDimension]
    public var trials: Int
    /// Trials run at once; server default 1.
    public var parallelism: Int?
    /// Metric to optimize; defaults to the promotion metric.
    public var metric: String?

    public init(
        searchSpace: [String: SearchDimension],
        trials: Int,
        parallelism: Int? = nil,
        metric: String? = nil
    ) {
        self.searchSpace = searchSpace
        self.trials = trials
        self.parallelism = parallelism
        self.metric = metric
    }
}
