import DataIO
import Foundation

/// Trainyard's own model file (`model.json`): everything needed to predict from raw data, in one
/// versioned JSON document — the feature schema (names, kinds, categories), the target and its
/// classes, the feature encoding, and the fitted model.
///
/// The file is written with sorted keys and no whitespace, and doubles in their shortest
/// round-tripping form, so the same data, parameters and seed give byte-identical files.
/// `formatVersion` rises when a reader of an older version could not read the file; readers refuse
/// newer versions with a message saying so.
public struct TrainyardModel: Sendable, Codable, Equatable {
    public static let formatName = "trainyard.model"
    public static let currentFormatVersion = 1

    /// The fitted model of each family.
    public enum Fitted: Sendable, Equatable {
        case gbdt(GradientBoostedModel)
        case logistic(LogisticModel)
        case linear(LinearModel)

        public var type: ModelType {
            switch self {
            case .gbdt: .gbdt
            case .logistic: .logistic
            case .linear: .linear
            }
        }
    }

    public let format: String
    public let formatVersion: Int
    public let target: TargetSpec
    public let features: [FeatureSpec]
    public let encoding: FeatureEncoding
    /// Parameters as given (`--param` / `spec.model.params`), for the record.
    public let parameters: [String: String]
    public let model: Fitted

    public init(target: TargetSpec, features: [FeatureSpec], encoding: FeatureEncoding, parameters: [String: String], model: Fitted) {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.target = target
        self.features = features
        self.encoding = encoding
        self.parameters = parameters
        self.model = model
    }

    public var task: LearningTask { target.task }

    // MARK: Prediction

    /// Predictions for the rows of `frame`, which must have the schema's feature columns (other
    /// columns are ignored). Categorical features must have been read as categorical: read
    /// prediction data with ``csvOptions(_:)``.
    public func predict(_ frame: DataFrame, threads: Int = 0) throws -> Predictions {
        let x = try encoding.matrix(frame, features: features)
        return predict(x, threads: threads)
    }

    /// Predictions for an already encoded input matrix.
    public func predict(_ x: FeatureMatrix, threads: Int = 0) -> Predictions {
        switch model {
        case .gbdt(let m):
            let p = m.predict(x, threads: threads)
            if target.task == .regression { return Predictions(classes: [], values: p, rowCount: x.rowCount) }
            return Predictions(classes: target.classes, values: m.outputCount == 1 ? Self.twoColumns(p) : p, rowCount: x.rowCount)
        case .logistic(let m):
            let p = m.predictProbabilities(x)
            return Predictions(classes: target.classes, values: m.classCount == 2 ? Self.twoColumns(p) : p, rowCount: x.rowCount)
        case .linear(let m):
            return Predictions(classes: [], values: m.predict(x), rowCount: x.rowCount)
        }
    }

    /// `[1 - p, p]` per row from P(class 1).
    static func twoColumns(_ p: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 2 * p.count)
        for i in p.indices {
            out[2 * i] = 1 - p[i]
            out[2 * i + 1] = p[i]
        }
        return out
    }

    /// CSV options that read prediction data the way the model needs it: every feature's kind forced
    /// to the schema's, so a chunk or file with other contents cannot change how a column is parsed.
    public func csvOptions(_ base: CSVOptions = .init()) -> CSVOptions {
        var options = base
        for feature in features { options.columnKinds[feature.name] = feature.kind }
        options.columnKindsReason = "as the model expects"
        return options
    }

    // MARK: File IO

    /// The model as canonical JSON bytes (sorted keys, compact).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a model file, with messages that say what is wrong with it.
    public static func load(path: String) throws -> TrainyardModel {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelError(.unreadableModel, "\(path): cannot read the model file: \((error as NSError).localizedDescription)")
        }
        return try decode(data, source: path)
    }

    /// Decodes model JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> TrainyardModel {
        struct Header: Decodable {
            var format: String?
            var formatVersion: Int?
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ModelError(.unreadableModel, "\(source): not a JSON object; expected a Trainyard model (model.json)")
        }
        guard header.format == formatName else {
            throw ModelError(
                .unreadableModel,
                "\(source): format is \(header.format.map { "\"\($0)\"" } ?? "missing"); expected \"\(formatName)\" (a model.json written by trainyard train)"
            )
        }
        guard let version = header.formatVersion, version <= currentFormatVersion else {
            throw ModelError(
                .unreadableModel,
                "\(source): formatVersion \(header.formatVersion.map(String.init) ?? "missing") is newer than this trainyard reads (\(currentFormatVersion)); upgrade trainyard"
            )
        }
        do {
            return try JSONDecoder().decode(TrainyardModel.self, from: data)
        } catch let error as DecodingError {
            throw ModelError(.unreadableModel, "\(source): \(Self.describe(error)); the file is damaged or was edited")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\(path(context)).\(key.stringValue): missing"
        case .valueNotFound(_, let context): "\(path(context)): missing value"
        case .typeMismatch(let type, let context): "\(path(context)): expected \(type)"
        case .dataCorrupted(let context): "\(path(context)): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}

extension TrainyardModel.Fitted: Codable {
    private enum CodingKeys: String, CodingKey {
        case type
        case gbdt
        case logistic
        case linear
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(ModelType.self, forKey: .type)
        switch type {
        case .gbdt: self = .gbdt(try container.decode(GradientBoostedModel.self, forKey: .gbdt))
        case .logistic: self = .logistic(try container.decode(LogisticModel.self, forKey: .logistic))
        case .linear: self = .linear(try container.decode(LinearModel.self, forKey: .linear))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .gbdt(let m): try container.encode(m, forKey: .gbdt)
        case .logistic(let m): try container.encode(m, forKey: .logistic)
        case .linear(let m): try container.encode(m, forKey: .linear)
        }
    }
}
