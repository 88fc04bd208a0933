#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one JSON number (RFC 8259 syntax) from bytes in a single pass, without building a String:
/// an integer of at most 18 digits exactly, a decimal whose digits fit in 2^53 with a power of ten of
/// at most 22 either way by Clinger's fast path (one correctly rounded operation on two exact
/// doubles), anything else by the C library's correctly rounded `strtod`. The result always equals
/// `Int64(text)` or `Double(text)`. Shared by the JSON parser and the model server's fast path.
public enum JSONNumber {
    /// Why the bytes at the index are not a JSON number.
    public struct SyntaxError: Error, Sendable {
        public var reason: String

        @inlinable
        public init(reason: String) { self.reason = reason }
    }

    /// Exact powers of ten a double holds.
    /// A literal, so the optimizer lays the table out statically (no lazy initialization per use).
    @usableFromInline
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The number at `index`, which moves past it: `.int` for an integer that fits in Int64,
    /// `.double` otherwise.
    @inlinable
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(SyntaxError) -> JSONValue {
        let n = bytes.count
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < n, isDigit(bytes[index]) else { throw SyntaxError(reason: "invalid number") }
        var mantissa: UInt64 = 0
        var significant = 0
        var exact = true
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < n, isDigit(bytes[index]) {
                add(bytes[index], &mantissa, &significant, &exact)
                index += 1
            }
        }
        var isInteger = true
        var fractionDigits = 0
        if index < n, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < n, isDigit(bytes[index]) else { throw SyntaxError(reason: "invalid number: digit expected after '.'") }
            while index < n, isDigit(bytes[index]) {
                add(bytes[index], &mantissa, &significant, &exact)
                fractionDigits += 1
                index += 1
            }
        }
        var exponent = 0
        if index < n, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            var negativeExponent = false
            if index < n, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < n, isDigit(bytes[index]) else { throw SyntaxError(reason: "invalid number: digit expected in exponent") }
            while index < n, isDigit(bytes[index]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        if exact {
            if isInteger, significant <= 18 {
                let value = Int64(mantissa)
                return .int(negative ? -value : value)
            }
            let power = exponent - fractionDigits
            if !isInteger, mantissa <= 1 << 53, power >= -22, power <= 22 {
                var value = Double(mantissa)
                value = power < 0 ? value / powersOfTen[-power] : value * powersOfTen[power]
                return .double(negative ? -value : value)
            }
        }
        if !isInteger, index < n, let base = bytes.baseAddress {
            // The number ends before a byte that cannot continue it, so strtod (C locale) stops
            // where the syntax check did.
            let value = (base + start).withMemoryRebound(to: CChar.self, capacity: index - start + 1) { strtod($0, nil) }
            return .double(value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw SyntaxError(reason: "invalid number") }
        return .double(d)
    }

    @inlinable
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Adds a digit to the mantissa while it holds 19 significant digits; past that the value is
    /// left to the slow path. Leading zeros are not significant.
    @inlinable
    static func add(_ digit: UInt8, _ mantissa: inout UInt64, _ significant: inout Int, _ exact: inout Bool) {
        let d = UInt64(digit &- UInt8(ascii: "0"))
        if mantissa == 0 && d == 0 { return }
        if significant >= 19 {
            exact = false
            return
        }
        mantissa = mantissa &* 10 &+ d
        significant += 1
    }
}
