import DataIO

/// Whether a model predicts a class or a number.
public enum LearningTask: String, Sendable, Codable, CaseIterable {
    case classification
    case regression
}

/// One input column a model was trained on: its name, its kind, and for a categorical column the
/// categories it knows (byte-wise sorted, as ``CSVReader`` orders them), whose positions are the
/// codes the model uses. Prediction data is mapped through this, never through its own inference.
public struct FeatureSpec: Sendable, Codable, Equatable {
    public let name: String
    public let kind: ColumnKind
    /// Categorical features only; empty otherwise.
    public let categories: [String]

    public init(name: String, kind: ColumnKind, categories: [String] = []) {
        self.name = name
        self.kind = kind
        self.categories = kind == .categorical ? categories : []
    }
}

/// The column a model predicts, and for classification its classes in label order (class i is
/// what label i, probability column i and `probability_<class>` refer to).
public struct TargetSpec: Sendable, Codable, Equatable {
    public let name: String
    public let task: LearningTask
    /// Classification only; empty for regression.
    public let classes: [String]

    public init(name: String, task: LearningTask, classes: [String] = []) {
        self.name = name
        self.task = task
        self.classes = task == .classification ? classes : []
    }
}
