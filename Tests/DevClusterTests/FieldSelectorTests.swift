import Testing

@testable import DevCluster

private func fieldParseError(_ text: String) -> SelectorError? {
    do {
        _ = try FieldSelector.parse(text)
        return nil
    } catch {
        return error
    }
}

struct FieldSelectorTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        var selector: String
        var fields: [String: String]
        var matches: Bool
        var testDescription: String { "\(selector) ~ \(fields) -> \(matches)" }
    }

    @Test(arguments: [
        MatchCase(selector: "", fields: [:], matches: true),
        MatchCase(selector: "metadata.name=web", fields: ["metadata.name": "web"], matches: true),
        MatchCase(selector: "metadata.name=web", fields: ["metadata.name": "api"], matches: false),
        MatchCase(selector: "metadata.name==web", fields: ["metadata.name": "web"], matches: true),
        MatchCase(selector: "status.phase!=Running", fields: ["status.phase": "Pending"], matches: true),
        MatchCase(selector: "status.phase!=Running", fields: ["status.phase": "Running"], matches: false),
        // A field the object lacks reads as "", as fields.Set.Get does.
        MatchCase(selector: "spec.nodeName=", fields: [:], matches: true),
        MatchCase(selector: "spec.nodeName!=", fields: [:], matches: false),
        MatchCase(
            selector: "metadata.namespace=ml,metadata.name!=old",
            fields: ["metadata.namespace": "ml", "metadata.name": "new"], matches: true),
        MatchCase(
            selector: "metadata.namespace=ml,metadata.name!=old",
            fields: ["metadata.namespace": "ml", "metadata.name": "old"], matches: false),
        MatchCase(selector: "a=b,", fields: ["a": "b"], matches: true),
        MatchCase(selector: #"metadata.name=a\,b"#, fields: ["metadata.name": "a,b"], matches: true),
        MatchCase(selector: #"a=x\=y"#, fields: ["a": "x=y"], matches: true),
        MatchCase(selector: #"a=x\\y"#, fields: ["a": #"x\y"#], matches: true),
        // Only the first operator splits the term, so the rest belongs to the value.
        MatchCase(selector: "a=!b", fields: ["a": "!b"], matches: true),
        // Whitespace is not trimmed: the field is " b".
        MatchCase(selector: "a=1, b=2", fields: ["a": "1", " b": "2"], matches: true),
        MatchCase(selector: "a=1, b=2", fields: ["a": "1", "b": "2"], matches: false),
    ])
    func matching(_ test: MatchCase) throws {
        let parsed = try FieldSelector.parse(test.selector)
        #expect(parsed.matches(test.fields) == test.matches)
    }

    @Test(arguments: [
        ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("a=b,!x", "invalid selector: 'a=b,!x'; can't understand '!x'"),
        (#"a=b\"#, #"invalid field selector: invalid escape sequence: \"#),
        (#"a=\x"#, #"invalid field selector: invalid escape sequence: \x"#),
        // Go formats the offending rune with %v, which prints its code point.
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a!==b", "invalid field selector: unescaped character in value: 61"),
        ("a===b", "invalid field selector: unescaped character in value: 61"),
    ])
    func malformedInputIsRefusedWithTheServersWording(_ input: String, _ message: String) {
        let error = fieldParseError(input)
        #expect(error?.description == message)
        #expect(error?.kind == .fieldSelector)
    }

    @Test func termsAndRequiredFields() throws {
        let parsed = try FieldSelector.parse("status.phase!=Failed,metadata.name==web,status.phase!=Unknown")
        #expect(parsed.requiredFields == ["status.phase", "metadata.name"])
        #expect(parsed.terms.count == 3)
        #expect(parsed.terms[0] == FieldSelector.Term(field: "metadata.name", value: "web", isNegated: false))
        #expect(parsed.requiredValue(for: "metadata.name") == "web")
        #expect(parsed.requiredValue(for: "status.phase") == nil)
        #expect(!parsed.isEmpty)
        #expect(try FieldSelector.parse("").isEmpty)
        #expect(try FieldSelector.parse(",,").isEmpty)
        #expect(try FieldSelector.parse("").requiredFields.isEmpty)
    }

    @Test func canonicalTextEscapesValues() throws {
        let parsed = try FieldSelector.parse(#"b!=x\,y,a=p\=q\\r"#)
        #expect(parsed.description == #"a=p\=q\\r,b!=x\,y"#)
        #expect(try FieldSelector.parse(parsed.description) == parsed)
    }

    @Test func fuzzedInputNeverCrashesAndRoundTrips() throws {
        var rng = ParserFuzzing.Generator(seed: 0xF1E1_D5E1)
        let alphabet = Array(#"ab.x =!,\\"#.utf8)
        var accepted = 0
        for _ in 0..<4000 {
            let text = ParserFuzzing.text(&rng, alphabet: alphabet, maxLength: 20)
            let parsed: FieldSelector
            do {
                parsed = try FieldSelector.parse(text)
            } catch {
                #expect(!error.description.isEmpty)
                continue
            }
            accepted += 1
            let again = try FieldSelector.parse(parsed.description)
            #expect(
                again.terms.map(\.description).sorted() == parsed.terms.map(\.description).sorted(),
                "round trip of \(text.debugDescription)")
        }
        #expect(accepted > 200)
    }
}
