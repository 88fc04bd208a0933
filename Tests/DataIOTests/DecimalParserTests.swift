import Testing

@testable import DataIO

struct DecimalParserTests {
    static func parse(_ s: String) -> Double? {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, count: $0.count) }
    }

    // Each string must give exactly what Double(String) gives (bit for bit, including -0.0).
    @Test(arguments: [
        "0", "1", "-1", "+1", "42", "-0", "0.0", "-0.0", "007", "1234567890",
        "3.14159", "-2.5", "0.1", "0.2", "0.3", ".5", "-.5", "+.5", "5.", "-5.", "0.000123",
        "1e3", "1E3", "1e+3", "1e-3", "-1.5e-7", "2.5E+10", ".5e1", "5.e-1",
        "9007199254740993", "18446744073709551615", "123456789012345678901234567890",
        "0.12345678901234568", "-1.3598071336738", "149.62", "0.1000000000000000055511151231257827",
        "1.7976931348623157e308", "2.2250738585072014e-308", "4.9e-324", "1e-400", "1e400",
        "1e22", "1e23", "9999999999999999999", "1e-19", "1.2345678901234567e-19", "8.98846567431158e307",
        "2.71828182845904523536028747135266249775724709369995", "1234.5678e-2", "00000000000000000000001.5",
        "inf", "-inf", "Infinity", "-INFINITY",
    ])
    func matchesStandardLibrary(_ s: String) throws {
        let expected = try #require(Double(s))
        let actual = try #require(Self.parse(s))
        #expect(actual.bitPattern == expected.bitPattern, "\(s): \(actual) vs \(expected)")
    }

    @Test(arguments: [
        "", "-", "+", ".", "-.", "e5", "1e", "1e+", "1e-", "1.2.3", "1,5", "1 2", "--1", "+-1", "0x10", "abc",
        "1a", "1_000", "nan", "NaN", "in", "infinit", "1e5x", "٣",
    ])
    func rejectsNonNumbers(_ s: String) {
        #expect(Self.parse(s) == nil, "\(s) must not parse")
    }

    @Test func trimsSpacesAndTabs() {
        #expect(Self.parse("  1.5\t") == 1.5)
        #expect(Self.parse(" -2 ") == -2)
        #expect(Self.parse("   ") == nil)
    }

    // Random plain decimals of every shape the fast paths handle and some they hand to the fallback.
    @Test func fuzzAgainstStandardLibrary() throws {
        var generator = SeededGenerator(seed: 20_240_601)
        var worst: UInt64 = 0
        for _ in 0..<10_000 {
            var s = ""
            switch generator.uniform(below: 3) {
            case 0: s += "-"
            case 1: s += "+"
            default: break
            }
            let intDigits = generator.uniform(below: 12)
            let fracDigits = generator.uniform(below: 20)
            for _ in 0..<intDigits { s += String(generator.uniform(below: 10)) }
            if fracDigits > 0 || intDigits == 0 {
                s += "."
                for _ in 0..<max(fracDigits, 1) { s += String(generator.uniform(below: 10)) }
            }
            if generator.uniform(below: 3) == 0 {
                s += generator.uniform(below: 2) == 0 ? "e" : "E"
                if generator.uniform(below: 2) == 0 { s += "-" }
                s += String(generator.uniform(below: 40))
            }
            let expected = try #require(Double(s), "\(s)")
            let actual = try #require(Self.parse(s), "\(s)")
            let distance = ulpDistance(actual, expected)
            worst = max(worst, distance)
            #expect(distance <= 1, "\(s): \(actual) vs \(expected)")
        }
        #expect(worst == 0, "the fast paths are meant to round correctly")
    }

    // Shortest round-trip strings of random doubles must come back bit for bit.
    @Test func roundTripsRandomDoubles() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<10_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let s = String(value)
            let parsed = try #require(Self.parse(s), "\(s)")
            #expect(parsed.bitPattern == value.bitPattern, "\(s)")
        }
    }
}
