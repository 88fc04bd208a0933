/// Why a metric could not be computed, worded for the person reading a training log or status:
/// which metric, what was wrong with which input, and what would be right.
public struct MetricError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Code: Equatable, Sendable {
        case empty
        case lengthMismatch(firstName: String, firstCount: Int, secondName: String, secondCount: Int)
        case probabilityShape(valueCount: Int, rowCount: Int, classCount: Int)
        case classCount(Int, minimum: Int)
        case labelOutOfRange(name: String, index: Int, value: Int32, classCount: Int)
        case nonFinite(name: String, index: Int, value: Double)
        case probabilityOutOfRange(index: Int, value: Double)
        case probabilitiesDoNotSumToOne(row: Int, sum: Double)
        case singleClass
        case classAbsent(classIndex: Int)
        case noPositives
        case tooFewRows(count: Int, minimum: Int)
        case unknownMetric(name: String)
        case negativeCount(actual: Int, predicted: Int, value: Int)
        case notSquare(row: Int, count: Int, classCount: Int)
    }

    let code: Code
    /// The metric being computed, as written in messages (for example `ROC AUC` or `log loss`).
    public let metric: String

    init(_ code: Code, metric: String) {
        self.code = code
        self.metric = metric
    }

    public var description: String {
        switch code {
        case .empty:
            return "\(metric): there are no rows to evaluate; expected at least one"
        case .lengthMismatch(let firstName, let firstCount, let secondName, let secondCount):
            return "\(metric): \(firstName) has \(firstCount) values but \(secondName) has \(secondCount); "
                + "expected one value per row in both"
        case .probabilityShape(let valueCount, let rowCount, let classCount):
            return "\(metric): probabilities has \(valueCount) values for \(rowCount) rows and \(classCount) classes; "
                + "expected \(rowCount * classCount) (row-major, rows x classes)"
        case .classCount(let count, let minimum):
            return "\(metric): the class count is \(count); expected at least \(minimum)"
        case .labelOutOfRange(let name, let index, let value, let classCount):
            let expected = classCount == 2 ? "0 or 1" : "a class index in 0..<\(classCount)"
            return "\(metric): \(name)[\(index)] is \(value); expected \(expected)"
        case .nonFinite(let name, let index, let value):
            return "\(metric): \(name)[\(index)] is \(value); expected a finite number"
        case .probabilityOutOfRange(let index, let value):
            return "\(metric): probabilities[\(index)] is \(value); expected a probability in [0, 1]"
        case .probabilitiesDoNotSumToOne(let row, let sum):
            return "\(metric): the probabilities of row \(row) sum to \(sum); expected each row to sum to 1"
        case .singleClass:
            // sklearn's wording, so the message is recognisable.
            return "ROC AUC is undefined when only one class is present in labels"
        case .classAbsent(let classIndex):
            return "\(metric): class \(classIndex) does not occur in labels; one-vs-rest ROC AUC needs every class "
                + "to occur at least once"
        case .noPositives:
            return "\(metric): labels contain no positive (1) rows; average precision is undefined without positives"
        case .tooFewRows(let count, let minimum):
            return "\(metric): there \(count == 1 ? "is 1 row" : "are \(count) rows"); expected at least \(minimum)"
        case .negativeCount(let actual, let predicted, let value):
            return "\(metric): counts[\(actual)][\(predicted)] is \(value); expected a count of 0 or more"
        case .notSquare(let row, let count, let classCount):
            return
                "\(metric): counts[\(row)] has \(count) values; expected \(classCount), one per class, as the matrix has \(classCount) rows"
        case .unknownMetric(let name):
            let valid = MetricName.allCases.map(\.rawValue).joined(separator: ", ")
            return "metric \"\(name)\" is not known; expected one of: \(valid)"
        }
    }
}
