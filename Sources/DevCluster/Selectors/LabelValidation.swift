/// Label key and value rules (k8s.io/apimachinery/pkg/util/validation), with the same messages,
/// so a refused selector reads the same as from a real API server.
enum LabelValidation {
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let qualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let labelValueFormat = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let subdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
    static let subdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    static let maxNameLength = 63
    static let maxSubdomainLength = 253

    /// Problems with a label key (an optional DNS-subdomain prefix and '/', then a name); empty when valid.
    static func keyProblems(_ key: String) -> [String] {
        var problems: [String] = []
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                problems.append("prefix part must be non-empty")
            } else {
                problems += subdomainProblems(prefix).map { "prefix part " + $0 }
            }
        default:
            return [
                "a qualified name "
                    + regexError(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"])
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        }
        if name.isEmpty {
            problems.append("name part must be non-empty")
        } else if name.utf8.count > maxNameLength {
            problems.append("name part must be no more than \(maxNameLength) characters")
        }
        if !isQualifiedNamePart(name.utf8) {
            problems.append(
                "name part " + regexError(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"])
            )
        }
        return problems
    }

    /// Problems with a label value (63 characters at most, may be empty); empty when valid.
    static func valueProblems(_ value: String) -> [String] {
        var problems: [String] = []
        if value.utf8.count > maxNameLength {
            problems.append("must be no more than \(maxNameLength) characters")
        }
        if !value.isEmpty && !isQualifiedNamePart(value.utf8) {
            problems.append(regexError(labelValueMessage, labelValueFormat, examples: ["MyValue", "my_value", "12345"]))
        }
        return problems
    }

    static func subdomainProblems(_ text: Substring) -> [String] {
        var problems: [String] = []
        if text.utf8.count > maxSubdomainLength {
            problems.append("must be no more than \(maxSubdomainLength) characters")
        }
        let labels = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if !labels.allSatisfy(isDNSLabel) {
            problems.append(regexError(subdomainMessage, subdomainFormat, examples: ["example.com"]))
        }
        return problems
    }

    /// Mirrors validation.RegexError, including its doubled spaces between examples.
    static func regexError(_ message: String, _ format: String, examples: [String]) -> String {
        var text = message + " (e.g. "
        for (i, example) in examples.enumerated() {
            if i > 0 { text += " or " }
            text += "'\(example)', "
        }
        return text + "regex used for validation is '\(format)')"
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    private static func isQualifiedNamePart<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let first = bytes.first, isAlphanumeric(first) else { return false }
        var last = first
        for byte in bytes {
            guard isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            else { return false }
            last = byte
        }
        return isAlphanumeric(last)
    }

    private static func isDNSLabel<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        func isLowerAlphanumeric(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        guard let first = bytes.first, isLowerAlphanumeric(first) else { return false }
        var last = first
        for byte in bytes {
            guard isLowerAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return false }
            last = byte
        }
        return isLowerAlphanumeric(last)
    }

    // MARK: Go formatting

    /// Go's `%q` for the strings that appear in field errors: double-quoted, with `"`, `\` and control
    /// characters escaped, so messages quote values exactly as the Go API server does.
    static func goQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                    || scalar.properties.generalCategory == .unassigned || scalar.properties.generalCategory == .privateUse
                    || scalar.properties.generalCategory == .lineSeparator
                    || scalar.properties.generalCategory == .paragraphSeparator
                {
                    out += scalar.value > 0xFFFF ? "\\U" + hex(scalar.value, width: 8) : "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Go's `%#v` for a `[]string`, used where apimachinery reports a bad list of values.
    static func goStringSlice(_ values: [String]) -> String {
        "[]string{" + values.map(goQuoted).joined(separator: ", ") + "}"
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Joins field errors as `field.ErrorList.ToAggregate().Error()` does: one message alone, several
    /// in brackets, duplicates dropped.
    static func aggregate(_ problems: [String]) -> String? {
        var seen = Set<String>()
        let unique = problems.filter { seen.insert($0).inserted }
        switch unique.count {
        case 0: return nil
        case 1: return unique[0]
        default: return "[" + unique.joined(separator: ", ") + "]"
        }
    }
}
