import DataIO
import Foundation
import Testing

@testable import Learn

private func frame(_ csv: String, source: String = "test.csv", kinds: [String: ColumnKind] = [:]) throws -> DataFrame {
    var options = CSVOptions()
    options.columnKinds = kinds
    return try CSVReader.read(bytes: Array(csv.utf8), source: source, options: options)
}

private func breastCancer() throws -> DataFrame {
    try CSVReader.read(path: GBDTTestData.dataDirectory + "/breast_cancer.csv")
}

/// Rows of a small mixed-type dataset: a city (text), a flag (boolean), a number with gaps, and a
/// label that depends on all three.
private func mixedCSV(rows: Int, seed: UInt64) -> String {
    var generator = SeededGeneratorForTests(seed: seed)
    var lines = ["city,member,spend,churn"]
    let cities = ["Austin", "Boston", "Chicago", "Denver"]
    for _ in 0..<rows {
        let city = cities[Int(generator.unit() * 4)]
        let member = generator.unit() < 0.5
        let spend = generator.unit() * 100
        let missing = generator.unit() < 0.1
        let score = (city == "Boston" ? 1.0 : 0) + (member ? 0 : 1) + (spend < 30 ? 1 : 0) + generator.unit()
        lines.append("\(city),\(member ? "yes" : "no"),\(missing ? "" : String(format: "%.2f", spend)),\(score > 1.8 ? "left" : "stayed")")
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("Trainer: data frames to a Trainyard model and its metrics")
struct TrainerTests {
    @Test("breast cancer with each model family: useful metrics, a model that round-trips through JSON and predicts the same")
    func modelFamilies() throws {
        let data = try breastCancer()
        for type in [ModelType.gbdt, .logistic] {
            let outcome = try Trainer.train(
                data,
                options: TrainingOptions(
                    target: "diagnosis", modelType: type, parameters: type == .gbdt ? ["numTrees": "50"] : [:], seed: 42))
            #expect(outcome.model.task == .classification)
            #expect(outcome.model.target.classes == ["benign", "malignant"])
            #expect(outcome.trainRows + outcome.validationRows == 569)
            let auc = try #require(outcome.validationMetrics[.auc])
            #expect(auc > 0.97, "\(type) validation AUC \(auc)")
            let bytes = try outcome.model.jsonData()
            let decoded = try TrainyardModel.decode(bytes, source: "model.json")
            #expect(decoded == outcome.model)
            #expect(try decoded.jsonData() == bytes)
            // The decoded model predicts exactly what the trained one does, from the raw frame.
            #expect(try decoded.predict(data).values == outcome.model.predict(data).values)
        }
        // Regression: mean radius from the rest, linear and gbdt.
        let dropped = ["diagnosis", "mean perimeter", "mean area", "worst radius", "worst perimeter", "worst area"]
        for type in [ModelType.linear, .gbdt] {
            let outcome = try Trainer.train(
                data, options: TrainingOptions(target: "mean radius", modelType: type, seed: 1, dropColumns: dropped))
            #expect(outcome.model.task == .regression)
            let r2 = try #require(outcome.validationMetrics[.r2])
            // Default GBDT parameters (learning rate 0.3, depth 6) overfit 455 rows a little: 0.885 here.
            #expect(r2 > (type == .linear ? 0.9 : 0.85), "\(type) validation R² \(r2)")
        }
    }

    @Test("same data, parameters and seed give byte-identical model files; another seed gives another model")
    func deterministic() throws {
        let data = try breastCancer()
        func bytes(seed: UInt64, threads: Int) throws -> Data {
            try Trainer.train(
                data,
                options: TrainingOptions(
                    target: "diagnosis", parameters: ["numTrees": "20", "subsample": "0.8", "colsampleByTree": "0.7"], seed: seed,
                    threads: threads)
            ).model.jsonData()
        }
        let first = try bytes(seed: 3, threads: 1)
        #expect(try bytes(seed: 3, threads: 2) == first)
        #expect(try bytes(seed: 4, threads: 2) != first)
    }

    @Test("text, boolean and gappy numeric features: native codes for GBDT, one-hot with imputation for logistic")
    func mixedFeatures() throws {
        let train = try frame(mixedCSV(rows: 2000, seed: 5))
        let gbdt = try Trainer.train(train, options: TrainingOptions(target: "churn", seed: 1))
        #expect(gbdt.model.features.map(\.kind) == [.categorical, .boolean, .numeric])
        #expect(gbdt.model.features[0].categories == ["Austin", "Boston", "Chicago", "Denver"])
        #expect(gbdt.model.encoding.method == .native)
        let logistic = try Trainer.train(train, options: TrainingOptions(target: "churn", modelType: .logistic, seed: 1))
        #expect(logistic.model.encoding.method == .oneHot)
        #expect(
            logistic.model.encoding.inputNames(logistic.model.features)
                == ["city=Austin", "city=Boston", "city=Chicago", "city=Denver", "member", "spend"])
        let mean = try #require(logistic.model.encoding.imputation["spend"])
        #expect(mean > 40 && mean < 60)
        for outcome in [gbdt, logistic] {
            let auc = try #require(outcome.validationMetrics[.auc])
            #expect(auc > 0.85, "\(outcome.model.model.type) AUC \(auc)")
        }

        // Scoring data whose city column has an unseen city, read with the model's kinds.
        let scoring = "city,member,spend\nBoston,no,10\nParis,no,10\nBoston,,\n"
        var options = gbdt.model.csvOptions()
        options.hasHeader = true
        let rows = try CSVReader.read(bytes: Array(scoring.utf8), source: "score.csv", options: options)
        for model in [gbdt.model, logistic.model] {
            let p = try model.predict(rows)
            #expect(p.rowCount == 3)
            #expect(p.classes == ["left", "stayed"])
            #expect((0..<3).allSatisfy { abs(p.values[2 * $0] + p.values[2 * $0 + 1] - 1) < 1e-12 })
        }
        // Boston, not a member, low spend: almost certainly left.
        #expect(try gbdt.model.predict(rows).classIndex(0) == 0)
    }

    @Test("a separate validation file is encoded through the training schema")
    func separateValidation() throws {
        let train = try frame(mixedCSV(rows: 1500, seed: 6))
        let validation = try frame(mixedCSV(rows: 500, seed: 7), source: "valid.csv", kinds: Trainer.columnKinds(of: train))
        let outcome = try Trainer.train(train, validation: validation, options: TrainingOptions(target: "churn", seed: 1))
        #expect(outcome.trainRows == 1500 && outcome.validationRows == 500)
        #expect(outcome.history?.validation.count == 100)
    }

    @Test(
        "mistakes are reported naming the column, parameter or class",
        arguments: [
            (TrainingOptions(target: "Churn"), "did you mean \"churn\""),
            (TrainingOptions(target: "churn", modelType: .linear), "model linear is a regression model"),
            (TrainingOptions(target: "spend", task: .regression, modelType: .logistic), "model logistic is a classifier"),
            (TrainingOptions(target: "city", task: .regression), "cannot be a regression target"),
            (
                TrainingOptions(target: "churn", parameters: ["maxDepht": "3"]),
                "parameter maxDepht: not a gbdt parameter; did you mean maxDepth?"
            ),
            (TrainingOptions(target: "churn", parameters: ["evalMetric": "rmse"]), "rmse does not apply to classification"),
            (TrainingOptions(target: "churn", features: ["churn", "city"]), "also listed as a feature"),
            (TrainingOptions(target: "churn", dropColumns: ["nope"]), "\"nope\""),
            (TrainingOptions(target: "spend"), "missing in"),
        ])
    func mistakes(options: TrainingOptions, fragment: String) throws {
        let train = try frame(mixedCSV(rows: 300, seed: 8))
        #expect {
            try Trainer.train(train, options: options)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test("a text feature with too many distinct values (an identifier) is refused with the fix")
    func identifierColumn() throws {
        let csv = "id,x,y\n" + (0..<400).map { "user\($0),\($0 % 7),\($0 % 2 == 0 ? "a" : "b")" }.joined(separator: "\n")
        #expect {
            try Trainer.train(try frame(csv), options: TrainingOptions(target: "y"))
        } throws: { error in
            "\(error)".contains("feature \"id\" is text with 400 distinct values") && "\(error)".contains("--drop-columns id")
        }
        let outcome = try Trainer.train(try frame(csv), options: TrainingOptions(target: "y", dropColumns: ["id"]))
        #expect(outcome.model.features.map(\.name) == ["x"])
    }

    @Test("a validation class the training data lacks is an error naming it")
    func unknownValidationClass() throws {
        let train = try frame("x,y\n1,a\n2,b\n3,a\n4,b\n")
        let validation = try frame("x,y\n1,a\n2,c\n", source: "valid.csv", kinds: Trainer.columnKinds(of: train))
        #expect {
            try Trainer.train(train, validation: validation, options: TrainingOptions(target: "y", parameters: ["numTrees": "2"]))
        } throws: { error in
            "\(error)".contains("valid.csv: target \"y\" has class \"c\", which the training data does not have (classes: a, b)")
        }
    }
}

