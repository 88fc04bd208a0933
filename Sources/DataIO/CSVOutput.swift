import Foundation

/// Writes CSV text to a file or to stdout, buffered. A file is written under a temporary name
/// and renamed on `close()`, so a failed run leaves no half file behind (and a reader never
/// sees one). Used by every workload that writes rows: `trainyard predict`, the batch scorer.
public final class CSVOutput {
    private let handle: FileHandle
    private let path: String?
    private let temporary: String?
    private var buffer: [UInt8] = []

    /// A file at `path`, or stdout for `-`. Missing parent directories are created.
    public init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
            self.path = nil
            temporary = nil
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CSVOutputError(description: "\(path): cannot create the file")
        }
        self.handle = handle
        self.path = path
        self.temporary = temporary
    }

    /// Appends text (whole records, with their line breaks).
    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Appends one record of `fields`, each quoted as needed.
    public func writeRecord(_ fields: [String], delimiter: UInt8) {
        write(Self.record(fields, delimiter: delimiter))
    }

    /// Writes what is buffered and, for a file, gives it its name.
    public func close() throws {
        flush()
        guard let path, let temporary else { return }
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        do {
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw CSVOutputError(description: "\(path): cannot write: \((error as NSError).localizedDescription)")
        }
    }

    private func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        if let temporary, FileManager.default.fileExists(atPath: temporary) { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// One CSV record, with its line break.
    public static func record(_ fields: [String], delimiter: UInt8) -> String {
        fields.map { field($0, delimiter: delimiter) }.joined(separator: String(UnicodeScalar(delimiter))) + "\n"
    }

    /// A CSV field, quoted when it holds the delimiter, a quote, a line break, or edge spaces.
    public static func field(_ text: String, delimiter: UInt8) -> String {
        let needsQuotes =
            text.utf8.contains { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The output file could not be created or written.
public struct CSVOutputError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
