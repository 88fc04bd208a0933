import Foundation
import Testing

@testable import Learn

@Suite struct LinearRegressionTests {
    @Test func ordinaryLeastSquaresRecoversAnExactlyLinearRelation() throws {
        var data = LinearTestData(seed: 1)
        let x = data.matrix(rows: 50, columns: 3, scale: [1, 100, 0.01])
        let truth = [2.0, -0.015, 40.0]
        let y = (0..<50).map { r in 3 + (0..<3).reduce(0.0) { $0 + truth[$1] * x[r, $1] } }
        let model = try LinearRegression().fit(x, y)
        for j in 0..<3 { #expect(abs(model.coefficients[j] - truth[j]) < 1e-10, "coefficient \(j): \(model.coefficients[j])") }
        #expect(abs(model.intercept - 3) < 1e-10)
        let predictions = model.predict(x)
        for r in 0..<50 { #expect(abs(predictions[r] - y[r]) < 1e-10) }
        #expect(model.featureNames == ["f0", "f1", "f2"])
    }

    @Test func ridgeMatchesAHandComputedThreeByTwoExample() throws {
        // X = [[1,2],[2,1],[3,4]], y = [1,2,4], alpha = 1, with intercept.
        // Means: x̄ = (2, 7/3), ȳ = 7/3. Centred: Xc = [[-1,-1/3],[0,-4/3],[1,5/3]], yc = [-4/3,-1/3,5/3].
        // XcᵀXc = [[2, 2], [2, 14/3]]; plus alpha I: A = [[3, 2], [2, 17/3]], det A = 17 - 4 = 13.
        // Xcᵀyc = [4/3 + 5/3, 4/9 + 4/9 + 25/9] = [3, 11/3].
        // w = A⁻¹ b = (1/13) [[17/3, -2], [-2, 3]] [3, 11/3] = [(17 - 22/3)/13, (-6 + 11)/13] = [29/39, 5/13].
        // b = ȳ - x̄·w = 7/3 - 2·29/39 - (7/3)(15/39) = (91 - 58 - 35)/39 = -2/39.
        let x = FeatureMatrix(rows: [[1, 2], [2, 1], [3, 4]])
        let model = try LinearRegression(alpha: 1).fit(x, [1, 2, 4])
        #expect(abs(model.coefficients[0] - 29.0 / 39) < 1e-14)
        #expect(abs(model.coefficients[1] - 5.0 / 13) < 1e-14)
        #expect(abs(model.intercept - -2.0 / 39) < 1e-14)
    }

    @Test func ridgeWithoutInterceptPenalisesTheRawNormalEquations() throws {
        // No centring: A = XᵀX + I = [[15, 16], [16, 22]], b = Xᵀy = [17, 20]; det = 330 - 256 = 74.
        // w = (1/74) [[22, -16], [-16, 15]] [17, 20] = [(374 - 320)/74, (-272 + 300)/74] = [27/37, 14/37].
        let x = FeatureMatrix(rows: [[1, 2], [2, 1], [3, 4]])
        let model = try LinearRegression(alpha: 1, fitIntercept: false).fit(x, [1, 2, 4])
        #expect(abs(model.coefficients[0] - 27.0 / 37) < 1e-14)
        #expect(abs(model.coefficients[1] - 14.0 / 37) < 1e-14)
        #expect(model.intercept == 0)
    }

    @Test func interceptOffFitsThroughTheOrigin() throws {
        // y = 5 + x: through the origin the least-squares slope is Σxy / Σx² = (6 + 14 + 24) / (1 + 4 + 9) = 44/14.
        let x = FeatureMatrix(rows: [[1], [2], [3]])
        let model = try LinearRegression(fitIntercept: false).fit(x, [6, 7, 8])
        #expect(model.intercept == 0)
        #expect(abs(model.coefficients[0] - 44.0 / 14) < 1e-14)
        #expect(abs(model.predict(FeatureMatrix(rows: [[0]]))[0]) == 0)
    }

    @Test func integerWeightsEqualDuplicatedRowsAndZeroWeightDropsARow() throws {
        var data = LinearTestData(seed: 2)
        let x = data.matrix(rows: 12, columns: 2)
        let y = (0..<12).map { _ in data.normal() }
        let weights: [Double] = [1, 2, 3, 1, 1, 2, 1, 4, 1, 1, 2, 1]
        var duplicated: [Int] = []
        for (row, weight) in weights.enumerated() { duplicated += Array(repeating: row, count: Int(weight)) }
        for alpha in [0.0, 0.7] {
            let weighted = try LinearRegression(alpha: alpha).fit(x, y, weights: weights)
            let repeated = try LinearRegression(alpha: alpha).fit(x.rows(duplicated), duplicated.map { y[$0] })
            for j in 0..<2 { #expect(abs(weighted.coefficients[j] - repeated.coefficients[j]) < 1e-12) }
            #expect(abs(weighted.intercept - repeated.intercept) < 1e-12)
        }

        var outlier = y
        outlier[5] = 1e6
        var zeroed = Array(repeating: 1.0, count: 12)
        zeroed[5] = 0
        let ignoring = try LinearRegression().fit(x, outlier, weights: zeroed)
        let without = try LinearRegression().fit(
            x.rows((0..<12).filter { $0 != 5 }), y.enumerated().filter { $0.offset != 5 }.map(\.element))
        for j in 0..<2 { #expect(abs(ignoring.coefficients[j] - without.coefficients[j]) < 1e-12) }
        #expect(abs(ignoring.intercept - without.intercept) < 1e-12)
    }

    @Test func collinearColumnsWithoutRidgeThrowNamingTheColumns() throws {
        let x = FeatureMatrix(
            rows: [[1, 0, 2], [2, 1, 5], [3, 1, 7], [4, 3, 11], [5, 2, 12]], names: ["rooms", "floors", "size"])
        // size = 2·rooms + floors.
        let y: [Double] = [1, 2, 3, 4, 6]
        let error = try #require(throws: ModelError.self) { try LinearRegression().fit(x, y) }
        #expect(error.kind == .singularSystem)
        #expect(
            error.message
                == "linear regression: column \"size\" is a linear combination of columns \"rooms\", \"floors\", so least squares has no unique solution; drop one of them or set alpha > 0"
        )
        // Ridge makes the system regular.
        let ridge = try LinearRegression(alpha: 0.1).fit(x, y)
        #expect(ridge.coefficients.allSatisfy { $0.isFinite })
    }

    @Test func constantColumnIsReportedAndRidgeGivesItExactlyZero() throws {
        let x = FeatureMatrix(rows: [[1, 0.1], [2, 0.1], [4, 0.1]], names: ["a", "bias"])
        let y: [Double] = [1, 3, 4]
        let error = try #require(throws: ModelError.self) { try LinearRegression().fit(x, y) }
        #expect(error.kind == .singularSystem)
        #expect(
            error.message
                == "linear regression: column \"bias\" is constant, so with an intercept its coefficient is undetermined; drop the column or set alpha > 0"
        )
        #expect(try LinearRegression(alpha: 1).fit(x, y).coefficients[1] == 0)

        let zeros = FeatureMatrix(rows: [[1, 0], [2, 0], [4, 0]], names: ["a", "empty"])
        let noIntercept = try #require(throws: ModelError.self) { try LinearRegression(fitIntercept: false).fit(zeros, y) }
        #expect(noIntercept.message.contains("column \"empty\" is all zeros"))
    }

    @Test(arguments: [
        (FeatureMatrix(rowCount: 0, columnCount: 2, values: []), [Double](), nil as [Double]?, 0.0, ModelError.Kind.emptyData, "no rows"),
        (FeatureMatrix(rows: [[1], [2]]), [1, 2, 3], nil, 0.0, .lengthMismatch, "3 targets for 2 feature rows"),
        (FeatureMatrix(rows: [[1], [2]]), [1, .nan], nil, 0.0, .nonFiniteValues, "target has 1 non-finite value(s), first at row 1"),
        (
            FeatureMatrix(rows: [[1], [.nan], [.nan]], names: ["age"]), [1, 2, 3], nil, 0.0, .missingValues,
            "linear regression cannot use missing values; column \"age\" has 2; impute or drop them"
        ),
        (
            FeatureMatrix(rows: [[1], [.infinity]], names: ["x"]), [1, 2], nil, 0.0, .nonFiniteValues, "column \"x\" has 1 (first at row 1)"
        ),
        (FeatureMatrix(rows: [[1], [2]]), [1, 2], [1], 0.0, .lengthMismatch, "1 weights for 2 feature rows"),
        (FeatureMatrix(rows: [[1], [2]]), [1, 2], [1, -1], 0.0, .invalidParameter, "weight at row 1 is -1.0; weights must be >= 0"),
        (FeatureMatrix(rows: [[1], [2]]), [1, 2], [0, 0], 0.0, .invalidParameter, "all 2 weights are 0"),
        (FeatureMatrix(rows: [[1], [2]]), [1, 2], nil, -1.0, .invalidParameter, "alpha is -1.0; it must be a finite number >= 0"),
    ])
    func invalidInputIsRejected(x: FeatureMatrix, y: [Double], weights: [Double]?, alpha: Double, kind: ModelError.Kind, fragment: String)
        throws
    {
        let error = try #require(throws: ModelError.self) { try LinearRegression(alpha: alpha).fit(x, y, weights: weights) }
        #expect(error.kind == kind)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func fitsAreBitIdenticalAndRoundTripThroughJSON() throws {
        var data = LinearTestData(seed: 3)
        let x = data.matrix(rows: 200, columns: 6)
        let y = (0..<200).map { _ in data.normal() }
        let first = try LinearRegression(alpha: 0.3).fit(x, y)
        let second = try LinearRegression(alpha: 0.3).fit(x, y)
        #expect(first == second)
        let decoded = try JSONDecoder().decode(LinearModel.self, from: JSONEncoder().encode(first))
        #expect(decoded == first)
        #expect(decoded.predict(x) == first.predict(x))
    }

    @Test func interceptOnlyModelPredictsTheWeightedMean() throws {
        let x = FeatureMatrix(rowCount: 3, columnCount: 0, values: [])
        let model = try LinearRegression().fit(x, [1, 2, 6], weights: [1, 1, 2])
        #expect(model.intercept == 15.0 / 4)
        #expect(model.predict(x) == [3.75, 3.75, 3.75])
    }
}
