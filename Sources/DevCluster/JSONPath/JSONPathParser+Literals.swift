import KubeAPI

/// Literals inside JSONPath expressions: filter numbers and quoted strings or keys.
extension JSONPathParser {
    /// As client-go reads numbers: an optional sign, then digits and dots; an integer if it is one.
    mutating func parseNumber() throws(JSONPathError) -> JSONValue {
        let start = index
        var text = ""
        if let c = peek, c == "+" || c == "-" {
            text.unicodeScalars.append(c)
            index += 1
        }
        while let c = peek, c == "." || ("0"..."9").contains(c) {
            text.unicodeScalars.append(c)
            index += 1
        }
        if let integer = Int64(text) { return .int(integer) }
        if text.unicodeScalars.contains(where: { ("0"..."9").contains($0) }), let number = Double(text), number.isFinite {
            return .double(number)
        }
        throw fail("cannot parse number \(text)", at: start)
    }

    /// A single- or double-quoted string with Go-style escapes, starting at the current position.
    mutating func parseQuoted(reportingAt reportOffset: Int?) throws(JSONPathError) -> String {
        let start = index
        let quote = scalars[index]
        index += 1
        var out = ""
        while true {
            guard let c = peek else { throw fail("unterminated quoted string", at: reportOffset ?? start) }
            index += 1
            if c == quote { return out }
            guard c == "\\" else {
                out.unicodeScalars.append(c)
                continue
            }
            guard let escaped = peek else { throw fail("unterminated quoted string", at: reportOffset ?? start) }
            index += 1
            switch escaped {
            case "\\", "'", "\"", "/": out.unicodeScalars.append(escaped)
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "b": out += "\u{08}"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            case "a": out += "\u{07}"
            case "u":
                var code: UInt32 = 0
                for _ in 0..<4 {
                    guard let digit = peek, let value = JSONPathParser.hexValue(digit) else {
                        throw fail(
                            "unquote string \(String(String.UnicodeScalarView(scalars[start..<index]))) error invalid syntax",
                            at: reportOffset ?? start)
                    }
                    code = code * 16 + value
                    index += 1
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw fail(
                        "unquote string error invalid syntax: \\u\(String(code, radix: 16)) is not a character",
                        at: reportOffset ?? start)
                }
                out.unicodeScalars.append(scalar)
            default:
                throw fail(
                    "unquote string \(String(String.UnicodeScalarView(scalars[start..<index]))) error invalid syntax",
                    at: reportOffset ?? start)
            }
        }
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 0x30
        case "a"..."f": return c.value - 0x61 + 10
        case "A"..."F": return c.value - 0x41 + 10
        default: return nil
        }
    }
}
