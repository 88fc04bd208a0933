import DataIO

/// Parameters of gradient-boosted decision trees on histogram-binned features (XGBoost's
/// `tree_method=hist`); `fit` / `train` turn a dataset into a ``GradientBoostedModel``. Names and
/// defaults follow XGBoost (`eta` is `learningRate`, `min_split_loss` is `gamma`,
/// `reg_lambda`/`reg_alpha` are `lambda`/`alpha`); see ``SplitRule`` for the split rule and how
/// `gamma` relates to XGBoost's.
///
/// Trees grow depth-wise to `maxDepth` (XGBoost's default), or leaf-wise to `maxLeaves` leaves
/// when `maxLeaves` is above 0 (LightGBM's default; `maxDepth` then caps depth, 0 for no cap).
///
/// Deterministic: the same data, parameters and seed give bit-identical models, whatever `threads`.
public struct GradientBoosting: Sendable, Codable, Equatable {
    /// Boosting rounds (one tree per output each).
    public var numTrees: Int = 100
    /// Shrinks each tree's leaf values (XGBoost `eta`); folded into the stored leaf values.
    public var learningRate: Double = 0.3
    /// Maximum depth of a tree; the root is depth 0. With `maxLeaves`, 0 means no cap.
    public var maxDepth: Int = 6
    /// Leaf-wise growth to this many leaves per tree when above 0; depth-wise when 0.
    public var maxLeaves: Int = 0
    /// Smallest hessian sum a child may have (XGBoost `min_child_weight`).
    public var minChildWeight: Double = 1
    /// L2 penalty on leaf weights.
    public var lambda: Double = 1
    /// L1 penalty on leaf weights.
    public var alpha: Double = 0
    /// Minimum loss reduction to split (see ``SplitRule``).
    public var gamma: Double = 0
    /// Share of rows each round is fitted to, drawn afresh every round (XGBoost `subsample`).
    public var subsample: Double = 1
    /// Share of features each tree may split on, drawn afresh for every tree (`colsample_bytree`).
    public var colsampleByTree: Double = 1
    /// Bins per numeric feature, 2...255.
    public var maxBins: Int = 255
    public var objective: ObjectiveKind = .squaredError
    /// Classes, for softmax; 0 takes the highest label + 1.
    public var classCount: Int = 0
    /// Stop when the validation metric has not improved for this many rounds, and keep the best
    /// round; 0 turns early stopping off. Needs a validation set.
    public var earlyStoppingRounds: Int = 0
    /// Metric for the curves and early stopping; nil is the objective's loss (logloss, mlogloss, rmse).
    public var evalMetric: EvaluationMetric?
    /// Seeds row and feature sampling.
    public var seed: UInt64 = 0
    /// Threads; 0 uses every core. Does not change the model.
    public var threads: Int = 0

    public init(
        numTrees: Int = 100, learningRate: Double = 0.3, maxDepth: Int = 6, maxLeaves: Int = 0, minChildWeight: Double = 1,
        lambda: Double = 1, alpha: Double = 0, gamma: Double = 0, subsample: Double = 1, colsampleByTree: Double = 1,
        maxBins: Int = 255, objective: ObjectiveKind = .squaredError, classCount: Int = 0, earlyStoppingRounds: Int = 0,
        evalMetric: EvaluationMetric? = nil, seed: UInt64 = 0, threads: Int = 0
    ) {
        self.numTrees = numTrees
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.maxLeaves = maxLeaves
        self.minChildWeight = minChildWeight
        self.lambda = lambda
        self.alpha = alpha
        self.gamma = gamma
        self.subsample = subsample
        self.colsampleByTree = colsampleByTree
        self.maxBins = maxBins
        self.objective = objective
        self.classCount = classCount
        self.earlyStoppingRounds = earlyStoppingRounds
        self.evalMetric = evalMetric
        self.seed = seed
        self.threads = threads
    }

    private static let name = "gradient boosting"

    /// Fits `numTrees` rounds to targets `y` (0/1 labels for `binaryLogistic`, class indices for
    /// softmax). Features may be missing (NaN) but not infinite.
    public func fit(_ x: FeatureMatrix, _ y: [Double], categoryCounts: [Int] = []) throws -> GradientBoostedModel {
        try train(x, y, categoryCounts: categoryCounts).model
    }

