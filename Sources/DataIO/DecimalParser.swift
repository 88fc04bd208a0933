/// Parses decimal numbers straight from bytes, without building a String.
///
/// Plain decimals (`[+-]digits[.digits][e[+-]digits]`) with at most 19 significant digits and a decimal
/// exponent within ±19 are converted exactly (correctly rounded, like `Double(String)`): small mantissas
/// by Clinger's fast path, the rest by exact 128-bit integer arithmetic. Anything longer falls back to
/// `Double(String)`. `inf` and `infinity` (any case, optional sign) are accepted too; `nan` is
/// left to the missing-value spellings so that configuring them decides what it means.
enum DecimalParser {
    /// The number in `count` bytes at `base`, ignoring surrounding spaces and tabs; nil if it is not a decimal number.
    @inline(__always)
    static func parse(_ base: UnsafePointer<UInt8>, count: Int) -> Double? {
        var i = 0
        var n = count
        while i < n, base[i] == 0x20 || base[i] == 0x09 { i += 1 }
        while n > i, base[n - 1] == 0x20 || base[n - 1] == 0x09 { n -= 1 }
        if i == n { return nil }
        let tokenStart = i
        var negative = false
        if base[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if base[i] == UInt8(ascii: "+") {
            i += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var tooLong = false
        var digits = 0
        var exponent = 0
        // Integer part, then at most one '.', then the fraction: one loop, since both add digits
        // to the mantissa the same way and only the fraction moves the exponent.
        var inFraction = false
        while i < n {
            if base[i] == UInt8(ascii: "."), !inFraction {
                inFraction = true
                i += 1
                continue
            }
            let d = base[i] &- 0x30
            if d > 9 { break }
            digits += 1
            if mantissa != 0 || d != 0 {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significantDigits += 1
                } else {
                    tooLong = true
                }
            }
            if inFraction { exponent -= 1 }
            i += 1
        }
        if digits == 0 {
            return special(base + i, count: n - i, negative: negative)
        }
        if i < n, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < n, base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") {
                exponentNegative = base[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var exponentDigits = 0
            while i < n {
                let d = base[i] &- 0x30
                if d > 9 { break }
                if e < 1_000_000 { e = e * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            if exponentDigits == 0 { return nil }
            exponent += exponentNegative ? -e : e
        }
        if i != n { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !tooLong {
            if mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
                // Both operands are exact doubles, so the single rounding of * or / is the correct rounding.
                let m = Double(mantissa)
                let value = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
                return negative ? -value : value
            }
            if exponent >= -19, exponent <= 19 {
                let value = exponent < 0 ? divide(mantissa, byPowerOfTen: -exponent) : multiply(mantissa, byPowerOfTen: exponent)
                return negative ? -value : value
            }
        }
        return fallback(base + tokenStart, count: n - tokenStart)
    }

    /// `Double(String)` for the rare numbers outside the fast paths (more than 19 digits, large exponents).
    static func fallback(_ base: UnsafePointer<UInt8>, count: Int) -> Double? {
        Double(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
    }

    private static func special(_ base: UnsafePointer<UInt8>, count: Int, negative: Bool) -> Double? {
        func matches(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == count else { return false }
            let w = word.utf8Start
            for k in 0..<count where base[k] | 0x20 != w[k] { return false }
            return true
        }
        if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
        return nil
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private static let integerPowersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]

    /// `m * 10^k` correctly rounded, for k <= 19: the product fits in 128 bits exactly.
    static func multiply(_ m: UInt64, byPowerOfTen k: Int) -> Double {
        let (high, low) = m.multipliedFullWidth(by: integerPowersOfTen[k])
        return round(high: high, low: low, sticky: false, binaryExponent: 0)
    }

    /// `m / 10^k` correctly rounded, for k <= 19: a 128-bit quotient of the normalised mantissa plus a sticky remainder bit.
    static func divide(_ m: UInt64, byPowerOfTen k: Int) -> Double {
        let divisor = integerPowersOfTen[k]
        let shift = m.leadingZeroBitCount
        let numerator = m << shift
        let (q1, r1) = numerator.quotientAndRemainder(dividingBy: divisor)
        let (q2, r2) = divisor.dividingFullWidth((high: r1, low: 0))
        return round(high: q1, low: q2, sticky: r2 != 0, binaryExponent: -64 - shift)
    }

    /// `(high * 2^64 + low + ε) * 2^binaryExponent` rounded to nearest, ties to even; `sticky` says ε > 0.
    /// The value must be non-zero and in the normal range of Double.
    private static func round(high: UInt64, low: UInt64, sticky: Bool, binaryExponent: Int) -> Double {
        var top: UInt64
        var sticky = sticky
        var e = binaryExponent
        if high != 0 {
            let lz = high.leadingZeroBitCount
            if lz == 0 {
                top = high
                sticky = sticky || low != 0
            } else {
                top = (high << lz) | (low >> (64 - lz))
                sticky = sticky || (low << lz) != 0
            }
            e += 64 - lz
        } else {
            let lz = low.leadingZeroBitCount
            top = low << lz
            e -= lz
        }
        var significand = top >> 11
        let rest = top & 0x7FF
        if rest > 0x400 || (rest == 0x400 && (sticky || significand & 1 == 1)) {
            significand += 1
        }
        if significand == 1 << 53 {
            significand >>= 1
            e += 1
        }
        return Double(sign: .plus, exponent: e + 11, significand: Double(significand))
    }
}
