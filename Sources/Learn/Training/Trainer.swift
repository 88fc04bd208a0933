import DataIO

/// The training pipeline behind `trainyard train`: from data frames to a ``TrainyardModel`` and its
/// evaluation. It chooses features, infers the task, encodes labels and features, holds out
/// validation rows (stratified for classification), fits, and scores both sides.
///
/// Every failure is a ``ModelError`` or ``DataError`` whose message names the column, parameter
/// or file at fault and says what would be right.
public enum Trainer {
    /// Trains on `train`, validating on `validation` when given (read it with the kinds of `train`'s
    /// columns forced, see ``columnKinds(of:)``), else on a seeded split of `train`.
    public static func train(
        _ train: DataFrame, validation: DataFrame? = nil, options: TrainingOptions,
        progress: ((TrainingEvent) -> Void)? = nil
    ) throws -> TrainingOutcome {
        let clock = ContinuousClock()
        let prepareStart = clock.now
        let targetColumn = try train.column(named: options.target, role: "target")
        let task = try resolveTask(options, targetColumn)
        let features = try featureSpecs(train, options: options)

        // Labels: class indices for classification, values for regression.
        var classes: [String] = []
        var labels: [Double]
        switch task {
        case .classification:
            let encoded = try encodeLabels(targetColumn, source: train.source)
            guard encoded.classes.count >= 2 else {
                throw ModelError(
                    .invalidLabels,
                    "\(train.source): target \"\(options.target)\" has only one class (\(encoded.classes.first ?? "")); classification needs at least two"
                )
            }
            classes = encoded.classes
            labels = encoded.labels.map(Double.init)
        case .regression:
            labels = try regressionTargets(targetColumn, source: train.source)
        }

        let configuration = try ModelParameters.configuration(
            options.modelType, options.parameters, seed: options.seed, threads: options.threads)
        let encoding = try fitEncoding(for: options.modelType, train, features)

        // Training and validation matrices.
        let x: FeatureMatrix
        let y: [Double]
        let validationX: FeatureMatrix
        let validationY: [Double]
        var validationRowIndices: [Int]?
        let all = try encoding.matrix(train, features: features)
        if let validation {
            x = all
            y = labels
            validationX = try encoding.matrix(validation, features: features)
            let column = try validation.column(named: options.target, role: "target")
            validationY =
                task == .classification
                ? try validationLabels(column, classes: classes, source: validation.source)
                : try regressionTargets(column, source: validation.source)
        } else {
            guard options.validationFraction > 0, options.validationFraction < 1 else {
                throw ModelError(
                    .invalidParameter, "validation fraction is \(options.validationFraction); it must be in (0, 1), e.g. 0.2")
            }
            let split = trainValidationSplit(
                rowCount: train.rowCount, validationFraction: options.validationFraction, seed: options.seed,
                stratifyBy: task == .classification ? labels.map { Int32($0) } : nil)
            guard !split.train.isEmpty, !split.validation.isEmpty else {
                throw ModelError(
                    .emptyData,
                    "\(train.source): \(train.rowCount) rows are too few to hold out \(options.validationFraction) for validation")
            }
            x = all.rows(split.train)
            y = split.train.map { labels[$0] }
            validationX = all.rows(split.validation)
            validationY = split.validation.map { labels[$0] }
            validationRowIndices = split.validation
        }
        let prepareSeconds = seconds(clock.now - prepareStart)
        progress?(.fitting(model: options.modelType, trainRows: x.rowCount, validationRows: validationX.rowCount, inputs: x.columnCount))

        // Fit.
        let fitStart = clock.now
        let fitted: TrainyardModel.Fitted
        var history: BoostingHistory?
        switch configuration {
        case .gbdt(var parameters):
            parameters.objective =
                task == .regression ? .squaredError : (classes.count == 2 ? .binaryLogistic : .softmax)
            parameters.classCount = task == .classification && classes.count > 2 ? classes.count : 0
            if let metric = parameters.evalMetric, !metric.applies(to: parameters.objective) {
                let choices = EvaluationMetric.allCases.filter { $0.applies(to: parameters.objective) }.map(\.rawValue)
                throw ModelError(
                    .invalidParameter,
                    "parameter evalMetric: \(metric.rawValue) does not apply to \(task.rawValue) with \(max(classes.count, 1)) \(classes.count == 1 ? "class" : "classes"); use one of: \(choices.joined(separator: ", "))"
                )
            }
            let result = try parameters.train(
                x, y, categoryCounts: encoding.categoryCounts(features), validation: (validationX, validationY),
                progress: progress.map { report in { report(.round($0)) } })
            fitted = .gbdt(result.model)
            history = result.history
        case .logistic(let parameters):
            fitted = .logistic(try parameters.fit(x, y.map { Int32($0) }, classCount: classes.count))
        case .linear(let parameters):
            fitted = .linear(try parameters.fit(x, y))
        }
        let fitSeconds = seconds(clock.now - fitStart)
        progress?(.fitted(seconds: fitSeconds))

        // Evaluate.
        let evaluateStart = clock.now
        let model = TrainyardModel(
            target: TargetSpec(name: options.target, task: task, classes: classes), features: features, encoding: encoding,
            parameters: options.parameters, model: fitted)
        let trainMetrics = try evaluate(model, x, y, threads: options.threads)
        let validationPredictions = model.predict(validationX, threads: options.threads)
        let validationMetrics = try evaluate(model, validationPredictions, validationY)
        let evaluateSeconds = seconds(clock.now - evaluateStart)

        return TrainingOutcome(
            model: model, trainMetrics: trainMetrics, validationMetrics: validationMetrics, history: history,
            importance: importance(fitted, x), trainRows: x.rowCount, validationRows: validationX.rowCount,
            fitSeconds: fitSeconds, prepareSeconds: prepareSeconds, evaluateSeconds: evaluateSeconds,
            validationTargets: validationY, validationPredictions: validationPredictions, validationRowIndices: validationRowIndices)
    }

