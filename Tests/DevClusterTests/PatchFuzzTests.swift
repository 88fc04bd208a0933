import KubeAPI
import Testing
import TrainyardTesting

@testable import DevCluster

/// Random patches against realistic objects: every patcher must return or throw PatchError,
/// never trap. The seed is fixed so a failure reproduces.
struct PatchFuzzTests {
    private typealias SplitMix64 = SeededRandom

    private static let keys = [
        "spec", "template", "containers", "initContainers", "name", "image", "env", "value", "ports", "containerPort",
        "metadata", "finalizers", "labels", "ownerReferences", "uid", "tolerations", "args", "a", "b",
        "$patch", "$retainKeys", "$setElementOrder/containers", "$setElementOrder/finalizers",
        "$deleteFromPrimitiveList/finalizers", "$deleteFromPrimitiveList/args", "$setElementOrder", "$deleteFromPrimitiveList",
    ]
    private static let strings = ["replace", "delete", "merge", "web", "sidecar", "x", "a.example/x", "", "~1", "-"]

    private static func value(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        switch rng.below(depth > 3 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(rng.below(2) == 0)
        case 2: return .int(Int64(rng.below(5)) - 1)
        case 3: return .double(Double(rng.below(100)) / 8)
        case 4: return .string(rng.pick(strings))
        case 5, 6:
            var members: [String: JSONValue] = [:]
            for _ in 0..<rng.below(4) { members[rng.pick(keys)] = value(&rng, depth: depth + 1) }
            return .object(members)
        default:
            return .array((0..<rng.below(4)).map { _ in value(&rng, depth: depth + 1) })
        }
    }

    private static func pointer(_ rng: inout SplitMix64) -> String {
        let tokens = ["spec", "template", "containers", "0", "1", "-", "-1", "9", "name", "env", "metadata", "labels", "a~1b", "x"]
        return (0..<rng.below(5)).map { _ in "/" + rng.pick(tokens) }.joined()
    }

    private static func jsonPatch(_ rng: inout SplitMix64) -> JSONValue {
        .array(
            (0..<(1 + rng.below(2))).map { _ in
                var op: [String: JSONValue] = ["op": .string(rng.pick(["add", "remove", "replace", "move", "copy", "test", "nope"]))]
                if rng.below(10) > 0 { op["path"] = .string(pointer(&rng)) }
                if rng.below(2) == 0 { op["from"] = .string(pointer(&rng)) }
                if rng.below(4) > 0 { op["value"] = value(&rng, depth: 2) }
                return .object(op)
            })
    }

    private static let targets: [JSONValue] = [
        try! JSONValue.parse(
            #"""
            {"metadata":{"name":"web","labels":{"app":"web"},"finalizers":["a.example/x"]},
             "spec":{"template":{"spec":{"containers":[{"name":"web","image":"i","env":[{"name":"A","value":"1"}],"args":["-v"]},
               {"name":"sidecar","ports":[{"containerPort":80}]}],"tolerations":[{"key":"k"}]}}}}
            """#),
        try! JSONValue.parse(#"{"spec":{"containers":[{"name":"web"}]},"metadata":{"ownerReferences":[{"uid":"u"}]}}"#),
        [:],
    ]

    /// Keys a strategic merge patch must never leave behind in maps reached through maps.
    private static func directiveKeys(in value: JSONValue) -> [String] {
        guard case .object(let members) = value else { return [] }
        return members.flatMap { key, child in
            (key.hasPrefix("$patch") || key.hasPrefix("$retainKeys") || key.hasPrefix("$setElementOrder")
                || key.hasPrefix("$deleteFromPrimitiveList") ? [key] : []) + directiveKeys(in: child)
        }
    }

    @Test func randomStrategicMergePatchesNeverTrap() {
        var rng = SplitMix64(seed: 0x5EED_0001)
        var applied = 0
        var rejected = 0
        for iteration in 0..<3000 {
            let target = Self.targets[iteration % Self.targets.count]
            let patch: JSONValue = ["spec": ["template": ["spec": Self.value(&rng, depth: 0)]], "metadata": Self.value(&rng, depth: 1)]
            let direct = Self.value(&rng, depth: 0)
            for candidate in [patch, direct] {
                do {
                    let result = try StrategicMergePatch(kind: iteration % 2 == 0 ? "Deployment" : "Pod").apply(candidate, to: target)
                    #expect(Self.directiveKeys(in: result).isEmpty, "patch \(candidate) left directives in \(result)")
                    applied += 1
                } catch {
                    #expect(!error.message.isEmpty)
                    rejected += 1
                }
            }
        }
        #expect(applied > 100)
        #expect(rejected > 100)
    }

    @Test func randomJSONPatchesNeverTrap() {
        var rng = SplitMix64(seed: 0x5EED_0002)
        var applied = 0
        var rejected = 0
        for iteration in 0..<3000 {
            let target = Self.targets[iteration % Self.targets.count]
            let patch = rng.below(20) == 0 ? Self.value(&rng, depth: 0) : Self.jsonPatch(&rng)
            do {
                _ = try JSONPatch.apply(patch, to: target)
                applied += 1
            } catch {
                #expect([400, 413, 422].contains(error.httpStatus))
                rejected += 1
            }
        }
        #expect(applied > 100)
        #expect(rejected > 100)
    }

    /// RFC 7386 patches are idempotent: applying one twice changes nothing more.
    @Test func randomMergePatchesAreIdempotent() {
        var rng = SplitMix64(seed: 0x5EED_0003)
        for iteration in 0..<3000 {
            let target = Self.targets[iteration % Self.targets.count]
            let patch = Self.value(&rng, depth: 0)
            let once = JSONMergePatch.apply(patch, to: target)
            #expect(JSONMergePatch.apply(patch, to: once) == once, "patch \(patch)")
        }
    }
}
