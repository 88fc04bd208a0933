import KubeAPI
import Testing

struct JSONValueTests {
    @Test(arguments: [
        (#"{"a":1,"b":[true,null,"x"]}"#, JSONValue.object(["a": .int(1), "b": .array([.bool(true), .null, .string("x")])])),
        ("1.5", .double(1.5)),
        ("1e3", .double(1000)),
        ("-0", .int(0)),
        ("9223372036854775807", .int(Int64.max)),
        ("9223372036854775808", .double(9223372036854775808)),
        (#""\u00e9\n\ud83d\ude00""#, .string("é\n😀")),
    ])
    func parsesValidDocuments(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\u{01}\"", "[1] 2", "{\"a\":1,}", "\"\\x\"", "-"])
    func rejectsMalformedDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func serializationRoundTripsWithSortedKeys() throws {
        let value: JSONValue = ["b": [1, 2.5, "q\"uote"], "a": ["nested": nil, "t": true]]
        let text = value.serialized()
        #expect(text == #"{"a":{"nested":null,"t":true},"b":[1,2.5,"q\"uote"]}"#)
        #expect(try JSONValue.parse(text) == value)
        #expect(try JSONValue.parse(value.prettySerialized()) == value)
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.int(2).semanticallyEquals(.double(2.0)))
        #expect(!JSONValue.int(2).semanticallyEquals(.string("2")))
    }

    @Test func fuzzedInputNeverCrashes() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array(#"{}[]",:-+.eE0123456789truefalsn \"#.utf8)
        var accepted = 0
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 58)
            var bytes: [UInt8] = []
            for i in 0..<length {
                let r = (state >> UInt64(i % 50)) ^ UInt64(i &* 31)
                bytes.append(alphabet[Int(r % UInt64(alphabet.count))])
            }
            if let v = try? JSONValue.parse(bytes: bytes) {
                accepted += 1
                #expect(try JSONValue.parse(v.serialized()).semanticallyEquals(v))
            }
        }
        #expect(accepted > 0)
    }
}

@Suite("JSON numbers")
struct JSONNumberTests {
    /// The fast path (no String, Clinger's exact multiplication) and the slow one must agree bit for bit.
    @Test("numbers parse to exactly what Double(text) and Int64(text) give, in every form")
    func numbersMatchTheStandardLibrary() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = [
            "0", "-0", "0.0", "-0.0", "1", "-1", "1.5", "0.1", "0.000123", "123456789012345678", "1234567890123456789",
            "9007199254740993", "9007199254740993.0", "1e22", "1e23", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
            "0.30000000000000004", "123.456e-7", "1E+2", "12.5e-30", "4.35", "0.1e1", "100e-2", "3.14159265358979323846",
        ]
        for _ in 0..<5000 {
            let digits = Int.random(in: 1...20, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            text += String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<digits { text += String(Int.random(in: 0...9, using: &generator)) }
            if Bool.random(using: &generator) {
                let point =
                    Int.random(in: 1...text.count - (text.hasPrefix("-") ? 1 : 0), using: &generator) + (text.hasPrefix("-") ? 1 : 0)
                if point < text.count { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
            }
            if Int.random(in: 0..<4, using: &generator) == 0 { text += "e\(Int.random(in: -30...30, using: &generator))" }
            texts.append(text)
        }
        // Alone (the number ends the document) and inside an array (a delimiter follows it): two paths.
        for text in texts + texts.map { "[\($0)]" } {
            let inArray = text.hasPrefix("[")
            let parsed = inArray ? try #require(try JSONValue.parse(text)[0]) : try JSONValue.parse(text)
            let text = inArray ? String(text.dropFirst().dropLast()) : text
            let isInteger = !text.contains(".") && !text.lowercased().contains("e")
            if isInteger, let i = Int64(text) {
                #expect(parsed == .int(i), "\(text)")
            } else {
                let expected = try #require(Double(text))
                guard case .double(let d) = parsed else {
                    Issue.record("\(text) parsed as \(parsed)")
                    continue
                }
                #expect(d.bitPattern == expected.bitPattern, "\(text): \(d) != \(expected)")
            }
        }
    }
}
