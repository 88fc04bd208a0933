import Foundation

/// Reads CSV files into a ``DataFrame``: the whole file is loaded into memory, split into field byte
/// ranges in one pass, then each column is type-inferred (or read as the kind ``CSVOptions/columnKinds``
/// gives it) and converted straight from the bytes, columns spread over one worker per core. For files
/// larger than memory, see ``CSVChunkReader``.
public enum CSVReader {
    /// Reads the file at `path`; errors name the path as given.
    public static func read(path: String, options: CSVOptions = .init()) throws -> DataFrame {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            var isDirectory: ObjCBool = false
            let reason: String
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                reason = "no such file"
            } else if isDirectory.boolValue {
                reason = "it is a directory, expected a CSV file"
            } else {
                reason = (error as NSError).localizedDescription
            }
            throw DataError.unreadable(reason, source: path)
        }
        return try data.withUnsafeBytes { raw in
            try read(raw.bindMemory(to: UInt8.self), source: path, options: options)
        }
    }

    /// Reads CSV held in memory; `source` names it in error messages.
    public static func read(bytes: [UInt8], source: String, options: CSVOptions = .init()) throws -> DataFrame {
        try bytes.withUnsafeBufferPointer { try read($0, source: source, options: options) }
    }

    static func read(_ buffer: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions) throws -> DataFrame {
        let table = try CSVTokenizer.tokenize(buffer, source: source, options: options)
        let missing = MissingValueMatcher(options.missingValues)
        let base = buffer.baseAddress!  // tokenize rejects empty input
        let kinds = options.columnKinds.isEmpty ? [] : table.columnNames.map { options.columnKinds[$0] }
        var columns: [Column] = []
        columns.reserveCapacity(table.columnCount)
        // Of several cells of the wrong kind, report the one a reader of the file meets first.
        var firstMismatch: (row: Int, column: Int)?
        for (c, result) in buildColumns(table, base, missing, kinds).enumerated() {
            switch result {
            case .success(let column):
                columns.append(column)
            case .failure(let mismatch):
                if mismatch.row < firstMismatch?.row ?? Int.max { firstMismatch = (mismatch.row, c) }
            }
        }
        if let (row, c) = firstMismatch {
            let k = row * table.columnCount + c
            let cell = CSVTokenizer.text(base, start: table.starts[k], end: table.ends[k]).trimmingSpaces()
            throw DataError.cellNotOfColumnKind(
                cell, kind: kinds[c]!, reason: options.columnKindsReason, source: source, line: table.lines[row], column: c + 1,
                name: table.columnNames[c])
        }
        return DataFrame(columns: columns, source: source, lineNumbers: table.lines)
    }

    private typealias ColumnResult = Result<Column, ColumnBuilder.KindMismatch>

    /// Converts one column: as its forced kind if `kinds` (empty when none are forced) gives one, else by inference.
    private static func buildColumn(
        _ c: Int, _ table: CSVTable, _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher, _ kinds: [ColumnKind?]
    ) -> ColumnResult {
        guard !kinds.isEmpty, let kind = kinds[c] else {
            return .success(ColumnBuilder.build(column: c, of: table, bytes: base, missing: missing))
        }
        return Result { () throws(ColumnBuilder.KindMismatch) in
            try ColumnBuilder.build(column: c, of: table, bytes: base, missing: missing, as: kind)
        }
    }

    /// Converts the columns on a fixed number of workers (one per core, at most one per column); each
    /// worker takes every `workers`-th column, so no two touch the same result slot.
    private static func buildColumns(
        _ table: CSVTable, _ base: UnsafePointer<UInt8>, _ missing: MissingValueMatcher, _ kinds: [ColumnKind?]
    ) -> [ColumnResult] {
        let count = table.columnCount
        let workers = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        if workers == 1 || table.rowCount * count < 10_000 {
            return (0..<count).map { buildColumn($0, table, base, missing, kinds) }
        }
        let results = UnsafeMutableBufferPointer<ColumnResult>.allocate(capacity: count)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        let shared = SharedBuffers(results: results, bytes: base)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for c in stride(from: worker, to: count, by: workers) {
                let column = buildColumn(c, table, shared.bytes, missing, kinds)
                (shared.results.baseAddress! + c).initialize(to: column)
            }
        }
        return Array(results)
    }
}

/// The input bytes (read-only) and the result slots (each written by exactly one worker) handed to the
/// column workers; safe to share because the workers' accesses never overlap and end before the caller continues.
private struct SharedBuffers: @unchecked Sendable {
    let results: UnsafeMutableBufferPointer<Result<Column, ColumnBuilder.KindMismatch>>
    let bytes: UnsafePointer<UInt8>
}
