import DataIO
import Learn

/// A loaded model and what the server says about it: its registry name and version, the run that
/// produced it, where it came from, and the per-feature lookups that turn request cells into the
/// model's input the way `trainyard predict` reads a CSV file.
public struct ServedModel: Sendable {
    public let model: TrainyardModel
    /// The name clients address it by (`/v2/models/NAME`): the registered model's name, or what
    /// `--name` says for a local directory.
    public let name: String
    /// The registry version, when the model came from the registry.
    public let version: String?
    public let runId: String?
    /// The `--model` argument as given.
    public let source: String
    let converters: [CellConverter]
    /// The model compiled once for the many small predictions a server makes.
    let prepared: PreparedModel

    public init(model: TrainyardModel, name: String, version: String? = nil, runId: String? = nil, source: String) {
        self.model = model
        self.name = name
        self.version = version
        self.runId = runId
        self.source = source
        self.converters = model.features.map(CellConverter.init)
        self.prepared = PreparedModel(model)
    }

    public var featureNames: [String] { model.features.map(\.name) }
    public var isClassifier: Bool { model.task == .classification }

    /// The columns of `/invocations` answers and of payload logs: `prediction`, then
    /// `probability_<class>` for every class.
    public var outputColumns: [String] { ["prediction"] + model.target.classes.map { "probability_\($0)" } }

    /// Predictions for request cells, one array per feature in schema order.
    func predict(_ batch: InputBatch) throws(ServingError) -> Predictions {
        let frame = try self.frame(batch)
        return try predict(frame)
    }

    /// Predictions for a frame read from CSV with ``TrainyardModel/csvOptions(_:)``.
    func predict(_ frame: DataFrame) throws(ServingError) -> Predictions {
        do {
            // One thread below a few thousand rows: a request's rows are too few to pay for a pool.
            return try prepared.predict(frame, threads: frame.rowCount >= 4096 ? 0 : 1)
        } catch let error as ModelError {
            throw ServingError(.badRequest, error.message)
        } catch let error as DataError {
            throw ServingError(.badRequest, error.description)
        } catch {
            throw ServingError(.badRequest, "\(error)")
        }
    }

    /// The model's input frame for request cells.
    func frame(_ batch: InputBatch) throws(ServingError) -> DataFrame {
        var columns: [Column] = []
        columns.reserveCapacity(converters.count)
        for (converter, cells) in zip(converters, batch.columns) {
            columns.append(try converter.column(cells, rowLabel: batch.rowLabel))
        }
        return DataFrame(columns: columns, source: "request")
    }
}
