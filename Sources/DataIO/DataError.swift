/// A problem with input data, worded for the person who supplied it: what is wrong, where
/// (`source:line: column N ("name")`), and what would be right.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Equatable, Sendable {
        case unreadable(reason: String)
        case invalidDelimiter(UInt8)
        case emptyFile(expectsHeader: Bool)
        case headerOnly
        case unterminatedQuote
        case textAfterClosingQuote
        case strayQuote
        case fieldCount(expected: Int, found: Int, namesFrom: CSVOptions.ColumnNamesOrigin)
        case duplicateColumn(firstIndex: Int)
        case cellNotOfColumnKind(cell: String, kind: ColumnKind, reason: String?)
        case columnNotFound(name: String, role: String?, available: [String])
        case missingLabel(column: String, rowsWithoutLabel: Int, row: Int)
    }

    private let code: Code
    /// The file or other source the data came from, as given by the caller.
    public let source: String
    /// The 1-based physical line where the offending record starts, when known.
    public let line: Int?
    /// The 1-based column of the offending field, when known.
    public let column: Int?
    /// The header name of ``column``, when known.
    public let columnName: String?

    /// True when the source could not be read at all (missing, unreachable, not permitted), as
    /// opposed to data that was read and found wrong: the first may pass on a retry, the second not.
    public var isSourceUnreadable: Bool {
        if case .unreadable = code { return true }
        return false
    }

    private init(_ code: Code, source: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil) {
        self.code = code
        self.source = source
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    public var description: String {
        var prefix = source
        if let line { prefix += ":\(line)" }
        prefix += ": "
        if let column {
            prefix += "column \(column)"
            if let columnName { prefix += " (\"\(columnName)\")" }
            prefix += ": "
        }
        switch code {
        case .unreadable(let reason):
            return prefix + "cannot read the file: \(reason)"
        case .invalidDelimiter(let byte):
            return prefix + "the delimiter byte \(byte) cannot be used; use an ASCII character other than a quote or a line break, "
                + "such as ',', ';', tab or '|'"
        case .emptyFile(let expectsHeader):
            return prefix
                + (expectsHeader
                    ? "the file is empty; expected a header row followed by data rows"
                    : "the file is empty; expected at least one data row")
        case .headerOnly:
            return prefix + "the file has a header row but no data rows"
        case .unterminatedQuote:
            return prefix + "unterminated quoted field starting here"
        case .textAfterClosingQuote:
            return prefix + "unexpected text after the closing quote; a quote inside a quoted field is written as \"\""
        case .strayQuote:
            return prefix + "stray quote in an unquoted field; quote the whole field and write each quote inside it as \"\""
        case .fieldCount(let expected, let found, let namesFrom):
            let basis: String
            switch namesFrom {
            case .header: basis = " as in the header"
            case .firstRow: basis = " as in the first row"
            case .given: basis = ", one per column name given"
            }
            return prefix + "expected \(expected) fields\(basis), found \(found)"
        case .duplicateColumn(let firstIndex):
            return prefix + "repeats the name of column \(firstIndex); column names must be unique"
        case .cellNotOfColumnKind(let cell, let kind, let reason):
            let shown = DataError.quoted(cell)
            let problem: String
            switch kind {
            case .numeric: problem = "\(shown) is not a number"
            case .boolean: problem = "\(shown) is not true/false, yes/no or t/f"
            case .categorical: problem = "\(shown) is not a category"  // not thrown: every text is a category
            }
            return prefix + problem + "; this column is \(kind.rawValue)" + (reason.map { " (\($0))" } ?? "")
        case .columnNotFound(let name, let role, let available):
            var text = role.map { "\($0) column" } ?? "column"
            text += " \"\(name)\" not found; "
            if let hint = DataError.nearMiss(for: name, in: available) {
                text += "did you mean \"\(hint)\"? "
            }
            if available.isEmpty {
                return text + "the data has no columns"
            }
            // A target is most often the first or the last column: a long list keeps both ends.
            guard available.count > DataError.maxListedColumns else { return text + "columns are: " + available.joined(separator: ", ") }
            let head = available.prefix(DataError.maxListedColumns - 5).joined(separator: ", ")
            let tail = available.suffix(5).joined(separator: ", ")
            return text + "columns are: \(head), ... (\(available.count - DataError.maxListedColumns) more), \(tail)"
        case .missingLabel(let column, let rowsWithoutLabel, let row):
            let whereText = line == nil ? "row \(row + 1): " : ""
            let others = rowsWithoutLabel > 1 ? " (\(rowsWithoutLabel) rows have none; this is the first)" : ""
            return prefix + whereText + "no value in label column \"\(column)\"\(others); "
                + "every row needs a label to train a classifier, so drop or fill in these rows"
        }
    }

    static let maxListedColumns = 30
    static let maxShownCellCharacters = 40

    /// A cell's text in quotes, with quotes and control characters escaped and long texts cut short.
    static func quoted(_ cell: String) -> String {
        let cut = cell.count > maxShownCellCharacters ? String(cell.prefix(maxShownCellCharacters - 3)) + "..." : cell
        return cut.debugDescription
    }

    /// A column name equal to `name` apart from case and surrounding spaces, if there is exactly one.
    static func nearMiss(for name: String, in available: [String]) -> String? {
        func normalized(_ s: String) -> String { s.trimmingSpaces().lowercased() }
        let wanted = normalized(name)
        let matches = available.filter { $0 != name && normalized($0) == wanted }
        return matches.count == 1 ? matches[0] : nil
    }

    // MARK: Factories (internal: callers only throw these, never build them)

    static func unreadable(_ reason: String, source: String) -> DataError {
        DataError(.unreadable(reason: reason), source: source)
    }
    static func invalidDelimiter(_ byte: UInt8, source: String) -> DataError {
        DataError(.invalidDelimiter(byte), source: source)
    }
    static func emptyFile(expectsHeader: Bool, source: String) -> DataError {
        DataError(.emptyFile(expectsHeader: expectsHeader), source: source)
    }
    static func headerOnly(source: String) -> DataError {
        DataError(.headerOnly, source: source)
    }
    static func unterminatedQuote(source: String, line: Int, column: Int, name: String?) -> DataError {
        DataError(.unterminatedQuote, source: source, line: line, column: column, columnName: name)
    }
    static func textAfterClosingQuote(source: String, line: Int, column: Int, name: String?) -> DataError {
        DataError(.textAfterClosingQuote, source: source, line: line, column: column, columnName: name)
    }
    static func strayQuote(source: String, line: Int, column: Int, name: String?) -> DataError {
        DataError(.strayQuote, source: source, line: line, column: column, columnName: name)
    }
    static func fieldCount(
        expected: Int, found: Int, namesFrom: CSVOptions.ColumnNamesOrigin, source: String, line: Int
    ) -> DataError {
        DataError(.fieldCount(expected: expected, found: found, namesFrom: namesFrom), source: source, line: line)
    }
    static func duplicateColumn(source: String, line: Int?, column: Int, name: String, firstIndex: Int) -> DataError {
        DataError(.duplicateColumn(firstIndex: firstIndex), source: source, line: line, column: column, columnName: name)
    }
    static func cellNotOfColumnKind(
        _ cell: String, kind: ColumnKind, reason: String?, source: String, line: Int?, column: Int, name: String
    ) -> DataError {
        DataError(
            .cellNotOfColumnKind(cell: cell, kind: kind, reason: reason), source: source, line: line, column: column,
            columnName: name)
    }
    static func columnNotFound(_ name: String, role: String?, available: [String], source: String) -> DataError {
        DataError(.columnNotFound(name: name, role: role, available: available), source: source)
    }
    static func missingLabel(column: String, rowsWithoutLabel: Int, row: Int, line: Int?, source: String) -> DataError {
        DataError(.missingLabel(column: column, rowsWithoutLabel: rowsWithoutLabel, row: row), source: source, line: line)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
