import Testing

@testable import Learn

struct MetricErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let run: @Sendable () throws -> Any
        let message: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "accuracy length mismatch", run: { try Metrics.accuracy(labels: [0, 1], predicted: [0]) },
            message: "accuracy: labels has 2 values but predicted has 1; expected one value per row in both"),
        Case(
            label: "accuracy empty", run: { try Metrics.accuracy(labels: [], predicted: []) },
            message: "accuracy: there are no rows to evaluate; expected at least one"),
        Case(
            label: "AUC single class", run: { try Metrics.rocAUC(labels: [1, 1, 1], scores: [0.1, 0.2, 0.3]) },
            message: "ROC AUC is undefined when only one class is present in labels"),
        Case(
            label: "AUC only negatives", run: { try Metrics.rocAUC(labels: [0, 0], scores: [0.1, 0.2]) },
            message: "ROC AUC is undefined when only one class is present in labels"),
        Case(
            label: "AUC label not binary", run: { try Metrics.rocAUC(labels: [0, 2, 1], scores: [0.1, 0.2, 0.3]) },
            message: "ROC AUC: labels[1] is 2; expected 0 or 1"),
        Case(
            label: "AUC negative label", run: { try Metrics.rocAUC(labels: [0, -1], scores: [0.1, 0.2]) },
            message: "ROC AUC: labels[1] is -1; expected 0 or 1"),
        Case(
            label: "AUC NaN score", run: { try Metrics.rocAUC(labels: [0, 1], scores: [0.1, .nan]) },
            message: "ROC AUC: scores[1] is nan; expected a finite number"),
        Case(
            label: "AUC length mismatch", run: { try Metrics.rocAUC(labels: [0, 1], scores: [0.1, 0.2, 0.3]) },
            message: "ROC AUC: labels has 2 values but scores has 3; expected one value per row in both"),
        Case(
            label: "OvR AUC class absent",
            run: { try Metrics.rocAUC(labels: [0, 2], scores: [0.5, 0.3, 0.2, 0.1, 0.1, 0.8], classCount: 3) },
            message: "ROC AUC: class 1 does not occur in labels; one-vs-rest ROC AUC needs every class to occur at least once"),
        Case(
            label: "OvR AUC wrong shape", run: { try Metrics.rocAUC(labels: [0, 1, 2], scores: [0.5, 0.5], classCount: 3) },
            message: "ROC AUC: probabilities has 2 values for 3 rows and 3 classes; expected 9 (row-major, rows x classes)"),
        Case(
            label: "OvR AUC label out of range",
            run: { try Metrics.rocAUC(labels: [0, 3], scores: [Double](repeating: 0.3, count: 6), classCount: 3) },
            message: "ROC AUC: labels[1] is 3; expected a class index in 0..<3"),
        Case(
            label: "OvR AUC one class", run: { try Metrics.rocAUC(labels: [0, 0], scores: [1, 1], classCount: 1) },
            message: "ROC AUC: the class count is 1; expected at least 2"),
        Case(
            label: "AP no positives", run: { try Metrics.prAUC(labels: [0, 0], scores: [0.1, 0.2]) },
            message: "average precision: labels contain no positive (1) rows; average precision is undefined without positives"),
        Case(
            label: "AP empty", run: { try Metrics.prAUC(labels: [], scores: []) },
            message: "average precision: there are no rows to evaluate; expected at least one"),
        Case(
            label: "log loss probability above 1", run: { try Metrics.logLoss(labels: [0, 1], probabilities: [0.2, 1.5]) },
            message: "log loss: probabilities[1] is 1.5; expected a probability in [0, 1]"),
        Case(
            label: "log loss NaN probability", run: { try Metrics.logLoss(labels: [0, 1], probabilities: [.nan, 0.5]) },
            message: "log loss: probabilities[0] is nan; expected a probability in [0, 1]"),
        Case(
            label: "log loss row does not sum to 1",
            run: { try Metrics.logLoss(labels: [0, 1], probabilities: [0.5, 0.5, 0.5, 0.4], classCount: 2) },
            message: "log loss: the probabilities of row 1 sum to 0.9; expected each row to sum to 1"),
        Case(
            label: "log loss label beyond classes",
            run: { try Metrics.logLoss(labels: [0, 2], probabilities: [0.5, 0.5, 0.5, 0.5], classCount: 2) },
            message: "log loss: labels[1] is 2; expected 0 or 1"),
        Case(
            label: "F1 predicted not binary", run: { try Metrics.f1(labels: [0, 1], predicted: [0, 5]) },
            message: "F1: predicted[1] is 5; expected 0 or 1"),
        Case(
            label: "confusion matrix zero classes", run: { try ConfusionMatrix(labels: [0], predicted: [0], classCount: 0) },
            message: "confusion matrix: the class count is 0; expected at least 1"),
        Case(
            label: "confusion matrix ragged", run: { try ConfusionMatrix(counts: [[1, 2], [3]]) },
            message: "confusion matrix: counts[1] has 1 values; expected 2, one per class, as the matrix has 2 rows"),
        Case(
            label: "RMSE length mismatch", run: { try Metrics.rmse(targets: [1, 2, 3], predicted: [1]) },
            message: "RMSE: targets has 3 values but predicted has 1; expected one value per row in both"),
        Case(
            label: "MAE infinite prediction", run: { try Metrics.mae(targets: [1, 2], predicted: [1, .infinity]) },
            message: "MAE: predicted[1] is inf; expected a finite number"),
        Case(
            label: "R2 single row", run: { try Metrics.r2(targets: [1], predicted: [1]) },
            message: "R2: there is 1 row; expected at least 2"),
        Case(
            label: "R2 NaN target", run: { try Metrics.r2(targets: [1, .nan], predicted: [1, 2]) },
            message: "R2: targets[1] is nan; expected a finite number"),
    ]

    @Test(arguments: cases)
    func messagesSayWhatWhereAndWhatWouldBeRight(_ testCase: Case) {
        #expect {
            _ = try testCase.run()
        } throws: { error in
            guard let error = error as? MetricError else { return false }
            #expect(error.description == testCase.message)
            return true
        }
    }
}
