/// A metric a TrainingJob can report, promote on or tune for, spelled as in the resource
/// (`spec.register.promotion.metric`, `spec.tuning.metric`) and as the key in `metrics.json`.
public enum MetricName: String, CaseIterable, Codable, Sendable {
    /// ROC AUC; one-vs-rest macro average for more than two classes.
    case auc
    case accuracy
    /// F1 of class 1 for two classes; the macro average for more.
    case f1
    /// Precision of class 1 for two classes; the macro average for more.
    case precision
    /// Recall of class 1 for two classes; the macro average for more.
    case recall
    case logloss
    /// Average precision (area under the precision–recall curve); two classes only.
    case prauc
    case rmse
    case mae
    case r2

    /// Parses the spelling used in a resource, such as `auc` or `rmse`; exact and lower-case, as
    /// Kubernetes enum values are.
    public init(parsing text: String) throws(MetricError) {
        guard let name = MetricName(rawValue: text) else { throw MetricError(.unknownMetric(name: text), metric: "metric") }
        self = name
    }

    /// Whether a larger value means a better model, which decides the direction of promotion and tuning.
    public var higherIsBetter: Bool {
        switch self {
        case .auc, .accuracy, .f1, .precision, .recall, .prauc, .r2: true
        case .logloss, .rmse, .mae: false
        }
    }

    /// The kind of model the metric evaluates.
    public var task: MetricReport.Task {
        switch self {
        case .auc, .accuracy, .f1, .precision, .recall, .logloss, .prauc: .classification
        case .rmse, .mae, .r2: .regression
        }
    }
}
