import KubeAPI
import Testing

@testable import DevCluster

private let document: JSONValue = [
    "apiVersion": "trainyard.dev/v1alpha1",
    "kind": "TrainingJob",
    "metadata": [
        "name": "churn",
        "labels": ["team": "ml", "app": "churn"],
        "annotations": ["example.com/owner": "ana"],
    ],
    "spec": [
        "model": ["type": "gbdt", "params": ["rounds": 100]],
        "dotted.key": "literal",
    ],
    "status": [
        "phase": "Running",
        "attempts": 2,
        "conditions": [
            ["type": "Running", "status": "True", "reason": "PodRunning"],
            ["type": "Ready", "status": "True", "reason": "Ready"],
            ["type": "Succeeded", "status": "False", "reason": "Pending"],
        ],
    ],
    "items": [
        ["name": "a", "count": 1, "ratio": 0.5, "enabled": true],
        ["name": "b", "count": 2, "ratio": 1.5, "enabled": false],
        ["name": "c", "count": 3],
        ["other": "d"],
    ],
]

private func pathError(_ text: String) -> JSONPathError? {
    do {
        _ = try JSONPath.parse(text)
        return nil
    } catch {
        return error
    }
}

struct JSONPathTests {
    @Test(
        arguments: [
            (".metadata.name", ["churn"]),
            ("{.metadata.name}", ["churn"]),
            ("{ .metadata.name }", ["churn"]),
            ("$.metadata.name", ["churn"]),
            ("{$.status.phase}", ["Running"]),
            (".status.phase", ["Running"]),
            (".spec.model.type", ["gbdt"]),
            (".spec.model.params.rounds", [100]),
            (".status.attempts", [2]),
            (".spec.missing", []),
            (".spec.model.type.deeper", []),
            (#".status.conditions[?(@.type=="Ready")].status"#, ["True"]),
            (".status.conditions[?(@.type=='Ready')].reason", ["Ready"]),
            (#".status.conditions[?(@.type == "Ready")].status"#, ["True"]),
            (#".status.conditions[?(@.type!="Ready")].type"#, ["Running", "Succeeded"]),
            (#".status.conditions[?(@.type=="Missing")].status"#, []),
            (".status.conditions[?(@.type==@.reason)].type", ["Ready"]),
            (".status.conditions[0].type", ["Running"]),
            (".status.conditions[-1].type", ["Succeeded"]),
            (".status.conditions[3].type", []),
            (".status.conditions[-4].type", []),
            (".status.conditions[0:2].type", ["Running", "Ready"]),
            (".status.conditions[1:].type", ["Ready", "Succeeded"]),
            (".status.conditions[:1].type", ["Running"]),
            (".status.conditions[-2:].type", ["Ready", "Succeeded"]),
            (".status.conditions[::2].type", ["Running", "Succeeded"]),
            (".status.conditions[::-1].type", ["Succeeded", "Ready", "Running"]),
            (".status.conditions[5:9].type", []),
            (".status.conditions[-99:99].type", ["Running", "Ready", "Succeeded"]),
            (".status.conditions[2:0:-1].type", ["Succeeded", "Ready"]),
            (".status.conditions[::9223372036854775807].type", ["Running"]),
            (".status.conditions[::-9223372036854775808].type", ["Succeeded"]),
            (".status.conditions[-9223372036854775808].type", []),
            (".status.conditions[*].type", ["Running", "Ready", "Succeeded"]),
            (".status.conditions[0,2].type", ["Running", "Succeeded"]),
            (".items[*].name", ["a", "b", "c"]),
            (".items[?(@.count>1)].name", ["b", "c"]),
            (".items[?(@.count>=2)].name", ["b", "c"]),
            (".items[?(@.count<2)].name", ["a"]),
            (".items[?(@.count<=2)].name", ["a", "b"]),
            (".items[?(@.count==2.0)].name", ["b"]),
            (".items[?(@.ratio>1)].name", ["b"]),
            (".items[?(@.ratio<0.75)].name", ["a"]),
            (".items[?(@.count!=1)].name", ["b", "c"]),
            (".items[?(@.name>\"a\")].name", ["b", "c"]),
            (".items[?(@.enabled==true)].name", ["a"]),
            (".items[?(@.enabled)].name", ["a", "b"]),
            (".items[?(@.other)].other", ["d"]),
            // Values of different types never compare equal or unequal.
            (".items[?(@.count==\"1\")].name", []),
            (".items[?(@.count!=\"1\")].name", []),
            (".metadata.annotations['example.com/owner']", ["ana"]),
            (#".metadata.annotations["example.com/owner"]"#, ["ana"]),
            (#".metadata.annotations.example\.com/owner"#, ["ana"]),
            (".spec['dotted.key']", ["literal"]),
            (".metadata.labels.*", ["churn", "ml"]),
            ("..reason", ["PodRunning", "Ready", "Pending"]),
            (".status..type", ["Running", "Ready", "Succeeded"]),
            (".kind", ["TrainingJob"]),
        ] as [(String, [JSONValue])])
    func evaluation(_ path: String, _ expected: [JSONValue]) throws {
        let parsed = try JSONPath.parse(path)
        #expect(parsed.evaluate(document) == expected)
        #expect(parsed.expression == path)
    }

    @Test func wholeDocumentAndContainers() throws {
        #expect(try JSONPath.parse(".").evaluate(document) == [document])
        #expect(try JSONPath.parse("$").evaluate(document) == [document])
        #expect(try JSONPath.parse(".spec.model").evaluate(document) == [["type": "gbdt", "params": ["rounds": 100]]])
        #expect(try JSONPath.parse(".status.phase").evaluate("just a string") == [])
        #expect(try JSONPath.parse("[1]").evaluate([10, 20, 30]) == [20])
    }

    @Test(arguments: [
        ("", "empty JSONPath expression; expected a path such as .status.phase"),
        ("{}", "empty JSONPath expression; expected a path such as .status.phase"),
        ("{ }", "empty JSONPath expression; expected a path such as .status.phase"),
        ("{.a", "unclosed action"),
        (".a[", "unterminated array"),
        (".a[0", "unterminated array"),
        (".a[x]", "invalid array index x"),
        (".a[]", "invalid array index "),
        (".a[1:2:3:4]", "invalid array index 1:2:3:4"),
        (".a[-]", "invalid array index -"),
        (".a[99999999999999999999]", "array index 99999999999999999999 is not a number"),
        (".a[1:5:0]", "slice step cannot be zero in [1:5:0]"),
        (".a[?(@.b==1)", "unclosed array expect ]"),
        (".a[?(@.b==1", "unterminated filter"),
        (".a[?(@.b==", "unterminated filter"),
        (".a[?(@.b=1)]", "unrecognized filter operator ="),
        (".a[?(@.b=<1)]", "unrecognized filter operator =<"),
        (".a[?(@.b==\"x)]", "unterminated quoted string"),
        (".a['x\\q']", "unquote string 'x\\q error invalid syntax"),
        (".a[?(@.b==12abc)]", "unrecognized character in filter: U+0061 'a'"),
        (".a[?(@.b==nothing)]", "unrecognized identifier nothing"),
        (".a[?(@.b==#)]", "unrecognized character in filter: U+0023 '#'"),
        (".a[?(\"x\")]", "a filter without an operator must test a path, as in [?(@.name)]"),
        (".a[?(@.b[?(@.c)])]", "nested filters are not supported"),
        ("metadata.name", "unrecognized identifier metadata"),
        ("#", "unrecognized character in action: U+0023 '#'"),
        (".a]", "unrecognized character in action: U+005D ']'"),
        ("\u{1}", "unrecognized character in action: U+0001"),
        ("{.a}{.b}", "only one JSONPath expression is supported, as in a printer column's jsonPath"),
        (".a}", "unrecognized character in action: U+007D '}'"),
        ("{.a}}", "unrecognized character in action: U+007D '}'"),
        ("{.a} x", "unrecognized character in action: U+0078 'x'"),
        ("...a", "invalid multiple recursive descent"),
        (".a[?(@.b==+)]", "cannot parse number +"),
    ])
    func malformedInputIsRefused(_ path: String, _ message: String) {
        let error = pathError(path)
        #expect(error?.description == message)
        #expect(error?.expression == path)
    }

    @Test func errorsPointAtTheProblem() {
        #expect(pathError(".status.conditions[x]")?.offset == 19)
        #expect(pathError("{.a")?.offset == 3)
    }

    /// Random input: pieces of valid paths glued together and then damaged with random bytes, so
    /// that both the accepting and the refusing paths of the parser are exercised. Parsing must
    /// answer without trapping, and whatever parses must evaluate without trapping.
    @Test func fuzzedInputNeverCrashes() {
        var rng = ParserFuzzing.Generator(seed: 0x7A7B_0001)
        let fragments = [
            ".status", ".conditions", ".type", ".name", ".items", "..", ".*", "[0]", "[-1]", "[1:]", "[::-1]",
            "[*]", "[0,2]", "['dotted.key']", "[?(@.type==\"Ready\")]", "[?(@.count>=2)]", "[?(@.name)]",
            "[?(@.a==@.b)]", "{", "}", "$", "@", " ", "\\.", "'", "\"", "(", ")", "[", "]", "?", ",", ":",
        ]
        let alphabet = Array(#"{}[]()?@$.*:,'"=!<>-0123456789abtype \"#.utf8)
        var accepted = 0
        var refused = 0
        for round in 0..<5000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                bytes += Array(fragments[Int.random(in: 0..<fragments.count, using: &rng)].utf8)
            }
            // Every other input also gets a few random edits, some of them arbitrary bytes.
            if round % 2 == 1 {
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let noise = Array(ParserFuzzing.text(&rng, alphabet: alphabet, maxLength: 3).utf8)
                    let at = Int.random(in: 0...bytes.count, using: &rng)
                    bytes.insert(contentsOf: noise, at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let path = try JSONPath.parse(text)
                accepted += 1
                _ = path.evaluate(document)
            } catch {
                refused += 1
                #expect(!error.description.isEmpty)
                #expect(error.offset >= 0 && error.offset <= text.unicodeScalars.count)
            }
        }
        #expect(accepted > 300)
        #expect(refused > 300)
    }
}
