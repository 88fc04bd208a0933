import Foundation
import Testing

@testable import Learn

@Suite struct LogisticRegressionTests {
    /// 80 rows, 3 features on unit scale, classes overlapping (drawn from a logistic model).
    static func binaryData(seed: UInt64 = 11, rows: Int = 80, scale: [Double] = [1, 1, 1]) -> (FeatureMatrix, [Int32]) {
        var data = LinearTestData(seed: seed)
        let x = data.matrix(rows: rows, columns: 3, scale: scale)
        let labels = data.labels(for: x, logitRows: [[1.5 / scale[0], -1 / scale[1], 0.5 / scale[2]]], intercepts: [0.3])
        return (x, labels)
    }

    static func multiclassData(seed: UInt64 = 12, rows: Int = 120) -> (FeatureMatrix, [Int32]) {
        var data = LinearTestData(seed: seed)
        let x = data.matrix(rows: rows, columns: 2)
        let labels = data.labels(for: x, logitRows: [[2, 0], [-1, 1.5], [-1, -1.5]], intercepts: [0, 0.2, -0.2])
        return (x, labels)
    }

    @Test(arguments: [LogisticRegression.Solver.lbfgs, .newton], [true, false])
    func binaryGradientAtTheSolutionIsBelowTolerance(solver: LogisticRegression.Solver, withIntercept: Bool) throws {
        let (x, labels) = Self.binaryData()
        let parameters = LogisticRegression(c: 0.5, solver: solver, tolerance: 1e-8, standardize: false, fitIntercept: withIntercept)
        let model = try parameters.fit(x, labels, classCount: 2)
        #expect(model.convergence.converged)
        #expect(model.convergence.solver == solver)
        if !withIntercept { #expect(model.intercepts == [0]) }
        let gradient = logisticObjectiveGradient(
            x: x, labels: labels, classCount: 2, c: 0.5, coefficients: model.coefficients, intercepts: model.intercepts,
            withIntercept: withIntercept)
        let largest = gradient.map(abs).max()!
        #expect(largest <= 1.01e-8, "max |gradient| \(largest)")
        // Not the trivial zero solution: the data carry signal.
        #expect(model.coefficients[0] > 0.5 && model.coefficients[1] < -0.3)
    }

    @Test func standardizedFitIsOptimalForTheStandardizedProblem() throws {
        let (x, labels) = Self.binaryData(scale: [1000, 0.01, 1])
        let model = try LogisticRegression(c: 2, tolerance: 1e-8).fit(x, labels, classCount: 2)
        #expect(model.convergence.converged)
        // Re-express on the standardised scale, as scikit-learn's StandardScaler would see it.
        let scaler = model.scaler
        let z = scaler.transform(x)
        let standardized = (0..<3).map { model.coefficients[$0] * scaler.stds[$0] }
        let intercept = model.intercepts[0] + (0..<3).reduce(0.0) { $0 + model.coefficients[$1] * scaler.means[$1] }
        let gradient = logisticObjectiveGradient(
            x: z, labels: labels, classCount: 2, c: 2, coefficients: standardized, intercepts: [intercept], withIntercept: true)
        #expect(gradient.map(abs).max()! <= 1.01e-8)
        // Population std, as StandardScaler.
        let column = (0..<x.rowCount).map { x[$0, 0] }
        let mean = column.reduce(0, +) / Double(column.count)
        let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
        #expect(abs(scaler.means[0] - mean) <= 1e-9 * abs(mean) + 1e-12)
        #expect(abs(scaler.stds[0] - std) <= 1e-12 * std)
    }

    @Test func lbfgsAndNewtonAgreeOnBinaryProblems() throws {
        for standardize in [true, false] {
            let (x, labels) = Self.binaryData(seed: 21, rows: 150)
            let lbfgs = try LogisticRegression(c: 3, solver: .lbfgs, tolerance: 1e-10, standardize: standardize).fit(
                x, labels, classCount: 2)
            let newton = try LogisticRegression(c: 3, solver: .newton, tolerance: 1e-10, standardize: standardize).fit(
                x, labels, classCount: 2)
            for j in 0..<3 { #expect(abs(lbfgs.coefficients[j] - newton.coefficients[j]) < 1e-6) }
            #expect(abs(lbfgs.intercepts[0] - newton.intercepts[0]) < 1e-6)
            #expect(newton.convergence.iterations < lbfgs.convergence.iterations, "Newton should need fewer iterations")
        }
    }

    @Test func multiclassProbabilitiesSumToOneAndTheFitIsOptimal() throws {
        let (x, labels) = Self.multiclassData()
        let model = try LogisticRegression(c: 1, tolerance: 1e-8, standardize: false).fit(x, labels, classCount: 3)
        #expect(model.convergence.converged)
        #expect(model.coefficients.count == 6 && model.intercepts.count == 3)
        #expect(abs(model.intercepts.reduce(0, +)) < 1e-12, "intercepts are centred")
        let gradient = logisticObjectiveGradient(
            x: x, labels: labels, classCount: 3, c: 1, coefficients: model.coefficients, intercepts: model.intercepts, withIntercept: true)
        #expect(gradient.map(abs).max()! <= 1.01e-8)

        let probabilities = model.predictProbabilities(x)
        #expect(probabilities.count == 3 * x.rowCount)
        let classes = model.predictClasses(x)
        var correct = 0
        for r in 0..<x.rowCount {
            let row = Array(probabilities[(3 * r)..<(3 * r + 3)])
            #expect(abs(row.reduce(0, +) - 1) < 1e-14)
            #expect(row.allSatisfy { $0 > 0 && $0 < 1 })
            #expect(Int(classes[r]) == row.indices.max { row[$0] < row[$1] }!)
            if classes[r] == labels[r] { correct += 1 }
        }
        #expect(correct > x.rowCount / 2, "accuracy \(correct)/\(x.rowCount) should beat chance (1/3)")
    }

    @Test func standardizationDoesNotChangePredictionsWithoutRegularization() throws {
        let (x, labels) = Self.binaryData(seed: 31, rows: 200)
        let raw = try LogisticRegression(c: 1e8, tolerance: 1e-10, standardize: false).fit(x, labels, classCount: 2)
        let scaled = try LogisticRegression(c: 1e8, tolerance: 1e-10, standardize: true).fit(x, labels, classCount: 2)
        let a = raw.predictProbabilities(x)
        let b = scaled.predictProbabilities(x)
        #expect(zip(a, b).map { abs($0 - $1) }.max()! < 1e-7)
        // With C = 1 the penalty acts on different scales, so the two genuinely differ.
        let rawPenalised = try LogisticRegression(c: 0.01, standardize: false).fit(x, labels, classCount: 2)
        let scaledPenalised = try LogisticRegression(c: 0.01, standardize: true).fit(x, labels, classCount: 2)
        #expect(rawPenalised.coefficients != scaledPenalised.coefficients)
    }

    @Test func interceptOnlyFitIsTheLogOddsOfTheLabels() throws {
        // A constant feature standardises to 0, gets coefficient 0, and the unpenalised intercept
        // is the maximum-likelihood log odds: 3 positives in 10 rows gives log(3/7).
        let x = FeatureMatrix(rows: Array(repeating: [4.2], count: 10), names: ["flat"])
        let labels: [Int32] = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0]
        for solver in [LogisticRegression.Solver.lbfgs, .newton] {
            let model = try LogisticRegression(solver: solver, tolerance: 1e-12).fit(x, labels, classCount: 2)
            #expect(model.coefficients == [0])
            #expect(model.scaler.stds == [1])
            #expect(abs(model.intercepts[0] - log(3.0 / 7)) < 1e-10)
        }
    }

    @Test func newtonRequestForMulticlassRunsLbfgs() throws {
        let (x, labels) = Self.multiclassData()
        let newton = try LogisticRegression(solver: .newton).fit(x, labels, classCount: 3)
        let lbfgs = try LogisticRegression(solver: .lbfgs).fit(x, labels, classCount: 3)
        #expect(newton.convergence.solver == .lbfgs)
        #expect(newton.coefficients == lbfgs.coefficients)
    }

    @Test func missingValuesAreRejectedNamingTheColumn() throws {
        let x = FeatureMatrix(
            rows: [[30, 1], [.nan, 2], [41, .nan], [.nan, 3], [.nan, 4]], names: ["age", "visits"])
        let error = try #require(throws: ModelError.self) { try LogisticRegression().fit(x, [0, 1, 0, 1, 0], classCount: 2) }
        #expect(error.kind == .missingValues)
        #expect(
            error.message
                == "logistic regression cannot use missing values; column \"age\" has 3, column \"visits\" has 1; impute or drop them")

        let one = FeatureMatrix(rows: [[30], [.nan], [.nan], [.nan]], names: ["age"])
        let single = try #require(throws: ModelError.self) { try LogisticRegression().fit(one, [0, 1, 0, 1], classCount: 2) }
        #expect(single.description == "logistic regression cannot use missing values; column \"age\" has 3; impute or drop them")
    }

