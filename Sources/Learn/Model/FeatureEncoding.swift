import DataIO

/// How the schema's features become the model's numeric input columns, learned on the training
/// rows and stored in the model so prediction repeats it exactly.
///
/// - `native` (GBDT): one input per feature; numbers and booleans (0/1) as they are, categories as
///   their codes (the trees split on category sets), missing as NaN (the trees learn where it goes).
/// - `oneHot` (linear models): numbers and booleans as they are, a missing value replaced by the
///   training mean of its column (`imputation`); each category one 0/1 column, a missing or unknown
///   category all zeros.
///
/// A category that the model never saw is missing (NaN) for `native` and all zeros for `oneHot`.
public struct FeatureEncoding: Sendable, Codable, Equatable {
    public enum Method: String, Sendable, Codable {
        case native
        case oneHot
    }

    public let method: Method
    /// `oneHot`: per numeric or boolean feature (in schema order), the value a missing cell takes.
    public let imputation: [String: Double]

    public init(method: Method, imputation: [String: Double] = [:]) {
        self.method = method
        self.imputation = imputation
    }

    /// The model's input column names for `features`: feature names, and `name=category` for
    /// one-hot columns.
    public func inputNames(_ features: [FeatureSpec]) -> [String] {
        features.flatMap { feature -> [String] in
            method == .oneHot && feature.kind == .categorical ? feature.categories.map { "\(feature.name)=\($0)" } : [feature.name]
        }
    }

    /// Per model input column, the number of categories for a natively encoded categorical
    /// feature, else 0 (what ``GradientBoosting`` takes as `categoryCounts`).
    public func categoryCounts(_ features: [FeatureSpec]) -> [Int] {
        method == .native ? features.map { $0.kind == .categorical ? $0.categories.count : 0 } : []
    }

    /// The model input matrix for the rows of `frame`, whose columns are found by the schema's names.
    /// Throws a ``ModelError`` naming a missing column (and the columns there are) or a column of
    /// the wrong kind.
    public func matrix(_ frame: DataFrame, features: [FeatureSpec]) throws -> FeatureMatrix {
        let names = inputNames(features)
        let d = names.count
        let n = frame.rowCount
        var values = [Double](repeating: 0, count: n * d)
        var offset = 0
        for feature in features {
            let column = try frame.column(named: feature.name, role: "feature")
            switch feature.kind {
            case .numeric, .boolean:
                guard column.kind == .numeric || column.kind == .boolean else {
                    throw ModelError(
                        .invalidData,
                        "\(frame.source): column \"\(feature.name)\" holds text (e.g. \"\(column.categories.first ?? "")\"), but the model was trained on it as \(feature.kind.rawValue)"
                    )
                }
                let fill = method == .oneHot ? imputation[feature.name] ?? 0 : Double.nan
                for r in 0..<n {
                    let v = column.values[r]
                    values[r * d + offset] = v.isNaN ? fill : v
                }
                offset += 1
            case .categorical:
                // Map the frame's own codes to the model's through the category texts.
                let texts: [String]
                let codes: [Int32]
                if column.kind == .categorical {
                    texts = column.categories
                    codes = column.codes
                } else {
                    throw ModelError(
                        .invalidData,
                        "\(frame.source): column \"\(feature.name)\" was read as \(column.kind.rawValue), but the model treats it as categorical; read it with its kind forced to categorical"
                    )
                }
                let known = Dictionary(uniqueKeysWithValues: feature.categories.enumerated().map { ($1, $0) })
                let remap = texts.map { known[$0] ?? -1 }
                if method == .native {
                    for r in 0..<n {
                        let code = codes[r] < 0 ? -1 : remap[Int(codes[r])]
                        values[r * d + offset] = code < 0 ? .nan : Double(code)
                    }
                    offset += 1
                } else {
                    for r in 0..<n where codes[r] >= 0 {
                        let code = remap[Int(codes[r])]
                        if code >= 0 { values[r * d + offset + code] = 1 }
                    }
                    offset += feature.categories.count
                }
            }
        }
        return FeatureMatrix(rowCount: n, columnCount: d, values: values, names: names)
    }
}