    /// Fits the model and records the per-round metric on the training rows and, when given, on
    /// `validation`, which early stopping watches. `categoryCounts[c] > 0` marks column c as
    /// categorical with codes `0..<categoryCounts[c]` (NaN missing). `progress` is called after
    /// every round.
    public func train(
        _ x: FeatureMatrix, _ y: [Double], categoryCounts: [Int] = [], validation: (x: FeatureMatrix, y: [Double])? = nil,
        progress: ((BoostingProgress) -> Void)? = nil
    ) throws -> BoostingResult {
        try validateParameters(hasValidation: validation != nil)
        let counts = categoryCounts.isEmpty ? [Int](repeating: 0, count: x.columnCount) : categoryCounts
        try validateFeatures(x, categoryCounts: counts, role: "training")
        guard y.count == x.rowCount else {
            throw ModelError(
                .lengthMismatch, "\(Self.name): \(y.count) targets for \(x.rowCount) feature rows; they must be equal")
        }
        let classes = objective == .softmax ? (classCount > 0 ? classCount : Int(y.max() ?? 0) + 1) : 1
        if objective == .softmax, classes < 2 {
            throw ModelError(.invalidLabels, "\(Self.name): softmax needs at least 2 classes; the labels hold \(classes)")
        }
        let loss = objective.objective(classCount: classes)
        try loss.validate(labels: y)
        if let validation {
            try validateFeatures(validation.x, categoryCounts: counts, role: "validation")
            guard validation.x.columnCount == x.columnCount, validation.y.count == validation.x.rowCount else {
                throw ModelError(
                    .lengthMismatch,
                    "\(Self.name): the validation set is \(validation.x.rowCount) x \(validation.x.columnCount) with \(validation.y.count) targets; it must have \(x.columnCount) columns and one target per row"
                )
            }
            try loss.validate(labels: validation.y)
        }

        let threadCount = Parallel.threads(threads)
        let binner = FeatureBinner(fitting: x, maxBins: maxBins, categoryCounts: counts, threads: threadCount)
        let binned = binner.bin(x, threads: threadCount)
        let learner: any TreeLearner =
            maxLeaves > 0
            ? LeafwiseTreeLearner(
                maxLeaves: maxLeaves, maxDepth: maxDepth, minChildWeight: minChildWeight, lambda: lambda, alpha: alpha, gamma: gamma,
                learningRate: learningRate)
            : DepthwiseTreeLearner(
                maxDepth: maxDepth, minChildWeight: minChildWeight, lambda: lambda, alpha: alpha, gamma: gamma,
                learningRate: learningRate)
        let k = loss.outputCount
        let baseScores = loss.baseScores(labels: y)
        let metric = evalMetric ?? objective.defaultEvaluationMetric
        var history = BoostingHistory(metric: metric)

        let n = x.rowCount
        var raw = [Double](repeating: 0, count: n * k)
        for row in 0..<n { for c in 0..<k { raw[row * k + c] = baseScores[c] } }
        var validationRaw: [Double] = []
        if let validation {
            validationRaw = [Double](repeating: 0, count: validation.x.rowCount * k)
            for row in 0..<validation.x.rowCount { for c in 0..<k { validationRaw[row * k + c] = baseScores[c] } }
        }
        // All outputs' gradient pairs, row-major n x k; with several outputs, each tree gets its
        // output's column copied into `pairs`.
        var allPairs = [SIMD2<Double>](repeating: .zero, count: n * k)
        var pairs = k == 1 ? [] : [SIMD2<Double>](repeating: .zero, count: n)
        var trees: [RegressionTree] = []
        trees.reserveCapacity(numTrees * k)
        var generator = SeededGenerator(seed: seed)
        var bestScore = metric.higherIsBetter ? -Double.infinity : Double.infinity
        var bestRound = 0
        let allRows = Array(0..<n)
        let rowChunks = (n + Self.chunkRows - 1) / Self.chunkRows
        var predictions = [Double](repeating: 0, count: n * k)

        for round in 1...max(numTrees, 1) where numTrees > 0 {
            Self.inParallel(rowChunks, threadCount, y, raw, &allPairs) { chunk, labels, scores, out in
                loss.gradientPairs(labels: labels, rawScores: scores, rows: Self.rows(chunk, n), into: out)
            }
            let rows = subsample < 1 ? sampleRows(n, &generator) : allRows
            var roundTrees: [RegressionTree] = []
            for c in 0..<k {
                if k > 1 {
                    for row in 0..<n { pairs[row] = allPairs[row * k + c] }
                }
                let features = colsampleByTree < 1 ? sampleFeatures(x.columnCount, &generator) : []
                let input = TreeGrowthInput(
                    binned: binned, binner: binner, gradientPairs: k == 1 ? allPairs : pairs, rows: rows, features: features,
                    threads: threadCount)
                let (tree, leafOfRow) = learner.grow(input)
                addLeafValues(tree, leafOfRow, binned, output: c, outputs: k, to: &raw, threads: threadCount)
                roundTrees.append(tree)
            }
            trees.append(contentsOf: roundTrees)

            predictions.withUnsafeMutableBufferPointer { out in
                raw.withUnsafeBufferPointer { raw in
                    let out = SharedBuffer(out)
                    let raw = SharedBuffer(raw)
                    Parallel.forEach(chunks: rowChunks, threads: threadCount) { chunk in
                        let rows = Self.rows(chunk, n)
                        (out.base + rows.lowerBound * k).update(from: raw.base + rows.lowerBound * k, count: rows.count * k)
                        loss.transform(UnsafeMutableBufferPointer(start: out.base, count: out.count), rows: rows)
                    }
                }
            }
            let trainScore = metric.evaluate(predictions: predictions, labels: y, outputs: k, threads: threadCount)
            history.train.append(trainScore)
            var validationScore: Double?
            if let validation {
                let predictor = ForestPredictor(trees: roundTrees, outputCount: k, featureCount: x.columnCount)
                predictor.accumulate(validation.x.values, rowCount: validation.x.rowCount, into: &validationRaw, threads: threadCount)
                var predicted = validationRaw
                loss.transform(&predicted)
                let score = metric.evaluate(predictions: predicted, labels: validation.y, outputs: k, threads: threadCount)
                history.validation.append(score)
                validationScore = score
                if metric.higherIsBetter ? score > bestScore : score < bestScore {
                    bestScore = score
                    bestRound = round
                }
            } else {
                bestRound = round
            }
            progress?(BoostingProgress(round: round, totalRounds: numTrees, metric: metric, train: trainScore, validation: validationScore))
            if earlyStoppingRounds > 0, round - bestRound >= earlyStoppingRounds {
                history.stoppedEarly = round < numTrees
                break
            }
        }
        let keptRounds = earlyStoppingRounds > 0 ? bestRound : trees.count / k
        history.bestRound = keptRounds
        let model = GradientBoostedModel(
            objective: objective, baseScores: baseScores, learningRate: learningRate, featureNames: x.names,
            categoryCounts: counts, trees: Array(trees.prefix(keptRounds * k)))
        return BoostingResult(model: model, history: history)
    }

