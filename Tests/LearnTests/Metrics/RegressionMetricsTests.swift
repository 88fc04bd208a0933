import Testing

@testable import Learn

struct RegressionMetricsTests {
    // sklearn docs: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
    static let targets = [3, -0.5, 2, 7]
    static let predicted = [2.5, 0.0, 2, 8]

    @Test func rmseOfScikitLearnDocsExample() throws {
        // Residuals .5, -.5, 0, -1; squares .25 + .25 + 0 + 1 = 1.5; MSE = .375; RMSE = sqrt(.375) = 0.6123724.
        let rmse = try Metrics.rmse(targets: Self.targets, predicted: Self.predicted)
        #expect(abs(rmse - 0.6123724356957945) < 1e-15)
    }

    @Test func maeOfScikitLearnDocsExample() throws {
        // (.5 + .5 + 0 + 1) / 4 = 0.5.
        #expect(try Metrics.mae(targets: Self.targets, predicted: Self.predicted) == 0.5)
    }

    @Test func r2OfScikitLearnDocsExample() throws {
        // mean = 11.5 / 4 = 2.875; SS_tot = .015625 + 11.390625 + .765625 + 17.015625 = 29.1875;
        // SS_res = 1.5; R² = 1 - 1.5 / 29.1875 = 0.948608...
        let r2 = try Metrics.r2(targets: Self.targets, predicted: Self.predicted)
        #expect(abs(r2 - 0.9486081370449679) < 1e-12)
    }

    @Test func r2CanBeNegative() throws {
        // Predicting the targets reversed: SS_res = 4 + 0 + 4 = 8, SS_tot = 1 + 0 + 1 = 2; R² = 1 - 4 = -3.
        #expect(try Metrics.r2(targets: [1, 2, 3], predicted: [3, 2, 1]) == -3)
    }

    @Test(arguments: [
        ([2.0, 2.0, 2.0], 1.0),  // constant target, perfect prediction
        ([1.0, 2.0, 3.0], 0.0),  // constant target, any error
    ])
    func r2OfConstantTargetFollowsScikitLearn(predicted: [Double], expected: Double) throws {
        #expect(try Metrics.r2(targets: [2, 2, 2], predicted: predicted) == expected)
    }
}
