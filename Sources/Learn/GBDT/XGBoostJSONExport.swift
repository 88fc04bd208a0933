/// Export to XGBoost's JSON model format, the file `Booster.save_model("model.json")` writes and
/// `xgboost.Booster(model_file:)` loads (schema of XGBoost 3.2.0, `version: [3, 2, 0]`).
///
/// XGBoost keeps models in float32, and this export follows it: thresholds, leaf values, gains,
/// hessian sums and the base score are written as the nearest float32, in the shortest decimal that
/// reads back as that float32 (as XGBoost writes them). Consequences:
/// - XGBoost sums tree outputs in float32, so its predictions differ from ``predict(_:treeCount:)``
///   (float64 throughout) by float32 rounding: ~1e-7 relative on a margin of 100 trees.
/// - XGBoost compares `float32(value) < condition`, so all values that round to the same float32
///   go the same way. Thresholds here are float64 midpoints between neighbouring training values,
///   so training rows route as here unless two of those values share a float32. Of the values that
///   round to the same float32 as a threshold, one side must take the other branch; the export
///   keeps the branch of the shortest decimal among them (see ``xgboostThreshold(_:_:)``), which is
///   what data with float32 precision or less holds.
///
/// The model does not keep the weights of internal nodes, so their `base_weights` are 0; XGBoost
/// does not use them to predict. `split_indices`, `default_left` and `loss_changes` of leaves are 0, as XGBoost writes them.
extension GradientBoostedModel {
    /// The model as XGBoost 3.2.0 JSON, UTF-8, keys sorted and no whitespace, so the same model
    /// always gives the same bytes. The base score is written in XGBoost's convention: a
    /// probability (`sigmoid(baseScore)`) for `binary:logistic`, the values themselves for squared
    /// error and for softmax (one margin per class, as XGBoost 3.2 writes `multi:softprob`).
    /// Categorical splits are written as XGBoost's (`split_type` 1, the categories that go right).
    /// A classifier carries the `scikit_learn` attribute `{"_estimator_type": "classifier"}`.
    ///
    /// Throws `ModelError` (`.nonFiniteValues`) when a threshold, leaf value, gain, hessian sum or
    /// the base score is NaN, infinite, or outside float32's range, since XGBoost could not load it.
    public func xgboostJSON() throws -> [UInt8] {
        var json = XGBoostJSONWriter()
        // A classifier says so the way XGBoost's scikit-learn wrapper does, so XGBClassifier (and
        // MLServer, which tries XGBRegressor first) loads it as one, with predict_proba.
        let attributes = objective == .squaredError ? "{}" : "{\"scikit_learn\":\"{\\\"_estimator_type\\\": \\\"classifier\\\"}\"}"
        json.raw("{\"learner\":{\"attributes\":\(attributes),\"feature_names\":[")
        for (i, name) in featureNames.enumerated() {
            if i > 0 { json.raw(",") }
            json.string(name)
        }
        json.raw("],\"feature_types\":[")
        if categoryCounts.contains(where: { $0 > 0 }) {
            json.raw(categoryCounts.map { $0 > 0 ? "\"c\"" : "\"q\"" }.joined(separator: ","))
        }
        json.raw("],\"gradient_booster\":{\"model\":{")
        json.raw("\"cats\":{\"enc\":[],\"feature_segments\":[],\"sorted_idx\":[]},")
        json.raw("\"gbtree_model_param\":{\"num_parallel_tree\":\"1\",\"num_trees\":\"\(trees.count)\"},")
        json.raw("\"iteration_indptr\":")
        json.integers((0...roundCount).map { $0 * outputCount })
        json.raw(",\"tree_info\":")
        json.integers((0..<trees.count).map { $0 % outputCount })
        json.raw(",\"trees\":[")
        for (id, tree) in trees.enumerated() {
            if id > 0 { json.raw(",") }
            try writeTree(tree, id: id, to: &json)
        }
        json.raw("]},\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"[")
        let storedBase = objective == .binaryLogistic ? baseScores.map(BinaryLogistic.sigmoid) : baseScores
        json.raw(try storedBase.map { Self.xgboostScientific(try float32($0, "the base score")) }.joined(separator: ","))
        let numClass = objective == .softmax ? outputCount : 0
        json.raw("]\",\"boost_from_average\":\"1\",\"num_class\":\"\(numClass)\",\"num_feature\":\"\(featureCount)\",")
        json.raw("\"num_target\":\"1\"},\"objective\":{\"name\":")
        json.string(objective.rawValue)
        if objective == .softmax {
            json.raw(",\"softmax_multiclass_param\":{\"num_class\":\"\(outputCount)\"}}},\"version\":[3,2,0]}")
        } else {
            json.raw(",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}},\"version\":[3,2,0]}")
        }
        return json.bytes
    }

    private func writeTree(_ tree: RegressionTree, id: Int, to json: inout XGBoostJSONWriter) throws {
        let n = tree.nodeCount
        let isLeaf = (0..<n).map(tree.isLeaf)
        // XGBoost marks the root's missing parent with INT32_MAX.
        var parents = [Int](repeating: Int(Int32.max), count: n)
        for node in 0..<n where !isLeaf[node] {
            parents[tree.left[node]] = node
            parents[tree.right[node]] = node
        }
        func values(_ name: String, _ value: (Int) -> Double) throws -> [Float] {
            try (0..<n).map { try float32(value($0), "tree \(id) node \($0): \(name)") }
        }
        let leafValues = try values("leaf value") { isLeaf[$0] ? tree.leafValue[$0] : 0 }
        let thresholds = try (0..<n).map { node in
            Self.xgboostThreshold(
                try float32(isLeaf[node] ? 0 : tree.threshold[node], "tree \(id) node \(node): threshold"), tree.threshold[node])
        }
        let gains = try values("gain") { isLeaf[$0] ? 0 : tree.gain[$0] }
        let hessians = try values("hessian sum") { tree.sumHessian[$0] }

        json.raw("{\"base_weights\":")
        json.floats(leafValues)
        let categorical = (0..<n).filter { !isLeaf[$0] && tree.isCategorical($0) }
        json.raw(",\"categories\":")
        json.integers(categorical.flatMap { tree.rightCategories[$0] })
        json.raw(",\"categories_nodes\":")
        json.integers(categorical)
        json.raw(",\"categories_segments\":")
        var segment = 0
        json.integers(
            categorical.map { node in
                defer { segment += tree.rightCategories[node].count }
                return segment
            })
        json.raw(",\"categories_sizes\":")
        json.integers(categorical.map { tree.rightCategories[$0].count })
        json.raw(",")
        json.raw("\"default_left\":")
        json.integers((0..<n).map { !isLeaf[$0] && tree.defaultLeft[$0] ? 1 : 0 })
        json.raw(",\"id\":\(id),\"left_children\":")
        json.integers(tree.left)
        json.raw(",\"loss_changes\":")
        json.floats(gains)
        json.raw(",\"parents\":")
        json.integers(parents)
        json.raw(",\"right_children\":")
        json.integers(tree.right)
        json.raw(",\"split_conditions\":")
        json.floats((0..<n).map { isLeaf[$0] ? leafValues[$0] : thresholds[$0] })
        json.raw(",\"split_indices\":")
        json.integers((0..<n).map { isLeaf[$0] ? 0 : tree.featureIndex[$0] })
        json.raw(",\"split_type\":")
        json.integers((0..<n).map { !isLeaf[$0] && tree.isCategorical($0) ? 1 : 0 })
        json.raw(",\"sum_hessian\":")
        json.floats(hessians)
        json.raw(",\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"\(featureCount)\",")
        json.raw("\"num_nodes\":\"\(n)\",\"size_leaf_vector\":\"1\"}}")
    }

    /// XGBoost's form of the base score inside its "[...]" string: shortest float32 digits in
    /// scientific notation with a capital E ("5.4E-1", "1.4E1", "1E-9").
    static func xgboostScientific(_ value: Float) -> String {
        let text = value.description
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = String(mantissa[0])
        var digits = Array(integerDigits + (mantissa.count > 1 ? String(mantissa[1]) : ""))
        var point = integerDigits.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        guard let lead = digits.first else { return negative ? "-0E0" : "0E0" }
        let rest = digits.dropFirst()
        return (negative ? "-" : "") + String(lead) + (rest.isEmpty ? "" : "." + String(rest)) + "E\(point - 1)"
    }

    /// The float32 split condition for the float64 threshold `t`, given `single`, its nearest float32. XGBoost compares
    /// `float32(value) < condition`, so every value that rounds to `Float(t)` goes the same way, while
    /// here some of them are below `t` and some not: one side must lose. The side chosen is that of
    /// the shortest decimal rounding to `Float(t)` (what a data file with float32 precision or less
    /// holds, e.g. "609.9"): thresholds are midpoints, and a held-out value can land within float32
    /// rounding of one (609.9 is the midpoint of 609.1 and 610.7, which is 609.9000000000001 in
    /// float64). Values that round to other floats go the same way as here.
    static func xgboostThreshold(_ single: Float, _ t: Double) -> Float {
        guard let shortest = Double(single.description), shortest < t, single.nextUp.isFinite else { return single }
        // Here the shortest decimal goes left, so every value rounding to `single` must go left in
        // XGBoost too: the condition is the next float up (`t` < `single.nextUp` as it rounds to `single`).
        return single.nextUp
    }

    private func float32(_ value: Double, _ what: String) throws -> Float {
        let single = Float(value)
        guard single.isFinite else {
            throw ModelError(
                .nonFiniteValues,
                "XGBoost export: \(what) is \(value), which is not a finite float32; XGBoost stores models in float32, so every value must be finite and within ±\(Float.greatestFiniteMagnitude)"
            )
        }
        return single
    }
}

/// Appends JSON text in the layout XGBoost writes (no whitespace, float32 in shortest form).
private struct XGBoostJSONWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func integers(_ values: [Int]) {
        raw("[")
        raw(values.map(String.init).joined(separator: ","))
        raw("]")
    }

    /// Swift prints the shortest decimal that reads back as the same Float ("0.53121614",
    /// "-8.467905e-08", "5.0"), which is also valid JSON; values are finite (checked by the caller).
    mutating func floats(_ values: [Float]) {
        raw("[")
        raw(values.map(\.description).joined(separator: ","))
        raw("]")
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": raw("\\\"")
            case "\\": raw("\\\\")
            case "\n": raw("\\n")
            case "\r": raw("\\r")
            case "\t": raw("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                raw("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
