/// A table read from a data source: equally long, typed columns in source order.
public struct DataFrame: Sendable {
    public let columns: [Column]
    public let rowCount: Int
    /// Where the data came from (the path as given), used as the prefix of error messages.
    public let source: String
    /// The physical line (1-based) where each row starts in the source; empty when not read from a file.
    public let lineNumbers: [Int]

    public init(columns: [Column], source: String, lineNumbers: [Int] = []) {
        let rows = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == rows }, "all columns of a DataFrame must have the same length")
        precondition(lineNumbers.isEmpty || lineNumbers.count == rows, "one line number per row")
        self.columns = columns
        self.rowCount = rows
        self.source = source
        self.lineNumbers = lineNumbers
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The column called `name`, or a ``DataError`` listing the columns there are (and a close match, if any).
    public func column(named name: String) throws -> Column {
        try column(named: name, role: nil)
    }

    /// The column called `name`; `role` (e.g. "target") names what the column is for in the error message:
    /// `target column "Clas" not found; columns are: Time, V1, V2, Class`.
    public func column(named name: String, role: String?) throws -> Column {
        if let found = columns.first(where: { $0.name == name }) {
            return found
        }
        throw DataError.columnNotFound(name, role: role, available: columnNames, source: source)
    }
}
