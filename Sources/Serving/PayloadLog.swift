import Foundation
import Learn
import Synchronization

/// Writes what each scoring request held and what it answered, one JSON object per line
/// (`--log-payloads FILE|-`), so served traffic can be checked for drift later:
/// `{"time", "request_id", "model", "version", "protocol", "inputs": {feature: [values]},
/// "outputs": {prediction: [...], probability_<class>: [...]}}`.
public final class PayloadLog: Sendable {
    private let handle: Mutex<FileHandle>
    private let closesHandle: Bool

    /// Appends to `path`; `-` is standard output.
    public init(path: String) throws {
        if path == "-" {
            handle = Mutex(FileHandle.standardOutput)
            closesHandle = false
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ServingError(.internalError, "--log-payloads \(path): cannot create the file")
            }
        }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw ServingError(.internalError, "--log-payloads \(path): cannot open the file for writing")
        }
        file.seekToEndOfFile()
        handle = Mutex(file)
        closesHandle = true
    }

    func record(requestID: String, model: ServedModel, protocol name: String, frame inputs: [(String, [String])], predictions: Predictions)
    {
        var out = JSONWriter(capacity: 256 + predictions.rowCount * 64 * max(inputs.count, 1))
        out.beginObject()
        out.key("time")
        out.string(
            Date().formatted(
                .iso8601.time(includingFractionalSeconds: true).year().month().day().dateSeparator(.dash).timeZone(separator: .omitted)))
        out.key("request_id")
        out.string(requestID)
        out.key("model")
        out.string(model.name)
        out.key("version")
        if let version = model.version { out.string(version) } else { out.null() }
        out.key("protocol")
        out.string(name)
        out.key("inputs")
        out.beginObject()
        for (name, cells) in inputs {
            out.key(name)
            out.beginArray()
            for cell in cells { out.raw(cell) }
            out.endArray()
        }
        out.endObject()
        out.key("outputs")
        out.beginObject()
        out.key("prediction")
        out.beginArray()
        let k = predictions.classes.count
        for r in 0..<predictions.rowCount {
            if k == 0 { out.number(predictions.values[r]) } else { out.string(predictions.classes[predictions.classIndex(r)]) }
        }
        out.endArray()
        for (c, name) in predictions.classes.enumerated() {
            out.key("probability_\(name)")
            out.beginArray()
            for r in 0..<predictions.rowCount { out.number(predictions.values[r * k + c]) }
            out.endArray()
        }
        out.endObject()
        out.endObject()
        let line = Data((out.text + "\n").utf8)
        handle.withLock { $0.write(line) }
    }

    func close() {
        guard closesHandle else { return }
        handle.withLock { try? $0.close() }
    }
}
