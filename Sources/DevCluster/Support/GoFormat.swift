import KubeAPI

/// Renders values the way Go's `fmt` and `strconv` do in API server messages (`%q` for strings, `%v`
/// for numbers and decoded JSON, `encoding/json` for compound field values), so our messages match the
/// real server's byte for byte. The one place for Go formatting in this module.
enum GoFormat {
    /// A bad value as `field.Error.ErrorBody` prints it.
    static func value(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return quote(s)
        case .int(let i): return String(i)
        case .double(let d): return float(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: return value.serialized()
        }
    }

    /// Go's `strconv.Quote` (and `%q`): double quotes, backslash escapes for quotes and backslashes,
    /// and escapes for every rune Go does not count as printable (`unicode.IsPrint`: letters, marks,
    /// numbers, punctuation, symbols and the ASCII space).
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if !isPrintable(scalar) {
                    out += scalar.value > 0xFFFF ? "\\U" + hex(scalar.value, width: 8) : "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Go's `%#v` for a `[]string`, used where apimachinery reports a bad list of values.
    static func stringSlice(_ values: [String]) -> String {
        "[]string{" + values.map(quote).joined(separator: ", ") + "}"
    }

    /// Go's `%v` for a float64: the shortest digits that round-trip, in plain notation unless the
    /// decimal exponent is below -4 or at least 21 (`0.9`, `100`, `1e-05`, `1e+21`).
    static func float(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let sign = d.sign == .minus ? "-" : ""
        if d == 0 { return sign + "0" }
        let (digits, pointPosition) = shortestDigits(abs(d))
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 21 {
            var text = sign + String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            text += (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
            return text
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// A decoded JSON value (`interface{}`) as Go's `%v` prints it (`map[k:v]`, `[a b]`, `<nil>`),
    /// because strategic merge patch errors quote values that way and users compare them with real clusters.
    static func interfaceValue(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d == d.rounded(), abs(d) < 1e21, abs(d) < 9.0e18 { return String(Int64(d)) }
            return "\(d)"
        case .string(let s): return s
        case .array(let elements): return "[" + elements.map(interfaceValue).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.keys.sorted().map { "\($0):\(interfaceValue(members[$0]!))" }.joined(separator: " ") + "]"
        }
    }

    /// The Go type a decoded JSON value has, as `reflect.TypeOf` prints it.
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "%!s(<nil>)"
        case .bool: return "bool"
        case .int: return "int64"
        case .double: return "float64"
        case .string: return "string"
        case .array: return "[]interface {}"
        case .object: return "map[string]interface {}"
        }
    }

    /// Go's `unicode.IsPrint` for runes past ASCII control characters.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
            return false
        case .spaceSeparator:
            return scalar == " "
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The significant decimal digits of a positive finite double (no leading or trailing zeros)
    /// and where the decimal point goes: value = 0.DIGITS × 10^pointPosition.
    private static func shortestDigits(_ d: Double) -> (String, Int) {
        // Swift's description is already the shortest round-tripping form; only its layout differs from Go's.
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = Substring(mantissa)
        var fractionPart = Substring("")
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (digits.isEmpty ? "0" : digits, pointPosition)
    }
}
