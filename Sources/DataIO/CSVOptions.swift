/// How ``CSVReader`` splits a file into fields and which cell texts count as missing.
public struct CSVOptions: Sendable, Equatable {
    /// The cell texts read as missing when no other set is given. Blank cells are always missing.
    public static let defaultMissingValues: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]

    /// The byte between fields: `,` (default), `;`, `\t` or `|`; any ASCII byte except a quote or a line break.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Whether the first record names the columns. Without a header, columns are named `column1`, `column2`, ...
    public var hasHeader = true
    /// Cell texts (compared exactly, after trimming spaces and tabs) that mean "no value".
    public var missingValues: Set<String> = CSVOptions.defaultMissingValues

    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        hasHeader: Bool = true,
        missingValues: Set<String> = CSVOptions.defaultMissingValues
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.missingValues = missingValues
    }
}
