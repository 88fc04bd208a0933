import KubeAPI
import Testing
import TrainyardTesting

@testable import DevCluster

private func labelParseError(_ text: String) -> SelectorError? {
    do {
        _ = try LabelSelector.parse(text)
        return nil
    } catch {
        return error
    }
}

private func selector(json text: String) throws -> LabelSelector {
    try LabelSelector(json: try JSONValue.parse(text))
}

private func jsonError(_ text: String) throws -> SelectorError? {
    let value = try JSONValue.parse(text)
    do {
        _ = try LabelSelector(json: value)
        return nil
    } catch {
        return error
    }
}

/// The messages apimachinery attaches to invalid names and values, spelled out once.
private enum Messages {
    static let namePart =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let value =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let prefix =
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
}

struct LabelSelectorTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        var selector: String
        var labels: [String: String]
        var matches: Bool
        var testDescription: String { "\(selector) ~ \(labels) -> \(matches)" }
    }

    @Test(arguments: [
        MatchCase(selector: "", labels: [:], matches: true),
        MatchCase(selector: "  ", labels: ["a": "b"], matches: true),
        MatchCase(selector: "a=b", labels: ["a": "b", "c": "d"], matches: true),
        MatchCase(selector: "a=b", labels: ["a": "c"], matches: false),
        MatchCase(selector: "a=b", labels: [:], matches: false),
        MatchCase(selector: "a==b", labels: ["a": "b"], matches: true),
        MatchCase(selector: " a = b ", labels: ["a": "b"], matches: true),
        MatchCase(selector: "a!=b", labels: [:], matches: true),
        MatchCase(selector: "a!=b", labels: ["a": "b"], matches: false),
        MatchCase(selector: "a!=b", labels: ["a": "c"], matches: true),
        MatchCase(selector: "a in (b,c)", labels: ["a": "c"], matches: true),
        MatchCase(selector: "a in (b, c)", labels: ["a": "d"], matches: false),
        MatchCase(selector: "a in (b,c)", labels: [:], matches: false),
        MatchCase(selector: "a notin (b)", labels: [:], matches: true),
        MatchCase(selector: "a notin (b)", labels: ["a": "b"], matches: false),
        MatchCase(selector: "a notin (b)", labels: ["a": "x"], matches: true),
        MatchCase(selector: "a", labels: ["a": ""], matches: true),
        MatchCase(selector: "a", labels: [:], matches: false),
        MatchCase(selector: "!a", labels: [:], matches: true),
        MatchCase(selector: "!a", labels: ["a": "x"], matches: false),
        MatchCase(selector: "a>5", labels: ["a": "6"], matches: true),
        MatchCase(selector: "a>5", labels: ["a": "5"], matches: false),
        MatchCase(selector: "a>5", labels: ["a": "six"], matches: false),
        MatchCase(selector: "a>5", labels: [:], matches: false),
        MatchCase(selector: "a<5", labels: ["a": "-1"], matches: true),
        MatchCase(selector: "a=b,c", labels: ["a": "b", "c": ""], matches: true),
        MatchCase(selector: "a=b,c", labels: ["a": "b"], matches: false),
        MatchCase(selector: "a=", labels: ["a": ""], matches: true),
        MatchCase(selector: "a=", labels: [:], matches: false),
        MatchCase(selector: "a in ()", labels: ["a": ""], matches: true),
        MatchCase(selector: "x in (foo,,baz),y,z notin ()", labels: ["x": "", "y": "1"], matches: true),
        MatchCase(selector: "x in (foo,,baz),y,z notin ()", labels: ["x": "foo", "y": "1", "z": ""], matches: false),
        MatchCase(selector: "in in (in)", labels: ["in": "in"], matches: true),
        MatchCase(selector: "app.kubernetes.io/name=web", labels: ["app.kubernetes.io/name": "web"], matches: true),
        MatchCase(selector: "trainyard.dev/job notin (a,b),tier", labels: ["tier": "x"], matches: true),
        // Like the Go lexer, a NUL byte where a token starts ends the input.
        MatchCase(selector: "a=b \u{0} c=d", labels: ["a": "b"], matches: true),
    ])
    func matching(_ test: MatchCase) throws {
        let parsed = try LabelSelector.parse(test.selector)
        #expect(parsed.matches(test.labels) == test.matches)
    }

    @Test(arguments: [
        ("", ""),
        ("b=1, a in (z,y,y)", "a in (y,z),b=1"),
        ("!c,a", "a,!c"),
        ("a==b,a!=c", "a==b,a!=c"),
        ("x notin ()", "x notin ()"),
        ("a>5", "a>5"),
    ])
    func canonicalText(_ input: String, _ expected: String) throws {
        let parsed = try LabelSelector.parse(input)
        #expect(parsed.description == expected)
        #expect(try LabelSelector.parse(parsed.description) == parsed)
    }

    @Test func emptinessAndStructure() throws {
        #expect(try LabelSelector.parse("").isEmpty)
        #expect(try LabelSelector.parse(" \t\n").isEmpty)
        let parsed = try LabelSelector.parse("tier in (web,api),!canary")
        #expect(!parsed.isEmpty)
        #expect(parsed.requirements.map(\.key) == ["canary", "tier"])
        #expect(parsed.requirements[0].operator == .doesNotExist)
        #expect(parsed.requirements[1].values == ["api", "web"])
    }

    @Test(arguments: [
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("x=a,", "found '', expected: identifier after ','"),
        ("a,,b", "found ',', expected: identifier after ','"),
        ("=a", "found '=', expected: !, identifier, or 'end of string'"),
        (")", "found ')', expected: !, identifier, or 'end of string'"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
        ("x in a", "unable to parse requirement: found 'a' expected: '('"),
        ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("x=(a)", "unable to parse requirement: found '(', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        // Inside a word a NUL byte only splits it, as in the Go lexer.
        ("a=b\u{0}c", "found 'c', expected: ',' or 'end of string'"),
        ("-a=b", "unable to parse requirement: <nil>: Invalid value: \"-a\": \(Messages.namePart)"),
        ("app:monolith", "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": \(Messages.namePart)"),
        (
            "app.kubernetes_io/name=vault",
            "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": \(Messages.prefix)"
        ),
        ("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"),
        (
            "a/",
            "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; \(Messages.namePart)"
        ),
        (
            "a/b/c=d",
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ),
        (
            String(repeating: "k", count: 64),
            "unable to parse requirement: <nil>: Invalid value: \"\(String(repeating: "k", count: 64))\": name part must be no more than 63 characters"
        ),
        ("a=-b", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": \(Messages.value)"),
        (
            "a=\(String(repeating: "v", count: 64))",
            "unable to parse requirement: values[0][a]: Invalid value: \"\(String(repeating: "v", count: 64))\": must be no more than 63 characters"
        ),
        (
            "a in (-y,-x)",
            "unable to parse requirement: [values[0][a]: Invalid value: \"-x\": \(Messages.value), values[1][a]: Invalid value: \"-y\": \(Messages.value)]"
        ),
        ("a>b", "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("a<", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("a=é", "unable to parse requirement: values[0][a]: Invalid value: \"é\": \(Messages.value)"),
        ("a=\"b\"", "unable to parse requirement: values[0][a]: Invalid value: \"\\\"b\\\"\": \(Messages.value)"),
    ])
    func malformedInputIsRefusedWithTheServersWording(_ input: String, _ message: String) {
        let error = labelParseError(input)
        #expect(error?.description == message)
        #expect(error?.kind == .labelSelector)
    }

    @Test func metav1SelectorFromJSON() throws {
        let byLabels = try selector(json: #"{"matchLabels":{"app":"web","tier":"front"}}"#)
        #expect(byLabels.matches(["app": "web", "tier": "front", "x": "y"]))
        #expect(!byLabels.matches(["app": "web"]))
        #expect(byLabels.description == "app=web,tier=front")

        let byExpressions = try selector(
            json: #"""
                {"matchLabels":{"app":"web"},
                 "matchExpressions":[{"key":"track","operator":"In","values":["stable","canary"]},
                                     {"key":"legacy","operator":"DoesNotExist"},
                                     {"key":"zone","operator":"NotIn","values":["b"]},
                                     {"key":"owner","operator":"Exists"}]}
                """#)
        #expect(byExpressions.matches(["app": "web", "track": "canary", "owner": "x"]))
        #expect(!byExpressions.matches(["app": "web", "track": "canary", "owner": "x", "legacy": "1"]))
        #expect(!byExpressions.matches(["app": "web", "track": "canary", "owner": "x", "zone": "b"]))
        #expect(!byExpressions.matches(["app": "web", "track": "beta", "owner": "x"]))
        #expect(!byExpressions.matches(["app": "web", "track": "canary"]))

        let empty = try selector(json: "{}")
        #expect(empty.isEmpty)
        #expect(empty.matches(["any": "thing"]))

        let none = try selector(json: "null")
        #expect(!none.isEmpty)
        #expect(!none.matches([:]))
        #expect(none == .nothing)

        let typed = try LabelSelector(
            matchLabels: ["b": "2"],
            matchExpressions: [try LabelSelector.Requirement(key: "a", operator: .notIn, values: ["1"])])
        #expect(typed.description == "a notin (1),b=2")
    }

    @Test(arguments: [
        (#"{"matchExpressions":[{"key":"a","operator":"Equals","values":["b"]}]}"#, #""Equals" is not a valid label selector operator"#),
        (#"{"matchExpressions":[{"key":"a"}]}"#, #""" is not a valid label selector operator"#),
        (
            #"{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}"#,
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
        ),
        (
            #"{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}"#,
            #"values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist"#
        ),
        (#"{"matchLabels":{"-x":"y"}}"#, "key: Invalid value: \"-x\": \(Messages.namePart)"),
        (#"{"matchLabels":{"x":"-y"}}"#, "values[0][x]: Invalid value: \"-y\": \(Messages.value)"),
        (#"{"matchLabels":{"x":1}}"#, "matchLabels[x]: Invalid value: 1: must be a string"),
        (#"{"matchLabels":[]}"#, "matchLabels: Invalid value: []: must be an object of strings"),
        (#"{"matchExpressions":{}}"#, "matchExpressions: Invalid value: {}: must be an array"),
        (#"{"matchExpressions":[{"operator":"In"}]}"#, "matchExpressions[0].key: Required value"),
        (
            #"{"matchExpressions":[{"key":"a","operator":"In","values":[1]}]}"#,
            "matchExpressions[0].values[0]: Invalid value: 1: must be a string"
        ),
        (#""app=web""#, #"selector: Invalid value: "app=web": must be an object with matchLabels and matchExpressions"#),
    ])
    func malformedMetav1SelectorIsRefused(_ json: String, _ message: String) throws {
        let error = try jsonError(json)
        #expect(error?.description == message)
    }

    @Test func requirementValidationAggregatesEveryProblem() {
        #expect(throws: SelectorError.self) {
            try LabelSelector.Requirement(key: "a", operator: .equals, values: ["x", "y"])
        }
        do {
            _ = try LabelSelector.Requirement(key: "-k", operator: .greaterThan, values: ["1.5"])
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "[key: Invalid value: \"-k\": \(Messages.namePart), values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer]"
            )
        }
    }

    /// Random input, some from the selector alphabet and some raw bytes: the parser must answer
    /// (a selector or a SelectorError) without trapping, and what it accepts must survive a round
    /// trip through its canonical text.
    @Test func fuzzedInputNeverCrashesAndRoundTrips() throws {
        var rng = ParserFuzzing.Generator(seed: 0x5EED_1AB3)
        let alphabet = Array("abcxyz019._-/ =!(),<>\tinotin".utf8)
        var accepted = 0
        for _ in 0..<4000 {
            let text = ParserFuzzing.text(&rng, alphabet: alphabet, maxLength: 24)
            let parsed: LabelSelector
            do {
                parsed = try LabelSelector.parse(text)
            } catch {
                #expect(!error.description.isEmpty)
                continue
            }
            accepted += 1
            let again = try LabelSelector.parse(parsed.description)
            #expect(again == parsed, "round trip of \(text.debugDescription) via \(parsed.description.debugDescription)")
        }
        // The alphabet is chosen so that a fair share of inputs parse; otherwise the round trip is untested.
        #expect(accepted > 200)
    }
}

/// Shared by the parser fuzz tests: a seeded generator and a random-text maker.
enum ParserFuzzing {
    typealias Generator = SeededRandom

    /// Mostly characters from `alphabet`, with one in eight a random byte (possibly NUL or invalid UTF-8).
    static func text(_ rng: inout Generator, alphabet: [UInt8], maxLength: Int) -> String {
        let length = Int.random(in: 0...maxLength, using: &rng)
        var bytes: [UInt8] = []
        for _ in 0..<length {
            if Int.random(in: 0..<8, using: &rng) == 0 {
                bytes.append(UInt8.random(in: 0...255, using: &rng))
            } else {
                bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
