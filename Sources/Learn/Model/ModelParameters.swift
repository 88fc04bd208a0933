import Foundation

/// The model families `trainyard train --model` and `spec.model.type` name.
public enum ModelType: String, Sendable, Codable, CaseIterable {
    case gbdt
    case logistic
    case linear
}

/// A model family with its parameters set: what the trainer fits.
public enum ModelConfiguration: Sendable, Equatable {
    case gbdt(GradientBoosting)
    case logistic(LogisticRegression)
    case linear(LinearRegression)

    public var type: ModelType {
        switch self {
        case .gbdt: .gbdt
        case .logistic: .logistic
        case .linear: .linear
        }
    }
}

/// Parses hyperparameters given as text (`--param k=v`, `spec.model.params`) into a
/// ``ModelConfiguration``, with errors that name the parameter, say what was expected, and suggest
/// the intended name for a misspelt one. Names are the camelCase ones in the docs; snake_case and
/// case variants of a name (`max_depth`, `MaxDepth`) are accepted as that name.
public enum ModelParameters {
    /// One parameter a model family accepts.
    public struct Parameter: Sendable {
        public let name: String
        public let help: String
        fileprivate let apply: @Sendable (inout ModelConfiguration, String) throws -> Void
    }

    /// The parameters of `type`, in documentation order.
    public static func parameters(for type: ModelType) -> [Parameter] {
        switch type {
        case .gbdt: gbdtParameters
        case .logistic: logisticParameters
        case .linear: linearParameters
        }
    }

