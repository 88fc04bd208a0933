import KubeAPI

/// The `pod-template-hash` label a Deployment puts on its ReplicaSets and their Pods, and the suffix
/// of the ReplicaSet names (`web-5d4b8c7f9`).
///
/// Kubernetes (`controller.ComputeHash`) feeds a spew dump of the Go `PodTemplateSpec` to FNV-32a,
/// which cannot be reproduced outside Go, so the values differ from a real cluster's. The shape is
/// the same: FNV-32a over a deterministic printing of the template (here the compact JSON with
/// sorted keys, nulls and empty values dropped), then `collisionCount` as 8 little-endian bytes when
/// set, and the decimal digits of the sum mapped through `rand.SafeEncodeString`. Equal templates
/// always hash alike, across runs and processes.
public enum PodTemplateHash {
    public static let labelKey = "pod-template-hash"

    /// `rand.SafeEncodeString`'s alphabet: no vowels, no look-alike characters.
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    public static func compute(template: JSONValue, collisionCount: Int32?) -> String {
        var hash = fnv32a(Array((WorkloadJSON.normalized(template) ?? .object([:])).serialized().utf8))
        if let collisionCount {
            let bits = UInt32(bitPattern: collisionCount)
            // ComputeHash writes an 8-byte buffer of which only the first four are set.
            let bytes: [UInt8] = [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24), 0, 0, 0, 0]
            hash = fnv32a(bytes, seed: hash)
        }
        return safeEncode(String(hash))
    }

    /// FNV-1a, 32 bits; `seed` continues an earlier sum as Go's `hash.Hash32.Write` does.
    static func fnv32a(_ bytes: [UInt8], seed: UInt32 = 0x811c_9dc5) -> UInt32 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    /// `rand.SafeEncodeString`: each character picks the alphabet entry at its code modulo 27.
    static func safeEncode(_ text: String) -> String {
        String(decoding: text.unicodeScalars.map { alphabet[Int($0.value) % alphabet.count] }, as: UTF8.self)
    }
}
