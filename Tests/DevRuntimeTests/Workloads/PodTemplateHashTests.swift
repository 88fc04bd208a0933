import Foundation
import KubeAPI
import Testing

@testable import DevRuntime

/// The `pod-template-hash` values: FNV-32a and SafeEncodeString as Kubernetes defines them, over
/// the canonical JSON of the template.
@Suite struct PodTemplateHashTests {
    let template: JSONValue = [
        "metadata": ["labels": ["app": "web"]],
        "spec": ["containers": [["name": "web", "image": "nginx:1.25"]]],
    ]

    @Test func fnv32aMatchesTheReferenceVectors() {
        #expect(PodTemplateHash.fnv32a([]) == 0x811c_9dc5)
        #expect(PodTemplateHash.fnv32a(Array("a".utf8)) == 0xe40c_292c)
        #expect(PodTemplateHash.fnv32a(Array("foobar".utf8)) == 0xbf9c_f968)
    }

    @Test func safeEncodeMapsDigitsLikeKubernetes() {
        #expect(PodTemplateHash.safeEncode("0123456789") == "456789bcdf")
    }

    /// Values computed independently (Python: FNV-32a of the sorted-key compact JSON), so the hash of
    /// a template stays the same across runs, processes and releases of this code.
    @Test func hashIsStableForAGivenTemplate() {
        #expect(PodTemplateHash.compute(template: template, collisionCount: nil) == "59bd5955b7")
        #expect(PodTemplateHash.compute(template: template, collisionCount: 1) == "5f745cc8bb")
    }

    @Test func hashIgnoresKeyOrderNullsAndEmptyValues() {
        let reordered: JSONValue = [
            "spec": ["containers": [["image": "nginx:1.25", "name": "web", "env": []]]],
            "metadata": ["labels": ["app": "web"], "creationTimestamp": nil, "annotations": [:]],
        ]
        #expect(
            PodTemplateHash.compute(template: reordered, collisionCount: nil)
                == PodTemplateHash.compute(template: template, collisionCount: nil))
    }

    @Test func differentTemplatesOrCollisionCountsHashDifferently() {
        var other = template
        other[path: ["spec", "containers"]] = [["name": "web", "image": "nginx:1.26"]]
        let base = PodTemplateHash.compute(template: template, collisionCount: nil)
        #expect(PodTemplateHash.compute(template: other, collisionCount: nil) != base)
        #expect(PodTemplateHash.compute(template: template, collisionCount: 0) != base)
        #expect(
            PodTemplateHash.compute(template: template, collisionCount: 0) != PodTemplateHash.compute(template: template, collisionCount: 1)
        )
    }

    @Test func hashUsesOnlyTheSafeAlphabet() {
        let hash = PodTemplateHash.compute(template: template, collisionCount: 42)
        #expect(!hash.isEmpty && hash.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
    }
}
