import KubeAPI

/// Renders values the way Go's `fmt` does in API server messages (`%q` for strings, `%v` for
/// numbers, `encoding/json` for compound values), so our messages match the real server's byte for byte.
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

    /// Go's `strconv.Quote`: double quotes, backslash escapes for quotes, backslashes and control characters.
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
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else if (0x80..<0xA0).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
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
