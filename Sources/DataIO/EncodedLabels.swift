/// A classification target as dense class indices: `labels[row]` indexes `classes`.
public struct EncodedLabels: Sendable, Equatable {
    /// Class names, sorted: numerically for numeric labels ("9" before "10"), byte-wise otherwise.
    public let classes: [String]
    public let labels: [Int32]

    public init(classes: [String], labels: [Int32]) {
        self.classes = classes
        self.labels = labels
    }
}

/// Encodes a target column as classes `0..<k`. A row without a label is an error naming its line
/// (or row, for columns not read from a file) and how many such rows there are.
public func encodeLabels(_ column: Column, source: String) throws -> EncodedLabels {
    if column.missingCount > 0 {
        let row = (0..<column.count).first { column.isMissing(row: $0) }!
        let line = row < column.lineNumbers.count ? column.lineNumbers[row] : nil
        throw DataError.missingLabel(
            column: column.name, rowsWithoutLabel: column.missingCount, row: row, line: line, source: source)
    }
    switch column.kind {
    case .numeric, .boolean:
        // +0 folds -0.0 into 0.0 so they are one class.
        let distinct = Set(column.values.map { $0 + 0 }).sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        let labels = column.values.map { index[$0 + 0]! }
        let classes = distinct.map { value -> String in
            guard column.kind == .boolean else { return className(value) }
            // The file's own spelling (yes/no, True/False) when known.
            return column.categories.count == 2 ? column.categories[value == 1 ? 1 : 0] : (value == 1 ? "true" : "false")
        }
        return EncodedLabels(classes: classes, labels: labels)
    case .categorical:
        // Only categories that occur become classes, in byte order, whoever built the column.
        var used = [Bool](repeating: false, count: column.categories.count)
        for code in column.codes { used[Int(code)] = true }
        let order = column.categories.indices.filter { used[$0] }
            .sorted { Array(column.categories[$0].utf8).lexicographicallyPrecedes(Array(column.categories[$1].utf8)) }
        var remap = [Int32](repeating: -1, count: column.categories.count)
        for (newCode, oldCode) in order.enumerated() { remap[oldCode] = Int32(newCode) }
        return EncodedLabels(classes: order.map { column.categories[$0] }, labels: column.codes.map { remap[Int($0)] })
    }
}

/// "1" rather than "1.0" for whole numbers, so class names read like the file's labels.
private func className(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
        return String(Int64(value))
    }
    return String(value)
}
