import KubeAPI

/// Reads the single-expression subset of Kubernetes JSONPath that CRD printer columns use.
/// It never recurses on its input (filters cannot nest), so hostile text cannot exhaust the stack.
struct JSONPathParser {
    private let expression: String
    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ expression: String) {
        self.expression = expression
        self.scalars = Array(expression.unicodeScalars)
    }

    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(at offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    func fail(_ message: String, at offset: Int? = nil) -> JSONPathError {
        JSONPathError(expression: expression, offset: offset ?? index, message: message)
    }

    private mutating func skipSpaces() {
        while let c = peek, JSONPathParser.isSpace(c) { index += 1 }
    }

    mutating func parse() throws(JSONPathError) -> [JSONPathSegment] {
        skipSpaces()
        let braced = peek == "{"
        if braced { index += 1 }
        skipSpaces()
        let contentStart = index
        let segments = try parsePath(inFilter: false)
        if index == contentStart {
            // Nothing between the braces (or nothing at all): there is no path to follow.
            throw fail(
                peek == nil || peek == "}"
                    ? "empty JSONPath expression; expected a path such as .status.phase"
                    : JSONPathParser.unrecognized(peek!))
        }
        skipSpaces()
        if braced {
            guard peek == "}" else { throw fail("unclosed action") }
            index += 1
            skipSpaces()
        }
        if let extra = peek {
            throw fail(
                extra == "{"
                    ? "only one JSONPath expression is supported, as in a printer column's jsonPath"
                    : JSONPathParser.unrecognized(extra))
        }
        return segments
    }

    /// A path: an optional `$` or `@`, then steps. At the top level unexpected characters are errors;
    /// inside a filter they end the operand and the filter parser judges them.
    private mutating func parsePath(inFilter: Bool) throws(JSONPathError) -> [JSONPathSegment] {
        var segments: [JSONPathSegment] = []
        if peek == "$" || peek == "@" { index += 1 }
        while true {
            if !inFilter { skipSpaces() }
            guard let c = peek else { return segments }
            switch c {
            case ".":
                if peek(at: 1) == "." {
                    if case .recursive? = segments.last { throw fail("invalid multiple recursive descent") }
                    index += 2
                    if peek == "." { throw fail("invalid multiple recursive descent") }
                    segments.append(.recursive)
                    if let next = peek, !isTerminator(next, inFilter: inFilter) {
                        segments.append(parseName(inFilter: inFilter))
                    }
                } else {
                    index += 1
                    segments.append(parseName(inFilter: inFilter))
                }
            case "[":
                if peek(at: 1) == "?" && peek(at: 2) == "(" {
                    if inFilter { throw fail("nested filters are not supported") }
                    segments.append(.filter(try parseFilter()))
                } else {
                    segments.append(try parseBracket())
                }
            case "}" where !inFilter:
                return segments
            default:
                if inFilter { return segments }
                if JSONPathParser.isIdentifierStart(c) {
                    let start = index
                    let word = readWord(inFilter: false)
                    throw fail("unrecognized identifier \(word)", at: start)
                }
                throw fail(JSONPathParser.unrecognized(c))
            }
        }
    }

    /// A field name after `.`, up to the next unescaped terminator; `\.` keeps a dot in the name
    /// (`.metadata.annotations.example\.com/owner`).
    private mutating func parseName(inFilter: Bool) -> JSONPathSegment {
        var name = ""
        while let c = peek, !isTerminator(c, inFilter: inFilter) {
            index += 1
            if c == "\\" {
                if let escaped = peek {
                    name.unicodeScalars.append(escaped)
                    index += 1
                }
            } else {
                name.unicodeScalars.append(c)
            }
        }
        return name == "*" ? .wildcard : .field(name)
    }

    private mutating func readWord(inFilter: Bool) -> String {
        var word = ""
        while let c = peek, !isTerminator(c, inFilter: inFilter) {
            word.unicodeScalars.append(c)
            index += 1
        }
        return word
    }

    private func isTerminator(_ c: Unicode.Scalar, inFilter: Bool) -> Bool {
        switch c {
        case " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}":
            return true
        case "!", "<", ">", "=", "(", ")", "\"", "'":
            return inFilter
        default:
            return false
        }
    }

    // MARK: brackets

    /// `[...]` other than a filter: an index, a slice, `*`, a quoted key, or a union of those.
    private mutating func parseBracket() throws(JSONPathError) -> JSONPathSegment {
        let open = index
        index += 1
        var parts: [(text: String, offset: Int)] = []
        var current = ""
        var partStart = index
        var quote: Unicode.Scalar?
        while true {
            guard let c = peek else { throw fail("unterminated array", at: open) }
            index += 1
            if let q = quote {
                if c == "\\", let next = peek {
                    current.unicodeScalars.append(c)
                    current.unicodeScalars.append(next)
                    index += 1
                    continue
                }
                if c == q { quote = nil }
                current.unicodeScalars.append(c)
                continue
            }
            if c == "]" { break }
            if c == "'" || c == "\"" { quote = c }
            if c == "," {
                parts.append((current, partStart))
                current = ""
                partStart = index
                continue
            }
            current.unicodeScalars.append(c)
        }
        parts.append((current, partStart))
        if parts.count == 1 { return try parseSelector(parts[0].text, at: parts[0].offset) }
        var alternatives: [JSONPathSegment] = []
        for part in parts { alternatives.append(try parseSelector(part.text, at: part.offset)) }
        return .union(alternatives)
    }

    private func parseSelector(_ raw: String, at offset: Int) throws(JSONPathError) -> JSONPathSegment {
        let text = raw.trimmingSpaces
        if text == "*" { return .allElements }
        if let first = text.unicodeScalars.first, first == "'" || first == "\"" {
            var quoted = JSONPathParser(text)
            let key: String
            do {
                key = try quoted.parseQuoted(reportingAt: offset)
            } catch {
                throw fail(error.message, at: offset)
            }
            guard quoted.peek == nil else { throw fail("invalid array index \(text)", at: offset) }
            return .field(key)
        }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard !text.isEmpty, pieces.count <= 3, pieces.allSatisfy(JSONPathParser.isSignedDigits) else {
            throw fail("invalid array index \(text)", at: offset)
        }
        var numbers: [Int?] = []
        for piece in pieces {
            if piece.isEmpty || piece == "-" {
                if piece == "-" { throw fail("invalid array index \(text)", at: offset) }
                numbers.append(nil)
            } else {
                guard let number = Int(piece) else { throw fail("array index \(piece) is not a number", at: offset) }
                numbers.append(number)
            }
        }
        if pieces.count == 1 {
            return .index(numbers[0]!)
        }
        let step = pieces.count == 3 ? numbers[2] : nil
        if step == 0 { throw fail("slice step cannot be zero in [\(text)]", at: offset) }
        return .slice(start: numbers[0], end: numbers[1], step: step)
    }

    private static func isSignedDigits(_ piece: Substring) -> Bool {
        let body = piece.hasPrefix("-") ? piece.dropFirst() : piece
        return body.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    // MARK: filters

    private mutating func parseFilter() throws(JSONPathError) -> JSONPathFilter {
        let open = index
        index += 3
        skipSpaces()
        let left = try parseOperand(open: open)
        skipSpaces()
        var op = JSONPathFilter.Operator.exists
        var right: JSONPathFilter.Operand?
        if let c = peek, "!<>=".unicodeScalars.contains(c) {
            let opStart = index
            var text = ""
            while let c = peek, "!<>=".unicodeScalars.contains(c) {
                text.unicodeScalars.append(c)
                index += 1
            }
            guard let parsed = JSONPathFilter.Operator(rawValue: text), parsed != .exists else {
                throw fail("unrecognized filter operator \(text)", at: opStart)
            }
            op = parsed
            skipSpaces()
            right = try parseOperand(open: open)
            skipSpaces()
        } else if case .literal = left {
            throw fail("a filter without an operator must test a path, as in [?(@.name)]", at: open)
        }
        guard let close = peek else { throw fail("unterminated filter", at: open) }
        guard close == ")" else {
            throw fail("unrecognized character in filter: \(JSONPathParser.goRune(close))")
        }
        index += 1
        guard peek == "]" else { throw fail("unclosed array expect ]") }
        index += 1
        return JSONPathFilter(left: left, operator: op, right: right)
    }

    private mutating func parseOperand(open: Int) throws(JSONPathError) -> JSONPathFilter.Operand {
        guard let c = peek else { throw fail("unterminated filter", at: open) }
        switch c {
        case "@", "$", ".", "[":
            return .path(try parsePath(inFilter: true))
        case "\"", "'":
            return .literal(.string(try parseQuoted(reportingAt: nil)))
        case "+", "-", "0"..."9":
            return .literal(try parseNumber())
        default:
            guard JSONPathParser.isIdentifierStart(c) else {
                throw fail("unrecognized character in filter: \(JSONPathParser.goRune(c))")
            }
            let start = index
            let word = readWord(inFilter: true)
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default: throw fail("unrecognized identifier \(word)", at: start)
            }
        }
    }

    // MARK: characters

    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType == .decimal
    }

    private static func unrecognized(_ c: Unicode.Scalar) -> String {
        "unrecognized character in action: \(goRune(c))"
    }

    /// Go's `%#U`: `U+0023 '#'`, without the quoted character when it is not printable.
    static func goRune(_ c: Unicode.Scalar) -> String {
        let digits = String(c.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        let category = c.properties.generalCategory
        let printable =
            c.value >= 0x20 && c.value != 0x7F
            && ![.control, .format, .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator]
                .contains(category)
        return printable ? "\(code) '\(Character(c))'" : code
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