    /// Rows per parallel chunk of the per-row loops (gradients, score updates, transforms).
    static let chunkRows = 16_384

    static func rows(_ chunk: Int, _ n: Int) -> Range<Int> {
        (chunk * chunkRows)..<min(n, (chunk + 1) * chunkRows)
    }

    /// Runs `body` over row chunks in parallel with read access to `labels` and `scores` and write
    /// access to `pairs` (each chunk writes only its rows).
    private static func inParallel(
        _ chunks: Int, _ threads: Int, _ labels: [Double], _ scores: [Double], _ pairs: inout [SIMD2<Double>],
        _ body: @Sendable (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<SIMD2<Double>>) -> Void
    ) {
        labels.withUnsafeBufferPointer { labels in
            scores.withUnsafeBufferPointer { scores in
                pairs.withUnsafeMutableBufferPointer { pairs in
                    let labels = SharedBuffer(labels)
                    let scores = SharedBuffer(scores)
                    let pairs = SharedBuffer(pairs)
                    Parallel.forEach(chunks: chunks, threads: threads) { chunk in
                        body(
                            chunk, UnsafeBufferPointer(start: labels.base, count: labels.count),
                            UnsafeBufferPointer(start: scores.base, count: scores.count),
                            UnsafeMutableBufferPointer(start: pairs.base, count: pairs.count))
                    }
                }
            }
        }
    }

