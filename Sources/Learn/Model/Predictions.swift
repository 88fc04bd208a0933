/// A model's predictions for a batch of rows: for classification the probability of every class
/// (row-major `rows x classes.count`) and the most probable class; for regression one value per row.
public struct Predictions: Sendable, Equatable {
    /// Class names in label order; empty for regression.
    public let classes: [String]
    /// Row-major `rowCount x max(classes.count, 1)`.
    public let values: [Double]
    public let rowCount: Int

    public init(classes: [String], values: [Double], rowCount: Int) {
        precondition(values.count == rowCount * max(classes.count, 1), "Predictions: \(values.count) values for \(rowCount) rows")
        self.classes = classes
        self.values = values
        self.rowCount = rowCount
    }

    public var isClassification: Bool { !classes.isEmpty }

    /// The index of the most probable class of `row` (the lowest on a tie).
    public func classIndex(_ row: Int) -> Int {
        let k = classes.count
        var best = 0
        for c in 1..<k where values[row * k + c] > values[row * k + best] { best = c }
        return best
    }

    /// The CSV header for these predictions: `prediction`, then `probability_<class>` per class.
    public var csvHeader: [String] {
        ["prediction"] + classes.map { "probability_\($0)" }
    }

    /// Appends row `row` as CSV fields (no line break): the class or value, then the probabilities.
    /// Numbers are written in their shortest round-tripping form.
    public func appendCSVFields(_ row: Int, to out: inout [String]) {
        if classes.isEmpty {
            out.append(values[row].description)
            return
        }
        out.append(classes[classIndex(row)])
        let k = classes.count
        for c in 0..<k { out.append(values[row * k + c].description) }
    }
}
