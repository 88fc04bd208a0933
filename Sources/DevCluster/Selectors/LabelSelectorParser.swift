/// The lexer and recursive-descent parser behind `LabelSelector.parse`, token for token the one in
/// k8s.io/apimachinery/pkg/labels/selector.go, so that odd inputs (`x in (,a)`, `a=`, `in in (in)`)
/// are accepted or refused exactly as a real API server does and with its messages.
struct LabelSelectorParser {
    enum Token: Equatable {
        case endOfString, closedPar, comma, doesNotExist, doubleEquals, equals, greaterThan
        case identifier, `in`, lessThan, notEquals, notIn, openPar
    }

    /// `in` and `notin` are operators after a key but plain values inside `( )` or after `=`.
    enum Context { case keyAndOperator, values }

    struct Item {
        var token: Token
        var literal: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var items: [Item] = []
    private var cursor = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    // MARK: lexer

    /// Like the Go lexer, a NUL byte reads as the end of the input.
    private mutating func read() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func unread() { position -= 1 }

    private static func isWhitespace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
    }

    private static func isSpecialSymbol(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","),
            UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default:
            return false
        }
    }

    private static func keyword(_ text: String) -> Token? {
        switch text {
        case ")": return .closedPar
        case ",": return .comma
        case "!": return .doesNotExist
        case "==": return .doubleEquals
        case "=": return .equals
        case ">": return .greaterThan
        case "in": return .in
        case "<": return .lessThan
        case "!=": return .notEquals
        case "notin": return .notIn
        case "(": return .openPar
        default: return nil
        }
    }

    private mutating func lex() -> Item {
        var ch = read()
        while LabelSelectorParser.isWhitespace(ch) { ch = read() }
        if ch == 0 { return Item(token: .endOfString, literal: "") }
        unread()
        return LabelSelectorParser.isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdentifierOrKeyword()
    }

    private mutating func scanIdentifierOrKeyword() -> Item {
        var buffer: [UInt8] = []
        while true {
            let ch = read()
            if ch == 0 { break }
            if LabelSelectorParser.isSpecialSymbol(ch) || LabelSelectorParser.isWhitespace(ch) {
                unread()
                break
            }
            buffer.append(ch)
        }
        let text = String(decoding: buffer, as: UTF8.self)
        return Item(token: LabelSelectorParser.keyword(text) ?? .identifier, literal: text)
    }

    /// Takes the longest run of symbol characters that is still an operator (`!=` over `!`).
    private mutating func scanSpecialSymbol() -> Item {
        var buffer: [UInt8] = []
        var last: Item?
        while true {
            let ch = read()
            if ch == 0 { break }
            guard LabelSelectorParser.isSpecialSymbol(ch) else {
                unread()
                break
            }
            buffer.append(ch)
            let text = String(decoding: buffer, as: UTF8.self)
            if let token = LabelSelectorParser.keyword(text) {
                last = Item(token: token, literal: text)
            } else if last != nil {
                unread()
                break
            }
        }
        // Every single symbol character is an operator, so `last` is always set here.
        return last ?? Item(token: .endOfString, literal: "")
    }

    // MARK: parser

    private func lookahead(_ context: Context) -> Item {
        adjusted(items[min(cursor, items.count - 1)], context)
    }

    private mutating func consume(_ context: Context) -> Item {
        let item = lookahead(context)
        cursor += 1
        return item
    }

    private func adjusted(_ item: Item, _ context: Context) -> Item {
        if context == .values && (item.token == .in || item.token == .notIn) {
            return Item(token: .identifier, literal: item.literal)
        }
        return item
    }

    mutating func parse() throws(SelectorError) -> [LabelSelector.Requirement] {
        while true {
            let item = lex()
            items.append(item)
            if item.token == .endOfString { break }
        }
        var requirements: [LabelSelector.Requirement] = []
        while true {
            let next = lookahead(.values)
            switch next.token {
            case .identifier, .doesNotExist:
                let requirement: LabelSelector.Requirement
                do {
                    requirement = try parseRequirement()
                } catch {
                    throw error.prefixed("unable to parse requirement: ")
                }
                requirements.append(requirement)
                let after = consume(.values)
                switch after.token {
                case .endOfString:
                    return requirements
                case .comma:
                    let following = lookahead(.values)
                    if following.token != .identifier && following.token != .doesNotExist {
                        throw .labelSyntax("found '\(following.literal)', expected: identifier after ','")
                    }
                default:
                    throw .labelSyntax("found '\(after.literal)', expected: ',' or 'end of string'")
                }
            case .endOfString:
                return requirements
            default:
                throw .labelSyntax("found '\(next.literal)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(SelectorError) -> LabelSelector.Requirement {
        var op: LabelSelector.Operator?
        var keyItem = consume(.values)
        if keyItem.token == .doesNotExist {
            op = .doesNotExist
            keyItem = consume(.values)
        }
        guard keyItem.token == .identifier else {
            throw .labelSyntax("found '\(keyItem.literal)', expected: identifier")
        }
        let key = keyItem.literal
        let keyProblems = ObjectMetaRules.qualifiedName(key)
        if !keyProblems.isEmpty {
            // The Go parser validates the key against a nil field path, which prints as "<nil>".
            throw .labelRequirement("<nil>: Invalid value: \(GoFormat.quote(key)): " + keyProblems.joined(separator: "; "))
        }
        let next = lookahead(.values).token
        if next == .endOfString || next == .comma {
            if op == nil { op = .exists }
        }
        // `!key` followed by anything but `,` or the end is still a does-not-exist requirement;
        // the caller then refuses what follows, as apimachinery does.
        if let op { return try LabelSelector.Requirement(key: key, operator: op, values: []) }

        let operatorItem = consume(.keyAndOperator)
        let binary: LabelSelector.Operator
        switch operatorItem.token {
        case .in: binary = .in
        case .equals: binary = .equals
        case .doubleEquals: binary = .doubleEquals
        case .greaterThan: binary = .greaterThan
        case .lessThan: binary = .lessThan
        case .notIn: binary = .notIn
        case .notEquals: binary = .notEquals
        default:
            throw .labelSyntax("found '\(operatorItem.literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
        let values: Set<String>
        switch binary {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        return try LabelSelector.Requirement(
            key: key, operator: binary, values: values.sorted(by: LabelSelector.byteOrder))
    }

    private mutating func parseValues() throws(SelectorError) -> Set<String> {
        let open = consume(.values)
        guard open.token == .openPar else {
            throw .labelSyntax("found '\(open.literal)' expected: '('")
        }
        let first = lookahead(.values)
        switch first.token {
        case .identifier, .comma:
            let values = try parseIdentifiersList()
            if consume(.values).token != .closedPar {
                throw .labelSyntax("found '\(first.literal)', expected: ')'")
            }
            return values
        case .closedPar:
            _ = consume(.values)
            return [""]
        default:
            throw .labelSyntax("found '\(first.literal)', expected: ',', ')' or identifier")
        }
    }

    /// A comma-separated list in which empty entries (`(,a)`, `(a,)`, `(a,,b)`) stand for the empty value.
    private mutating func parseIdentifiersList() throws(SelectorError) -> Set<String> {
        var values = Set<String>()
        while true {
            let item = consume(.values)
            switch item.token {
            case .identifier:
                values.insert(item.literal)
                let next = lookahead(.values)
                switch next.token {
                case .comma: continue
                case .closedPar: return values
                default: throw .labelSyntax("found '\(next.literal)', expected: ',' or ')'")
                }
            case .comma:
                if values.isEmpty { values.insert("") }
                let next = lookahead(.values).token
                if next == .closedPar {
                    values.insert("")
                    return values
                }
                if next == .comma {
                    _ = consume(.values)
                    values.insert("")
                }
            default:
                throw .labelSyntax("found '\(item.literal)', expected: ',', or identifier")
            }
        }
    }

    private mutating func parseExactValue() throws(SelectorError) -> Set<String> {
        let next = lookahead(.values).token
        if next == .endOfString || next == .comma { return [""] }
        let item = consume(.values)
        guard item.token == .identifier else {
            throw .labelSyntax("found '\(item.literal)', expected: identifier")
        }
        return [item.literal]
    }
}
