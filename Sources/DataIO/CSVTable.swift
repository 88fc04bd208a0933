/// The fields of a CSV file as byte ranges into the file's buffer, before any type conversion.
struct CSVTable: Sendable {
    /// Set in an ``ends`` entry when the field was quoted and contains `""`, so its bytes need unescaping.
    static let escapedFlag = 1 << 62

    var columnNames: [String]
    /// Row-major: field `c` of data row `r` is at `r * columnCount + c`. For quoted fields the range excludes the quotes.
    var starts: [Int]
    var ends: [Int]
    /// The physical line (1-based) where each data row starts.
    var lines: [Int]

    var columnCount: Int { columnNames.count }
    var rowCount: Int { lines.count }
}
