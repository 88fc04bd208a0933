/// A Kubernetes field selector: the `?fieldSelector=` query of a list or watch, such as
/// `metadata.name=web,status.phase!=Running`.
///
/// Parsing follows k8s.io/apimachinery/pkg/fields: terms are comma-separated and ANDed, each splits at
/// its first `!=`, `==` or `=`, and in values `\,`, `\=` and `\\` stand for `,`, `=` and `\`. Field
/// names are not checked here; the API server compares `requiredFields` with what each resource
/// supports and refuses the rest.
public struct FieldSelector: Sendable, Equatable, CustomStringConvertible {
    /// One `field=value` or `field!=value` clause.
    public struct Term: Sendable, Equatable, CustomStringConvertible {
        public let field: String
        /// The unescaped value.
        public let value: String
        /// True for `!=`.
        public let isNegated: Bool

        public init(field: String, value: String, isNegated: Bool) {
            self.field = field
            self.value = value
            self.isNegated = isNegated
        }

        /// A missing field reads as the empty string, as `fields.Set.Get` does, so `spec.nodeName=`
        /// selects objects with no node.
        public func matches(_ fields: [String: String]) -> Bool {
            let actual = fields[field] ?? ""
            return isNegated ? actual != value : actual == value
        }

        public var description: String {
            field + (isNegated ? "!=" : "=") + FieldSelector.escape(value)
        }
    }

    /// The terms, in the byte order of their source text, as apimachinery sorts them.
    public let terms: [Term]

    /// Selects every object.
    public static let everything = FieldSelector(terms: [])

    public init(terms: [Term]) {
        self.terms = terms
    }

    /// True when the selector places no restriction.
    public var isEmpty: Bool { terms.isEmpty }

    /// The field names the selector uses, so the server can refuse ones a resource does not support
    /// (`field label not supported: ...`).
    public var requiredFields: Set<String> { Set(terms.map(\.field)) }

    /// Whether an object whose selectable fields have these values is selected.
    public func matches(_ fields: [String: String]) -> Bool {
        terms.allSatisfy { $0.matches(fields) }
    }

    /// The value a `field=value` term pins the field to, letting the server answer with a single
    /// lookup (e.g. `metadata.name=web`); nil when no such term exists.
    public func requiredValue(for field: String) -> String? {
        terms.first { $0.field == field && !$0.isNegated }?.value
    }

    /// The canonical text, escaped so that parsing it again gives an equal selector.
    public var description: String {
        terms.map(\.description).joined(separator: ",")
    }

    /// Parses the `?fieldSelector=` syntax. The empty string selects everything; so do empty terms
    /// (`a=b,` is `a=b`).
    public static func parse(_ text: String) throws(SelectorError) -> FieldSelector {
        var terms: [Term] = []
        let parts = splitTerms(text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for part in parts where !part.isEmpty {
            guard let (field, op, rawValue) = splitTerm(part) else {
                throw .fieldSyntax("invalid selector: '\(text)'; can't understand '\(part)'")
            }
            terms.append(Term(field: field, value: try unescape(rawValue), isNegated: op == "!="))
        }
        return FieldSelector(terms: terms)
    }

    /// Splits at commas not preceded by a backslash; escapes stay in the pieces for `unescape`.
    private static func splitTerms(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var terms: [String] = []
        var current = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                inEscape = false
            } else if scalar == "\\" {
                inEscape = true
            } else if scalar == "," {
                terms.append(current)
                current = ""
                continue
            }
            current.unicodeScalars.append(scalar)
        }
        terms.append(current)
        return terms
    }

    /// Field names cannot be escaped, so the first operator in the term is the split point.
    private static func splitTerm(_ term: String) -> (String, String, String)? {
        let scalars = Array(term.unicodeScalars)
        for i in scalars.indices {
            for op in ["!=", "==", "="] {
                let opScalars = Array(op.unicodeScalars)
                if scalars[i...].starts(with: opScalars) {
                    return (
                        String(String.UnicodeScalarView(scalars[..<i])), op,
                        String(String.UnicodeScalarView(scalars[(i + opScalars.count)...]))
                    )
                }
            }
        }
        return nil
    }

    private static func unescape(_ raw: String) throws(SelectorError) -> String {
        var out = ""
        var inEscape = false
        for scalar in raw.unicodeScalars {
            if inEscape {
                guard scalar == "\\" || scalar == "," || scalar == "=" else {
                    throw .fieldEscape("invalid field selector: invalid escape sequence: \\\(Character(scalar))")
                }
                out.unicodeScalars.append(scalar)
                inEscape = false
                continue
            }
            switch scalar {
            case "\\":
                inEscape = true
            case ",", "=":
                // Go formats the rune with %v, which prints its code point as a number (61 for '=').
                throw .fieldEscape("invalid field selector: unescaped character in value: \(scalar.value)")
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        if inEscape { throw .fieldEscape("invalid field selector: invalid escape sequence: \\") }
        return out
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "," || scalar == "=" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
