/// Reads a number from a text cell exactly as the CSV reader reads one from a file, for values that
/// arrive one at a time (a model server's JSON request): `[+-]digits[.digits][e[+-]digits]` and
/// `inf`/`infinity`, with spaces and tabs around it ignored; not `nan`, which is a missing-value
/// spelling.
public enum DecimalText {
    /// The number `text` holds, or nil when it is not a decimal number.
    public static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
            return DecimalParser.parse(base, count: buffer.count)
        }
    }

    /// Whether `text`, without spaces and tabs around it, is one of `missingValues` (the CSV
    /// reader's missing-value spellings by default) or empty.
    public static func isMissing(_ text: String, missingValues: Set<String> = CSVOptions.defaultMissingValues) -> Bool {
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty || missingValues.contains(trimmed)
    }
}