    /// The configuration for `type` with `values` applied over the defaults. `seed` and `threads`
    /// are set where the family uses them. GBDT's objective is left for the trainer, which knows
    /// the task and the number of classes.
    public static func configuration(
        _ type: ModelType, _ values: [String: String], seed: UInt64 = 0, threads: Int = 0
    ) throws -> ModelConfiguration {
        var configuration: ModelConfiguration
        switch type {
        case .gbdt: configuration = .gbdt(GradientBoosting(seed: seed, threads: threads))
        case .logistic: configuration = .logistic(LogisticRegression())
        case .linear: configuration = .linear(LinearRegression())
        }
        let known = parameters(for: type)
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let parameter = known.first(where: { normalized($0.name) == normalized(name) }) else {
                let names = known.map(\.name)
                let suggestion = closest(to: name, in: names).map { "; did you mean \($0)?" } ?? ""
                throw ModelError(
                    .invalidParameter,
                    "parameter \(name): not a \(type.rawValue) parameter\(suggestion) (\(type.rawValue) takes: \(names.joined(separator: ", ")))"
                )
            }
            try parameter.apply(&configuration, value.trimmingCharacters(in: .whitespaces))
        }
        return configuration
    }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// The name at edit distance ≤ 2 from `name` (case-insensitive), if one is closest.
    static func closest(to name: String, in names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(normalized(name), normalized($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: Value parsing

    private static func integer(_ name: String, _ text: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text) ?? Double(text).flatMap({ $0.rounded() == $0 && abs($0) < 1e15 ? Int($0) : nil }) else {
            throw ModelError(.invalidParameter, "parameter \(name): \"\(text)\" is not a whole number")
        }
        guard range.contains(value) else {
            throw ModelError(.invalidParameter, "parameter \(name): \(value) is out of range; expected \(describe(range))")
        }
        return value
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "\(range.lowerBound) or more" : "\(range.lowerBound)...\(range.upperBound)"
    }

    private static func number(_ name: String, _ text: String, _ check: (Double) -> Bool, _ expected: String) throws -> Double {
        guard let value = Double(text), value.isFinite else {
            throw ModelError(.invalidParameter, "parameter \(name): \"\(text)\" is not a finite number")
        }
        guard check(value) else { throw ModelError(.invalidParameter, "parameter \(name): \(text) is out of range; expected \(expected)") }
        return value
    }

    private static func boolean(_ name: String, _ text: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ModelError(.invalidParameter, "parameter \(name): \"\(text)\" is not a boolean; expected true or false")
        }
    }

    private static func gbdt(_ name: String, _ help: String, _ set: @escaping @Sendable (inout GradientBoosting, String) throws -> Void)
        -> Parameter
    {
        Parameter(name: name, help: help) { configuration, text in
            guard case .gbdt(var parameters) = configuration else { return }
            try set(&parameters, text)
            configuration = .gbdt(parameters)
        }
    }

    private static let gbdtParameters: [Parameter] = [
        gbdt("numTrees", "boosting rounds (default 100)") { $0.numTrees = try integer("numTrees", $1, 1...100_000) },
        gbdt("learningRate", "shrinkage per tree, (0, 1] (default 0.3)") {
            $0.learningRate = try number("learningRate", $1, { $0 > 0 && $0 <= 1 }, "a number in (0, 1]")
        },
        gbdt("maxDepth", "maximum tree depth (default 6; 0 = no cap with maxLeaves)") { $0.maxDepth = try integer("maxDepth", $1, 0...64) },
        gbdt("maxLeaves", "leaf-wise growth to this many leaves (default 0 = depth-wise)") {
            $0.maxLeaves = try integer("maxLeaves", $1, 0...65_536)
        },
        gbdt("minChildWeight", "minimum hessian sum in a child (default 1)") {
            $0.minChildWeight = try number("minChildWeight", $1, { $0 >= 0 }, "a number, 0 or more")
        },
        gbdt("lambda", "L2 penalty on leaf weights (default 1)") {
            $0.lambda = try number("lambda", $1, { $0 >= 0 }, "a number, 0 or more")
        },
        gbdt("alpha", "L1 penalty on leaf weights (default 0)") { $0.alpha = try number("alpha", $1, { $0 >= 0 }, "a number, 0 or more") },
        gbdt("gamma", "minimum gain to split (default 0)") { $0.gamma = try number("gamma", $1, { $0 >= 0 }, "a number, 0 or more") },
        gbdt("subsample", "share of rows per round, (0, 1] (default 1)") {
            $0.subsample = try number("subsample", $1, { $0 > 0 && $0 <= 1 }, "a number in (0, 1]")
        },
        gbdt("colsampleByTree", "share of features per tree, (0, 1] (default 1)") {
            $0.colsampleByTree = try number("colsampleByTree", $1, { $0 > 0 && $0 <= 1 }, "a number in (0, 1]")
        },
        gbdt("maxBins", "histogram bins per numeric feature, 2...255 (default 255)") { $0.maxBins = try integer("maxBins", $1, 2...255) },
        gbdt("earlyStoppingRounds", "stop after this many rounds without validation improvement (default 0 = off)") {
            $0.earlyStoppingRounds = try integer("earlyStoppingRounds", $1, 0...100_000)
        },
        gbdt("evalMetric", "metric for curves and early stopping: logloss, auc, error, mlogloss, merror, rmse, mae") {
            guard let metric = EvaluationMetric(rawValue: $1) else {
                throw ModelError(
                    .invalidParameter,
                    "parameter evalMetric: \"\($1)\" is not a metric; expected one of: \(EvaluationMetric.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            $0.evalMetric = metric
        },
    ]

    private static func logistic(
        _ name: String, _ help: String, _ set: @escaping @Sendable (inout LogisticRegression, String) throws -> Void
    ) -> Parameter {
        Parameter(name: name, help: help) { configuration, text in
            guard case .logistic(var parameters) = configuration else { return }
            try set(&parameters, text)
            configuration = .logistic(parameters)
        }
    }

    private static let logisticParameters: [Parameter] = [
        logistic("c", "inverse L2 strength, as scikit-learn's C (default 1)") {
            $0.c = try number("c", $1, { $0 > 0 }, "a number above 0")
        },
        logistic("solver", "lbfgs or newton (default lbfgs)") {
            guard let solver = LogisticRegression.Solver(rawValue: $1) else {
                throw ModelError(.invalidParameter, "parameter solver: \"\($1)\" is not a solver; expected lbfgs or newton")
            }
            $0.solver = solver
        },
        logistic("maxIterations", "iteration limit (default 100)") { $0.maxIterations = try integer("maxIterations", $1, 1...1_000_000) },
        logistic("tolerance", "gradient tolerance (default 1e-6)") {
            $0.tolerance = try number("tolerance", $1, { $0 > 0 }, "a number above 0")
        },
        logistic("standardize", "standardise features internally (default true)") { $0.standardize = try boolean("standardize", $1) },
        logistic("fitIntercept", "fit an intercept (default true)") { $0.fitIntercept = try boolean("fitIntercept", $1) },
    ]

    private static func linear(_ name: String, _ help: String, _ set: @escaping @Sendable (inout LinearRegression, String) throws -> Void)
        -> Parameter
    {
        Parameter(name: name, help: help) { configuration, text in
            guard case .linear(var parameters) = configuration else { return }
            try set(&parameters, text)
            configuration = .linear(parameters)
        }
    }

    private static let linearParameters: [Parameter] = [
        linear("alpha", "L2 (ridge) penalty, as scikit-learn's Ridge alpha (default 0)") {
            $0.alpha = try number("alpha", $1, { $0 >= 0 }, "a number, 0 or more")
        },
        linear("fitIntercept", "fit an intercept (default true)") { $0.fitIntercept = try boolean("fitIntercept", $1) },
    ]
}
