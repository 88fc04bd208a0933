/// One column of a ``DataFrame``: numbers (numeric and boolean columns) or category codes (categorical columns).
public struct Column: Sendable {
    public let name: String
    public let kind: ColumnKind
    /// Numeric and boolean columns: one value per row, `.nan` where missing (booleans as 0/1). Empty for categorical columns.
    public let values: [Double]
    /// Categorical columns: one index into ``categories`` per row, -1 where missing. Empty otherwise.
    public let codes: [Int32]
    /// Categorical columns: the distinct cell texts, sorted byte-wise so codes do not depend on row order.
    /// Boolean columns read from a file: how the file spells false and true (e.g. `["no", "yes"]`).
    public let categories: [String]
    /// The physical line (1-based) in the source where each row starts, for error messages; empty when not read from a file.
    public let lineNumbers: [Int]
    private let storedMissingCount: Int

    /// The number of rows.
    public var count: Int { kind == .categorical ? codes.count : values.count }
    /// The number of rows with no value.
    public var missingCount: Int { storedMissingCount }

    /// A numeric column; `.nan` marks a missing value.
    public init(name: String, numeric values: [Double], lineNumbers: [Int] = []) {
        self.init(
            name: name, kind: .numeric, values: values, codes: [], categories: [], lineNumbers: lineNumbers,
            missingCount: values.reduce(0) { $1.isNaN ? $0 + 1 : $0 })
    }

    /// A boolean column of 0/1 values; `.nan` marks a missing value.
    public init(name: String, boolean values: [Double], lineNumbers: [Int] = [], texts: [String] = []) {
        precondition(values.allSatisfy { $0.isNaN || $0 == 0 || $0 == 1 }, "boolean column values must be 0, 1 or NaN")
        precondition(texts.isEmpty || texts.count == 2, "boolean column texts are [false, true]")
        self.init(
            name: name, kind: .boolean, values: values, codes: [], categories: texts, lineNumbers: lineNumbers,
            missingCount: values.reduce(0) { $1.isNaN ? $0 + 1 : $0 })
    }

    /// A categorical column; -1 marks a missing value, other codes index `categories`.
    public init(name: String, codes: [Int32], categories: [String], lineNumbers: [Int] = []) {
        precondition(codes.allSatisfy { $0 >= -1 && Int($0) < categories.count }, "category code out of range")
        self.init(
            name: name, kind: .categorical, values: [], codes: codes, categories: categories, lineNumbers: lineNumbers,
            missingCount: codes.reduce(0) { $1 < 0 ? $0 + 1 : $0 })
    }

    init(
        name: String, kind: ColumnKind, values: [Double], codes: [Int32], categories: [String], lineNumbers: [Int],
        missingCount: Int
    ) {
        self.name = name
        self.kind = kind
        self.values = values
        self.codes = codes
        self.categories = categories
        self.lineNumbers = lineNumbers
        self.storedMissingCount = missingCount
    }

    /// Whether row `row` has no value.
    public func isMissing(row: Int) -> Bool {
        kind == .categorical ? codes[row] < 0 : values[row].isNaN
    }
}
