import DataIO

/// A model made ready for many predictions: a tree ensemble is compiled into its flat prediction
/// form once, not on every call, which is what dominates a single-row prediction otherwise. For a
/// model server answering thousands of small requests. Predictions equal ``TrainyardModel``'s.
public struct PreparedModel: Sendable {
    public let model: TrainyardModel
    private let forest: ForestPredictor?

    public init(_ model: TrainyardModel) {
        self.model = model
        if case .gbdt(let m) = model.model { forest = m.compiled() } else { forest = nil }
    }

    /// Predictions for the rows of `frame` (see ``TrainyardModel/predict(_:threads:)-(DataFrame,_)``).
    public func predict(_ frame: DataFrame, threads: Int = 0) throws -> Predictions {
        predict(try model.encoding.matrix(frame, features: model.features), threads: threads)
    }

    /// Predictions for an already encoded input matrix.
    public func predict(_ x: FeatureMatrix, threads: Int = 0) -> Predictions {
        guard case .gbdt(let m) = model.model, let forest else { return model.predict(x, threads: threads) }
        let p = m.predict(x, using: forest, threads: threads)
        if model.target.task == .regression { return Predictions(classes: [], values: p, rowCount: x.rowCount) }
        return Predictions(
            classes: model.target.classes, values: m.outputCount == 1 ? TrainyardModel.twoColumns(p) : p, rowCount: x.rowCount)
    }
}
