/// What a column holds after type inference, which decides how the trainer treats it as a feature.
public enum ColumnKind: String, Sendable, Codable, CaseIterable {
    /// Every non-missing cell is a number.
    case numeric
    /// Every non-missing cell is true/false, yes/no or t/f (any case); stored as 1/0.
    case boolean
    /// Anything else; stored as codes into a sorted category list.
    case categorical
}
