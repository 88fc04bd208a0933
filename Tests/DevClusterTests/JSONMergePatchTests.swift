import KubeAPI
import Testing

@testable import DevCluster

struct JSONMergePatchTests {
    /// RFC 7386, Appendix A: (target, patch, result).
    static let rfcExamples: [(String, String, String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test(arguments: rfcExamples)
    func rfc7386Appendix(target: String, patch: String, expected: String) throws {
        let result = JSONMergePatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(target))
        #expect(result == (try JSONValue.parse(expected)))
    }

    @Test func labelsMergeAndNullRemovesOneLabel() throws {
        let target = try JSONValue.parse(#"{"metadata":{"name":"web","labels":{"app":"web","tier":"fe"}},"spec":{"replicas":1}}"#)
        let patch = try JSONValue.parse(#"{"metadata":{"labels":{"tier":null,"env":"dev"}},"spec":{"replicas":3}}"#)
        let result = JSONMergePatch.apply(patch, to: target)
        #expect(result[path: ["metadata", "labels"]] == ["app": "web", "env": "dev"])
        #expect(result[path: ["metadata", "name"]] == "web")
        #expect(result[path: ["spec", "replicas"]] == 3)
    }

    @Test func listsAreReplacedWholeNotMergedByKey() throws {
        let target = try JSONValue.parse(#"{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}"#)
        let patch = try JSONValue.parse(#"{"spec":{"containers":[{"name":"b","image":"z"}]}}"#)
        let result = JSONMergePatch.apply(patch, to: target)
        #expect(result[path: ["spec", "containers"]] == [["name": "b", "image": "z"]])
    }
}
