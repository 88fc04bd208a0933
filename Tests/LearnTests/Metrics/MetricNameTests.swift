import Testing

@testable import Learn

struct MetricNameTests {
    @Test(arguments: [
        ("auc", MetricName.auc, true), ("accuracy", .accuracy, true), ("f1", .f1, true),
        ("precision", .precision, true), ("recall", .recall, true), ("logloss", .logloss, false),
        ("prauc", .prauc, true), ("rmse", .rmse, false), ("mae", .mae, false), ("r2", .r2, true),
    ])
    func parsesResourceSpelling(text: String, name: MetricName, higherIsBetter: Bool) throws {
        #expect(try MetricName(parsing: text) == name)
        #expect(name.higherIsBetter == higherIsBetter)
    }

    @Test(arguments: ["acc", "AUC", " auc", "", "log_loss", "roc_auc"])
    func rejectsUnknownNamesListingValidOnes(text: String) {
        #expect {
            try MetricName(parsing: text)
        } throws: { error in
            (error as? MetricError)?.description
                == "metric \"\(text)\" is not known; expected one of: auc, accuracy, f1, precision, recall, logloss, prauc, rmse, mae, r2"
        }
    }

    @Test func tasks() {
        #expect(MetricName.allCases.filter { $0.task == .regression } == [.rmse, .mae, .r2])
    }
}