    @Test(arguments: [
        ([0, 1, 0] as [Int32], 2, 1.0, ModelError.Kind.lengthMismatch, "3 labels for 4 feature rows"),
        ([0, 1, 0, 1], 1, 1.0, .invalidParameter, "classCount is 1; classification needs at least 2 classes"),
        ([0, 1, 2, 1], 2, 1.0, .invalidLabels, "label at row 2 is 2; labels must be in 0..<2"),
        ([0, -1, 0, 1], 2, 1.0, .invalidLabels, "label at row 1 is -1"),
        ([0, 0, 0, 0], 2, 1.0, .invalidLabels, "class 1 has no rows among the 4 labels"),
        ([0, 2, 0, 2], 4, 1.0, .invalidLabels, "classes 1, 3 have no rows"),
        ([0, 1, 0, 1], 2, 0.0, .invalidParameter, "C is 0.0; it must be a finite number > 0"),
    ])
    func invalidInputIsRejected(labels: [Int32], classCount: Int, c: Double, kind: ModelError.Kind, fragment: String) throws {
        let x = FeatureMatrix(rows: [[1], [2], [3], [4]])
        let error = try #require(throws: ModelError.self) { try LogisticRegression(c: c).fit(x, labels, classCount: classCount) }
        #expect(error.kind == kind)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func hittingTheIterationLimitIsReportedNotThrown() throws {
        let (x, labels) = Self.binaryData()
        let model = try LogisticRegression(maxIterations: 2, tolerance: 1e-12).fit(x, labels, classCount: 2)
        #expect(!model.convergence.converged)
        #expect(model.convergence.iterations == 2)
        #expect(model.convergence.gradientMaxNorm > 1e-12)
    }

    @Test func separableDataStaysFiniteAndClassifiesPerfectly() throws {
        let x = FeatureMatrix(rows: [[-3], [-2], [-1], [1], [2], [3]])
        let labels: [Int32] = [0, 0, 0, 1, 1, 1]
        for solver in [LogisticRegression.Solver.lbfgs, .newton] {
            let model = try LogisticRegression(c: 1e6, solver: solver).fit(x, labels, classCount: 2)
            #expect(model.coefficients.allSatisfy { $0.isFinite && $0 > 0 })
            #expect(model.predictClasses(x) == labels)
        }
    }

    @Test func fitsAreBitIdenticalAndRoundTripThroughJSON() throws {
        let (x, labels) = Self.multiclassData()
        let first = try LogisticRegression().fit(x, labels, classCount: 3)
        let second = try LogisticRegression().fit(x, labels, classCount: 3)
        #expect(first == second)
        let decoded = try JSONDecoder().decode(LogisticModel.self, from: JSONEncoder().encode(first))
        #expect(decoded == first)
        #expect(decoded.predictProbabilities(x) == first.predictProbabilities(x))
    }
}
