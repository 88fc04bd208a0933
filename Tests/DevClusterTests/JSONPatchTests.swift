import KubeAPI
import Testing

@testable import DevCluster

struct JSONPatchTests {
    /// RFC 6902, Appendix A, the examples that succeed: (document, patch, result).
    static let rfcSuccesses: [(String, String, String)] = [
        // A.1 Adding an Object Member
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        // A.2 Adding an Array Element
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        // A.3 Removing an Object Member
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        // A.4 Removing an Array Element
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        // A.5 Replacing a Value
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
        // A.6 Moving a Value
        (
            #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#
        ),
        // A.7 Moving an Array Element
        (
            #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
            #"{"foo":["all","cows","eat","grass"]}"#
        ),
        // A.8 Testing a Value: Success
        (
            #"{"baz":"qux","foo":["a",2,"c"]}"#,
            #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
            #"{"baz":"qux","foo":["a",2,"c"]}"#
        ),
        // A.10 Adding a Nested Member Object
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#, #"{"foo":"bar","child":{"grandchild":{}}}"#),
        // A.11 Ignoring Unrecognized Elements
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        // A.14 ~ Escape Ordering
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        // A.16 Adding an Array Value
        (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, #"{"foo":["bar",["abc","def"]]}"#),
        // RFC 6901 escapes on the way in.
        (#"{"a/b":{"m~n":1}}"#, #"[{"op":"replace","path":"/a~1b/m~0n","value":2}]"#, #"{"a/b":{"m~n":2}}"#),
        // Kubernetes accepts negative indices, counting from the end.
        (#"{"a":[1,2,3]}"#, #"[{"op":"remove","path":"/a/-1"}]"#, #"{"a":[1,2]}"#),
        (#"{"a":{"b":[1]}}"#, #"[{"op":"copy","from":"/a/b","path":"/c"}]"#, #"{"a":{"b":[1]},"c":[1]}"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"","value":{"b":2}}]"#, #"{"b":2}"#),
        // Numbers compare by value in test.
        (#"{"a":1}"#, #"[{"op":"test","path":"/a","value":1.0}]"#, #"{"a":1}"#),
        (
            #"{"metadata":{"labels":{"app":"web"}}}"#,
            #"[{"op":"add","path":"/metadata/labels/tier","value":"fe"},{"op":"remove","path":"/metadata/labels/app"}]"#,
            #"{"metadata":{"labels":{"tier":"fe"}}}"#
        ),
    ]

    @Test(arguments: rfcSuccesses)
    func appliesValidPatches(document: String, patch: String, expected: String) throws {
        let result = try JSONPatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(document))
        #expect(result == (try JSONValue.parse(expected)))
    }

    /// Failures with the server's wording and status: (document, patch, message, HTTP status).
    static let failures: [(String, String, String, Int)] = [
        // A.9 Testing a Value: Error
        (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#, "testing value /baz failed: test failed", 422),
        // A.12 Adding to a Nonexistent Target
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#,
            #"add operation does not apply: doc is missing path: "/baz/bat": missing value"#, 422
        ),
        // A.15 Comparing Strings and Numbers
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#, "testing value /~01 failed: test failed", 422),
        (
            #"{"spec":{}}"#, #"[{"op":"replace","path":"/spec/x","value":1}]"#,
            "replace operation does not apply: doc is missing key: /spec/x: missing value", 422
        ),
        (
            #"{"spec":{}}"#, #"[{"op":"replace","path":"/spec/foo/bar","value":1}]"#,
            "replace operation does not apply: doc is missing path: /spec/foo/bar: missing value", 422
        ),
        (
            #"{"a":1}"#, #"[{"op":"remove","path":"/b"}]"#,
            "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value", 422
        ),
        (
            #"{"a":[1]}"#, #"[{"op":"add","path":"/a/5","value":2}]"#,
            "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced", 422
        ),
        (
            #"{"a":[1]}"#, #"[{"op":"add","path":"/a/x","value":2}]"#,
            #"error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax"#, 422
        ),
        (
            #"{"a":[1]}"#, #"[{"op":"remove","path":"/a/3"}]"#,
            "error in remove for path: '/a/3': Unable to access invalid index: 3: invalid index referenced", 422
        ),
        (
            #"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a","path":"/a/c"}]"#,
            "move operation does not apply: doc is missing destination path: /a/c: missing value", 422
        ),
        (
            #"{"a":1}"#, #"[{"op":"copy","from":"/x","path":"/y"}]"#,
            "error in copy for from: '/x': unable to get nonexistent key: x: missing value", 422
        ),
        (#"{"a":1}"#, #"[{"op":"frobnicate","path":"/a"}]"#, "Unexpected kind: frobnicate", 422),
        (
            #"{"a":1}"#, #"[{"op":"replace","value":1}]"#,
            "replace operation failed to decode path: operation missing path field: missing value", 422
        ),
        (
            #"{"a":1}"#, #"[{"op":"move","path":"/b"}]"#,
            "move operation failed to decode from: operation, missing from field: missing value", 422
        ),
        (#"{"a":1}"#, #"[{"op":"add","path":5,"value":1}]"#, "add operation failed to decode path: missing value", 422),
        // Malformed patch documents are bad requests.
        (#"{"a":1}"#, #"{"op":"add"}"#, "json: cannot unmarshal object into Go value of type jsonpatch.Patch", 400),
        (#"{"a":1}"#, #"["add"]"#, "json: cannot unmarshal string into Go value of type jsonpatch.Operation", 400),
        (
            #"{"a":1}"#, #"[{"op":"add","path":"/b"}]"#,
            #"invalid operation {"op":"add","path":"/b"}: failed to decode 'value': operation, missing value field: missing value"#, 400
        ),
    ]

    @Test(arguments: failures)
    func rejectsPatchesThatDoNotApply(document: String, patch: String, message: String, status: Int) throws {
        let error = #expect(throws: PatchError.self) {
            try JSONPatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(document))
        }
        #expect(error?.message == message)
        #expect(error?.httpStatus == status)
    }

    @Test func unprocessablePatchesCarryTheServersGenericStatusMessage() throws {
        let error = #expect(throws: PatchError.self) {
            try JSONPatch.apply(try JSONValue.parse(#"[{"op":"remove","path":"/spec/x"}]"#), to: ["spec": [:]])
        }
        #expect(error?.reason == "Invalid")
        #expect(error?.statusMessage == "the server rejected our request due to an error in our request")
    }

    @Test func aFailingOperationLeavesNoPartialResult() throws {
        let document: JSONValue = ["a": 1]
        let patch = try JSONValue.parse(#"[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":5}]"#)
        #expect(throws: PatchError.self) { try JSONPatch.apply(patch, to: document) }
        #expect(document == ["a": 1])
    }

    @Test func tooManyOperationsIsRequestEntityTooLarge() throws {
        let operation: JSONValue = ["op": "test", "path": "/a", "value": 1]
        let patch = JSONValue.array(Array(repeating: operation, count: JSONPatch.maximumOperations + 1))
        let error = #expect(throws: PatchError.self) { try JSONPatch.apply(patch, to: ["a": 1]) }
        #expect(error?.httpStatus == 413)
        #expect(error?.statusMessage == "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001")
    }

    /// Pointer tokens decode `~1` before `~0`, so `~01` is `~1`, never `/`.
    @Test(arguments: [("a~1b", "a/b"), ("m~0n", "m~n"), ("~01", "~1"), ("~10", "/0"), ("plain", "plain"), ("~2", "~2"), ("~", "~")])
    func decodesPointerTokens(token: String, decoded: String) {
        #expect(JSONPatch.decodeToken(token) == decoded)
    }

    @Test(arguments: [("0", 0), ("12", 12), ("-1", -1), ("+3", 3), ("007", 7)])
    func parsesArrayIndicesLikeGo(text: String, value: Int) {
        #expect(JSONPatch.atoi(text) == .index(value))
    }

    @Test(arguments: ["", "-", "1.5", "x", " 1", "1e3", "99999999999999999999"])
    func rejectsMalformedArrayIndices(text: String) {
        if case .index = JSONPatch.atoi(text) { Issue.record("\(text) parsed as an index") }
    }
}
