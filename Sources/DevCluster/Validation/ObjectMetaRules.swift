/// The name formats of Kubernetes object metadata and label selectors (apimachinery `util/validation`),
/// each returning the server's messages (empty when the value is valid). Checked by hand rather than
/// with regular expressions; the messages still quote the regexes, as users see them from a real cluster.
enum ObjectMetaRules {
    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let labelKeyFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFormat = "(" + labelKeyFormat + ")?"
    static let totalAnnotationSizeLimit = 256 * 1024

    static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
    static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    static let labelKeyMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

    /// The DNS-1123 label format rule as `validation.RegexError` words it.
    static var dns1123LabelRegexError: String {
        regexError(dns1123LabelMessage, dns1123LabelFormat, examples: ["my-name", "123-abc"])
    }

    static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append(maxLengthError(63)) }
        if !isDNS1123Label(Substring(value)) {
            if isDNS1123Subdomain(value) {
                errors.append("must not contain dots")
            } else {
                errors.append(dns1123LabelRegexError)
            }
        }
        return errors
    }

    static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 253 { errors.append(maxLengthError(253)) }
        if !isDNS1123Subdomain(value) {
            errors.append(regexError(dns1123SubdomainMessage, dns1123SubdomainFormat, examples: ["example.com"]))
        }
        return errors
    }

    /// A label key, annotation key or finalizer: an optional DNS subdomain prefix and `/`, then a name.
    static func qualifiedName(_ value: String) -> [String] {
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return [
                "a valid label key "
                    + regexError(labelKeyMessage, labelKeyFormat, examples: ["MyName", "my.name", "123-abc"])
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part " + maxLengthError(63))
        }
        if !isLabelKeyName(name) {
            errors.append("name part " + regexError(labelKeyMessage, labelKeyFormat, examples: ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    static func labelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append(maxLengthError(63)) }
        if !value.isEmpty, !isLabelKeyName(Substring(value)) {
            errors.append(regexError(labelValueMessage, labelValueFormat, examples: ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    /// `generateName` is a prefix: a trailing dash is fine because random characters follow it.
    static func maskTrailingDash(_ name: String) -> String {
        if name.utf8.count > 1, name.hasSuffix("-") { return String(name.dropLast()) + "a" }
        return name
    }

    static func maxLengthError(_ length: Int) -> String {
        "must be no more than \(length) characters"
    }

    static func regexError(_ message: String, _ format: String, examples: [String]) -> String {
        if examples.isEmpty { return message + " (regex used for validation is '" + format + "')" }
        return message + " (e.g. " + examples.map { "'\($0)', " }.joined(separator: " or ")
            + "regex used for validation is '" + format + "')"
    }

    private static func isLowerAlphanumeric(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        isLowerAlphanumeric(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    static func isDNS1123Label(_ value: Substring) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
            && bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    static func isDNS1123Subdomain(_ value: String) -> Bool {
        value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isDNS1123Label)
    }

    private static func isLabelKeyName(_ value: Substring) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