    /// The kinds `train`'s columns were read as, to force on validation data so both parse alike.
    public static func columnKinds(of frame: DataFrame) -> [String: ColumnKind] {
        Dictionary(frame.columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
    }

    /// The metric report of `model` on encoded rows `x` with labels (class indices) or targets `y`.
    public static func evaluate(_ model: TrainyardModel, _ x: FeatureMatrix, _ y: [Double], threads: Int = 0) throws -> MetricReport {
        try evaluate(model, model.predict(x, threads: threads), y)
    }

    /// The metric report of `predictions` against labels (class indices) or targets `y`.
    public static func evaluate(_ model: TrainyardModel, _ predictions: Predictions, _ y: [Double]) throws -> MetricReport {
        if model.task == .regression {
            return try MetricReport.regression(targets: y, predicted: predictions.values)
        }
        return try MetricReport.multiclassClassification(
            labels: y.map { Int32($0) }, probabilities: predictions.values, classCount: predictions.classes.count)
    }

    // MARK: Steps

    private static func resolveTask(_ options: TrainingOptions, _ target: Column) throws -> LearningTask {
        let task =
            options.task
            ?? (options.modelType == .logistic || target.kind != .numeric ? .classification : .regression)
        switch (options.modelType, task) {
        case (.linear, .classification):
            throw ModelError(
                .invalidParameter,
                "model linear is a regression model, but the task is classification (target \"\(options.target)\" is \(target.kind.rawValue)); use logistic or gbdt"
            )
        case (.logistic, .regression):
            throw ModelError(.invalidParameter, "model logistic is a classifier, but the task is regression; use linear or gbdt")
        default:
            break
        }
        if task == .regression, target.kind == .categorical {
            throw ModelError(
                .invalidData,
                "target \"\(options.target)\" holds text (e.g. \"\(target.categories.first ?? "")\"), so it cannot be a regression target; use --task classification or pick a numeric column"
            )
        }
        return task
    }

    /// Feature columns in file order: the chosen ones, or all but the target and dropped columns.
    private static func featureSpecs(_ frame: DataFrame, options: TrainingOptions) throws -> [FeatureSpec] {
        for name in options.dropColumns { _ = try frame.column(named: name, role: "dropped column") }
        let names: [String]
        if let chosen = options.features {
            for name in chosen { _ = try frame.column(named: name, role: "feature") }
            if chosen.contains(options.target) {
                throw ModelError(
                    .invalidParameter, "the target \"\(options.target)\" is also listed as a feature; a model cannot use its own answer")
            }
            names = frame.columnNames.filter { chosen.contains($0) }
        } else {
            names = frame.columnNames.filter { $0 != options.target && !options.dropColumns.contains($0) }
        }
        guard !names.isEmpty else {
            throw ModelError(.emptyData, "\(frame.source): no feature columns are left besides the target \"\(options.target)\"")
        }
        return try names.map { name in
            let column = try frame.column(named: name)
            if column.kind == .categorical {
                let used = Set(column.codes.filter { $0 >= 0 })
                let categories = column.categories.indices.filter { used.contains(Int32($0)) }.map { column.categories[$0] }
                if categories.count > FeatureBinner.maximumBinCount {
                    throw ModelError(
                        .invalidData,
                        "\(frame.source): feature \"\(name)\" is text with \(categories.count) distinct values (e.g. \"\(categories[0])\"); at most \(FeatureBinner.maximumBinCount) categories are supported. If it is an identifier, leave it out with --drop-columns \(name); if it should be numeric, check its cells"
                    )
                }
                return FeatureSpec(name: name, kind: .categorical, categories: categories)
            }
            return FeatureSpec(name: name, kind: column.kind)
        }
    }

    /// Native codes for GBDT; one-hot with mean imputation (from the training rows) for linear models.
    private static func fitEncoding(for type: ModelType, _ frame: DataFrame, _ features: [FeatureSpec]) throws -> FeatureEncoding {
        guard type != .gbdt else { return FeatureEncoding(method: .native) }
        var means: [String: Double] = [:]
        for feature in features where feature.kind != .categorical {
            let values = try frame.column(named: feature.name).values.filter { !$0.isNaN }
            means[feature.name] = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
        return FeatureEncoding(method: .oneHot, imputation: means)
    }

    private static func regressionTargets(_ column: Column, source: String) throws -> [Double] {
        guard column.kind != .categorical else {
            throw ModelError(
                .invalidData,
                "\(source): target \"\(column.name)\" holds text (e.g. \"\(column.categories.first ?? "")\"); regression needs numbers")
        }
        if let row = column.values.firstIndex(where: { $0.isNaN }) {
            let line = row < column.lineNumbers.count ? "line \(column.lineNumbers[row])" : "row \(row)"
            throw ModelError(
                .invalidData,
                "\(source): target \"\(column.name)\" is missing in \(column.missingCount) rows (first at \(line)); drop those rows or fill them in"
            )
        }
        return column.values
    }

    /// Validation labels as indices into the training classes.
    private static func validationLabels(_ column: Column, classes: [String], source: String) throws -> [Double] {
        let encoded = try encodeLabels(column, source: source)
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let remap = try encoded.classes.map { name -> Int in
            guard let i = index[name] else {
                throw ModelError(
                    .invalidLabels,
                    "\(source): target \"\(column.name)\" has class \"\(name)\", which the training data does not have (classes: \(classes.joined(separator: ", ")))"
                )
            }
            return i
        }
        return encoded.labels.map { Double(remap[Int($0)]) }
    }

    private static func importance(_ fitted: TrainyardModel.Fitted, _ x: FeatureMatrix) -> [FeatureImportance] {
        var result: [FeatureImportance]
        switch fitted {
        case .gbdt(let m):
            result = m.featureImportance()
        case .logistic(let m):
            let rows = m.coefficientRows
            let d = x.columnCount
            let std = columnStandardDeviations(x)
            result = (0..<d).map { c in
                let weight = (0..<rows).map { abs(m.coefficients[$0 * d + c]) }.max() ?? 0
                return FeatureImportance(feature: x.names[c], totalGain: weight * std[c], splitCount: 0)
            }
        case .linear(let m):
            let std = columnStandardDeviations(x)
            result = (0..<x.columnCount).map {
                FeatureImportance(feature: x.names[$0], totalGain: abs(m.coefficients[$0]) * std[$0], splitCount: 0)
            }
        }
        return result.sorted { $0.totalGain != $1.totalGain ? $0.totalGain > $1.totalGain : $0.feature < $1.feature }
    }

    private static func columnStandardDeviations(_ x: FeatureMatrix) -> [Double] {
        (0..<x.columnCount).map { c in
            var sum = 0.0
            var squares = 0.0
            for r in 0..<x.rowCount {
                sum += x[r, c]
                squares += x[r, c] * x[r, c]
            }
            let n = Double(max(x.rowCount, 1))
            return max(squares / n - (sum / n) * (sum / n), 0).squareRoot()
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
