/// The values a tuning search tries for one hyperparameter: a range or a list.
public struct SearchDimension: Codable, Sendable, Equatable {
    public var type: Kind
    public var min: Double?
    public var max: Double?
    /// Server default `linear`.
    public var scale: Scale?
    /// Choices for a `categorical` dimension.
    public var values: [ParamValue]?

    public init(
        type: Kind,
        min: Double? = nil,
        max: Double? = nil,
        scale: Scale? = nil,
        values: [ParamValue]? = nil
    ) {
        self.type = type
        self.min = min
        self.max = max
        self.scale = scale
        self.values = values
    }

    /// Whether values are drawn from a float or int range or picked from a list.
    public enum Kind: String, APIEnum {
        case float
        case int
        case categorical
    }

    /// How a range is sampled: uniformly, or uniformly in log space.
    public enum Scale: String, APIEnum {
        case linear
        case log
    }
}
