import ArgumentParser
import DataIO
import Foundation
import Learn
import Tracking
import Training

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score a CSV file with a trained model, streaming, and write the predictions as CSV.",
        discussion: """
            Output columns: any --keep-columns, then prediction (the class or value) and, for
            classification, probability_<class> for every class. The file is read in chunks, so memory
            does not grow with its size. Columns the model does not use are ignored.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The model: a directory written by trainyard train (or its model.json), or in MLflow models:/NAME@ALIAS, models:/NAME/VERSION, runs:/RUN_ID/model or mlflow-artifacts:/...",
            valueName: "uri"))
    var model: String

    @Option(help: "Data to score (CSV with a header holding the model's feature columns).")
    var data: String

    @Option(help: "Where to write predictions (CSV); - for stdout.")
    var output: String

    @Option(help: "Input columns to copy into the output before the predictions, comma-separated (e.g. an id).")
    var keepColumns: String?

    @Option(help: "Threads (0: every core).")
    var threads: Int = 0

    @Option(help: "Field delimiter of the input and output.")
    var delimiter: String = ","

    @Option(help: ArgumentHelp("Rows are read in chunks of about this many MiB.", visibility: .hidden))
    var chunkMib: Int = 8

    @Option(
        help: ArgumentHelp(
            "Keep models downloaded from MLflow in this directory and reuse them: a version or a run's model never changes, so it is fetched once; an alias is looked up every time (default: $TRAINYARD_MODEL_CACHE; none: a temporary download).",
            valueName: "dir"))
    var modelCache: String?

    @OptionGroup(title: "MLflow (for models:/, runs:/ and mlflow-artifacts:/ models)")
    var server: MLflowServerOptions

    func validate() throws {
        guard delimiter.utf8.count == 1 else { throw ValidationError("--delimiter must be one character, got \"\(delimiter)\"") }
        guard chunkMib >= 1 else { throw ValidationError("--chunk-mib must be 1 or more") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let fetched = try await FetchedModel.fetch(
            model, tracking: try server.configuration(environment),
            cacheDirectory: nonEmpty(modelCache) ?? nonEmpty(environment["TRAINYARD_MODEL_CACHE"]))
        do {
            try predict(fetched.model, source: fetched.description)
        } catch let error as ModelError {
            throw CLIFailure(error.message)
        } catch let error as DataError {
            throw CLIFailure(error.description)
        } catch let error as CSVOutputError {
            throw CLIFailure("--output \(error)")
        }
    }

    private func predict(_ trained: TrainyardModel, source: String) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let keep = keepColumns?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        let byte = delimiter.utf8.first!
        var options = trained.csvOptions(CSVOptions(delimiter: byte))
        // Kept columns that are not features pass through as their exact text.
        let featureNames = Set(trained.features.map(\.name))
        for name in keep where !featureNames.contains(name) { options.columnKinds[name] = .categorical }

        var reader = try CSVChunkReader(path: data, options: options, chunkBytes: chunkMib << 20)
        let missing = (trained.features.map(\.name) + keep).filter { !reader.columnNames.contains($0) }
        if !missing.isEmpty {
            throw CLIFailure(
                "\(data): \(missing.count == 1 ? "column" : "columns") \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) not found; the model needs \(trained.features.map(\.name).joined(separator: ", ")); the file has \(reader.columnNames.joined(separator: ", "))"
            )
        }

        let sink = try CSVOutput(path: output)
        let header = keep + Predictions(classes: trained.target.classes, values: [], rowCount: 0).csvHeader
        sink.writeRecord(header, delimiter: byte)
        var rows = 0
        var fields: [String] = []
        while let frame = try reader.next() {
            let predictions = try trained.predict(frame, threads: threads)
            let kept = try keep.map { try frame.column(named: $0) }
            var text = ""
            text.reserveCapacity(frame.rowCount * 48)
            for r in 0..<frame.rowCount {
                fields.removeAll(keepingCapacity: true)
                for column in kept { fields.append(cellText(column, r)) }
                predictions.appendCSVFields(r, to: &fields)
                text += CSVOutput.record(fields, delimiter: byte)
            }
            sink.write(text)
            rows += frame.rowCount
        }
        try sink.close()
        let elapsed = seconds(clock.now - start)
        FileHandle.standardError.write(
            Data(
                "predicted \(rows) rows in \(String(format: "%.2f", elapsed)) s (\(Int(Double(rows) / max(elapsed, 1e-9))) rows/s) with \(source) -> \(output)\n"
                    .utf8))
    }

    /// The text of a kept cell: the original text for categorical columns, the number otherwise.
    private func cellText(_ column: Column, _ row: Int) -> String {
        if column.isMissing(row: row) { return "" }
        switch column.kind {
        case .categorical: return column.categories[Int(column.codes[row])]
        case .boolean: return column.values[row] == 1 ? "true" : "false"
        case .numeric: return column.values[row].description
        }
    }
}
