/// How ``CSVReader`` splits a file into fields and which cell texts count as missing.
public struct CSVOptions: Sendable, Equatable {
    /// The cell texts read as missing when no other set is given. Blank cells are always missing.
    public static let defaultMissingValues: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]

    /// The byte between fields: `,` (default), `;`, `\t` or `|`; any ASCII byte except a quote or a line break.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Whether the first record names the columns. Without a header, columns are named by ``columnNames``
    /// or, when that is nil, `column1`, `column2`, ...
    public var hasHeader = true
    /// Cell texts (compared exactly, after trimming spaces and tabs) that mean "no value".
    public var missingValues: Set<String> = CSVOptions.defaultMissingValues
    /// Columns read as the given kind instead of inferring one, by column name. A `.numeric` or `.boolean`
    /// column must hold only values of that kind or missing-value spellings, else reading throws a
    /// ``DataError`` naming the cell; `.categorical` always succeeds and keeps each cell's text as written
    /// (so `01` and `1` are different categories). Names that are not columns are ignored.
    public var columnKinds: [String: ColumnKind] = [:]
    /// Why ``columnKinds`` holds, shown in parentheses in the error for a cell of the wrong kind; for
    /// example `"as the model expects"` gives `this column is numeric (as the model expects)`.
    public var columnKindsReason: String?
    /// With ``hasHeader`` false, the column names (instead of `column1`, `column2`, ...); every record must
    /// then have this many fields. As after a header, an empty line between rows of a one-column input is
    /// that row's missing value, even at the start of the bytes. Ignored when ``hasHeader`` is true.
    public var columnNames: [String]?
    /// The physical line number of the first byte, so that errors in a piece cut from a larger file name
    /// the line in that file. A UTF-8 byte order mark is skipped only when this is 1 (the start of a file).
    public var firstLine = 1

    /// Where ``columnNames`` came from, which decides how a wrong field count is explained; set by
    /// ``CSVChunkReader`` when it passes on a file's header.
    var columnNamesOrigin: ColumnNamesOrigin = .given

    enum ColumnNamesOrigin: Sendable, Equatable {
        /// Given by the caller.
        case given
        /// Read from the file's header.
        case header
        /// `column1`, `column2`, ... counted from the file's first row.
        case firstRow
    }

    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        hasHeader: Bool = true,
        missingValues: Set<String> = CSVOptions.defaultMissingValues,
        columnKinds: [String: ColumnKind] = [:],
        columnKindsReason: String? = nil,
        columnNames: [String]? = nil,
        firstLine: Int = 1
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.missingValues = missingValues
        self.columnKinds = columnKinds
        self.columnKindsReason = columnKindsReason
        self.columnNames = columnNames
        self.firstLine = firstLine
    }
}
