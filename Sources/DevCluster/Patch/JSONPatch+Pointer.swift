import KubeAPI

/// RFC 6901 pointers, with the array index rules of the library the API server uses.
extension JSONPatch {
    /// An existing element's index; negative indices count from the end.
    static func arrayIndex(_ key: String, count: Int, wrap: (String) -> String) throws(PatchError) -> Int {
        let index: Int
        switch atoi(key) {
        case .index(let i): index = i
        case .invalid(let message): throw .unprocessable(wrap(message))
        }
        guard index < count, index >= -count else {
            throw .unprocessable(wrap("Unable to access invalid index: \(index): invalid index referenced"))
        }
        return index < 0 ? index + count : index
    }

    enum ParsedIndex: Equatable {
        case index(Int)
        case invalid(String)
    }

    /// Go's `strconv.Atoi`, including its error text, since users see that text.
    static func atoi(_ s: String) -> ParsedIndex {
        var digits = Substring(s)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .invalid("strconv.Atoi: parsing \(goQuote(s)): invalid syntax")
        }
        guard let magnitude = Int(digits) else {
            return .invalid("strconv.Atoi: parsing \(goQuote(s)): value out of range")
        }
        return .index(negative ? -magnitude : magnitude)
    }

    static func goQuote(_ s: String) -> String { JSONValue.string(s).serialized() }

    static func lastToken(of path: String) -> String {
        decodeToken(String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""))
    }

    /// RFC 6901: `~1` becomes `/` first, then `~0` becomes `~`, scanning left to right.
    static func decodeToken(_ token: String) -> String {
        guard token.contains("~") else { return token }
        var out = ""
        var iterator = token.makeIterator()
        while let c = iterator.next() {
            guard c == "~" else {
                out.append(c)
                continue
            }
            switch iterator.next() {
            case "0"?: out.append("~")
            case "1"?: out.append("/")
            case let other?: out.append("~"); out.append(other)
            case nil: out.append("~")
            }
        }
        return out
    }

    /// Walks to the container holding the last token of `path` and runs `body` on it.
    /// Returns false when the path does not lead to a container (the "doc is missing path" case).
    static func withParent(
        of path: String, in document: inout JSONValue,
        _ body: (inout JSONValue, String) throws(PatchError) -> Void
    ) throws(PatchError) -> Bool {
        let split = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard split.count >= 2, split[0].isEmpty else { return false }
        let parents = split[1..<(split.count - 1)].map(decodeToken)
        return try descend(&document, parents[...], key: decodeToken(split[split.count - 1]), body)
    }

    static func descend(
        _ node: inout JSONValue, _ parents: ArraySlice<String>, key: String,
        _ body: (inout JSONValue, String) throws(PatchError) -> Void
    ) throws(PatchError) -> Bool {
        guard let part = parents.first else {
            switch node {
            case .object, .array:
                try body(&node, key)
                return true
            default:
                return false
            }
        }
        switch node {
        case .object(var members):
            guard var child = members[part], isContainer(child) else { return false }
            node = .null
            members[part] = .null
            defer {
                members[part] = child
                node = .object(members)
            }
            return try descend(&child, parents.dropFirst(), key: key, body)
        case .array(var elements):
            guard case .index(var index) = atoi(part), index < elements.count, index >= -elements.count else {
                return false
            }
            if index < 0 { index += elements.count }
            var child = elements[index]
            guard isContainer(child) else { return false }
            node = .null
            elements[index] = .null
            defer {
                elements[index] = child
                node = .array(elements)
            }
            return try descend(&child, parents.dropFirst(), key: key, body)
        default:
            return false
        }
    }

    static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: return true
        default: return false
        }
    }
}