@Suite("Model parameters from text")
struct ModelParametersTests {
    @Test(
        "values are parsed, checked and named in errors",
        arguments: [
            (ModelType.gbdt, ["maxDepth": "abc"], "parameter maxDepth: \"abc\" is not a whole number"),
            (.gbdt, ["subsample": "2"], "parameter subsample: 2 is out of range; expected a number in (0, 1]"),
            (.gbdt, ["numTrees": "0"], "parameter numTrees: 0 is out of range; expected 1...100000"),
            (.gbdt, ["evalMetric": "f1"], "parameter evalMetric: \"f1\" is not a metric"),
            (.logistic, ["solver": "sgd"], "parameter solver: \"sgd\" is not a solver; expected lbfgs or newton"),
            (.logistic, ["fitIntercept": "maybe"], "\"maybe\" is not a boolean"),
            (.linear, ["lambda": "1"], "parameter lambda: not a linear parameter (linear takes: alpha, fitIntercept)"),
        ])
    func errors(type: ModelType, values: [String: String], fragment: String) {
        #expect {
            try ModelParameters.configuration(type, values)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test("camelCase, snake_case and case variants name the same parameter; seed and threads pass through")
    func spellings() throws {
        let configuration = try ModelParameters.configuration(
            .gbdt, ["max_depth": "4", "LearningRate": "0.05", "numTrees": "7.0", "early_stopping_rounds": "3"], seed: 9, threads: 2)
        guard case .gbdt(let p) = configuration else {
            Issue.record("not gbdt")
            return
        }
        #expect(p.maxDepth == 4 && p.learningRate == 0.05 && p.numTrees == 7 && p.earlyStoppingRounds == 3)
        #expect(p.seed == 9 && p.threads == 2)
        guard case .logistic(let l) = try ModelParameters.configuration(.logistic, ["c": "0.5", "solver": "newton"]) else {
            Issue.record("not logistic")
            return
        }
        #expect(l.c == 0.5 && l.solver == .newton)
    }
}

@Suite("Trainyard model files")
struct TrainyardModelFileTests {
    @Test(
        "unreadable files say what is wrong",
        arguments: [
            ("[1, 2", "not a JSON object"),
            ("{\"format\": \"mlflow\"}", "format is \"mlflow\"; expected \"trainyard.model\""),
            ("{\"format\": \"trainyard.model\", \"formatVersion\": 99}", "formatVersion 99 is newer than this trainyard reads"),
            ("{\"format\": \"trainyard.model\", \"formatVersion\": 1}", "missing"),
        ])
    func unreadable(text: String, fragment: String) {
        #expect {
            try TrainyardModel.decode(Data(text.utf8), source: "m.json")
        } throws: { error in
            "\(error)".contains("m.json: ") && "\(error)".contains(fragment)
        }
    }
}