    /// Adds each row's leaf value of `tree` to its raw score for `output`; rows the tree was not
    /// fitted to (subsampling) walk the tree on their bins.
    private func addLeafValues(
        _ tree: RegressionTree, _ leafOfRow: [Int], _ binned: BinnedMatrix, output: Int, outputs k: Int, to raw: inout [Double],
        threads: Int
    ) {
        let n = binned.rowCount
        let d = binned.columnCount
        let binCounts = binned.binCounts
        binned.bins.withUnsafeBufferPointer { bins in
            leafOfRow.withUnsafeBufferPointer { leafOfRow in
                tree.leafValue.withUnsafeBufferPointer { values in
                    raw.withUnsafeMutableBufferPointer { raw in
                        let bins = SharedBuffer(bins)
                        let leafOfRow = SharedBuffer(leafOfRow)
                        let values = SharedBuffer(values)
                        let raw = SharedBuffer(raw)
                        Parallel.forEach(chunks: (n + Self.chunkRows - 1) / Self.chunkRows, threads: threads) { chunk in
                            for row in Self.rows(chunk, n) {
                                let known = leafOfRow[row]
                                let leaf = known >= 0 ? known : tree.leaf(binnedRow: bins.base + row * d, binCounts: binCounts)
                                raw[row * k + output] += values[leaf]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Each row with probability `subsample` (at least one row), ascending.
    private func sampleRows(_ n: Int, _ generator: inout SeededGenerator) -> [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(Int(Double(n) * subsample) + 16)
        let threshold = UInt64(subsample * 0x1p53)
        for row in 0..<n where generator.next() >> 11 < threshold { rows.append(row) }
        return rows.isEmpty ? [generator.uniform(below: n)] : rows
    }

    /// `max(1, round(colsampleByTree * d))` features, drawn without replacement.
    private func sampleFeatures(_ d: Int, _ generator: inout SeededGenerator) -> [Bool] {
        let count = max(1, Int((colsampleByTree * Double(d)).rounded()))
        var order = Array(0..<d)
        var mask = [Bool](repeating: false, count: d)
        for i in 0..<count {
            order.swapAt(i, i + generator.uniform(below: d - i))
            mask[order[i]] = true
        }
        return mask
    }

    private func validateParameters(hasValidation: Bool) throws {
        func invalid(_ message: String) -> ModelError { ModelError(.invalidParameter, "\(Self.name): \(message)") }
        guard numTrees >= 0 else { throw invalid("numTrees is \(numTrees); it must be 0 or more") }
        guard learningRate > 0, learningRate.isFinite else {
            throw invalid("learningRate is \(learningRate); it must be a finite number above 0 (typically 0.01...0.3)")
        }
        guard maxLeaves >= 0, maxLeaves != 1 else {
            throw invalid("maxLeaves is \(maxLeaves); it must be 2 or more, or 0 for depth-wise growth")
        }
        if maxLeaves == 0 {
            guard maxDepth >= 1 else {
                throw invalid("maxDepth is \(maxDepth); it must be 1 or more (or set maxLeaves for leaf-wise growth)")
            }
        } else {
            guard maxDepth >= 0 else { throw invalid("maxDepth is \(maxDepth); it must be 0 (no cap) or more with maxLeaves") }
        }
        for (name, value) in [("minChildWeight", minChildWeight), ("lambda", lambda), ("alpha", alpha), ("gamma", gamma)] {
            guard value >= 0, value.isFinite else { throw invalid("\(name) is \(value); it must be a finite number, 0 or more") }
        }
        for (name, value) in [("subsample", subsample), ("colsampleByTree", colsampleByTree)] {
            guard value > 0, value <= 1 else { throw invalid("\(name) is \(value); it must be in (0, 1]") }
        }
        guard (2...FeatureBinner.maximumBinCount).contains(maxBins) else {
            throw invalid("maxBins is \(maxBins); it must be in 2...\(FeatureBinner.maximumBinCount)")
        }
        guard classCount >= 0 else { throw invalid("classCount is \(classCount); it must be 0 (from the labels) or 2 or more") }
        guard earlyStoppingRounds >= 0 else { throw invalid("earlyStoppingRounds is \(earlyStoppingRounds); it must be 0 (off) or more") }
        if earlyStoppingRounds > 0, !hasValidation {
            throw invalid("earlyStoppingRounds is \(earlyStoppingRounds) but there is no validation set to watch; give one or set it to 0")
        }
        if let evalMetric, !evalMetric.applies(to: objective) {
            let choices = EvaluationMetric.allCases.filter { $0.applies(to: objective) }.map(\.rawValue)
            throw invalid(
                "evalMetric \(evalMetric.rawValue) does not apply to \(objective.rawValue); use one of: \(choices.joined(separator: ", "))")
        }
    }

    private func validateFeatures(_ x: FeatureMatrix, categoryCounts: [Int], role: String) throws {
        guard x.rowCount > 0, x.columnCount > 0 else {
            throw ModelError(
                .emptyData,
                "\(Self.name): the \(role) feature matrix is \(x.rowCount) x \(x.columnCount); at least one row and one column are needed")
        }
        guard categoryCounts.count == x.columnCount else {
            throw ModelError(
                .lengthMismatch, "\(Self.name): \(categoryCounts.count) category counts for \(x.columnCount) columns; give one per column")
        }
        if let c = categoryCounts.firstIndex(where: { $0 > FeatureBinner.maximumBinCount }) {
            throw ModelError(
                .invalidParameter,
                "\(Self.name): column \"\(x.names[c])\" has \(categoryCounts[c]) categories; at most \(FeatureBinner.maximumBinCount) are supported (group rare categories, or encode it as numbers)"
            )
        }
        let d = x.columnCount
        for (index, value) in x.values.enumerated() {
            let c = index % d
            if value.isInfinite {
                throw ModelError(
                    .nonFiniteValues,
                    "\(Self.name): \(role) column \"\(x.names[c])\" is \(value) at row \(index / d); features must be finite or NaN (missing); clip or drop infinite values"
                )
            }
            if categoryCounts[c] > 0, !value.isNaN, !(value >= 0 && value < Double(categoryCounts[c]) && value.rounded() == value) {
                throw ModelError(
                    .invalidParameter,
                    "\(Self.name): \(role) column \"\(x.names[c])\" is categorical with codes 0...\(categoryCounts[c] - 1), but row \(index / d) holds \(value)"
                )
            }
        }
    }
}
