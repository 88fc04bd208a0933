/// Builds protobuf wire-format bytes for tests, so each case states its input field by field.
struct ProtobufTestWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ number: Int, _ wireType: UInt8) {
        varint(UInt64(number) << 3 | UInt64(wireType))
    }

    mutating func int(_ number: Int, _ value: Int64) {
        tag(number, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ number: Int, _ value: Bool) { int(number, value ? 1 : 0) }

    mutating func bytes(_ number: Int, _ value: [UInt8]) {
        tag(number, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ number: Int, _ value: String) { bytes(number, Array(value.utf8)) }

    mutating func message(_ number: Int, _ build: (inout ProtobufTestWriter) -> Void) {
        var inner = ProtobufTestWriter()
        build(&inner)
        bytes(number, inner.bytes)
    }

    /// A `map<string, string>` entry.
    mutating func entry(_ number: Int, _ key: String, _ value: String) {
        message(number) {
            $0.string(1, key)
            $0.string(2, value)
        }
    }

    /// A `map<string, bytes>` entry.
    mutating func entry(_ number: Int, _ key: String, bytes value: [UInt8]) {
        message(number) {
            $0.string(1, key)
            $0.bytes(2, value)
        }
    }

    mutating func fixed32(_ number: Int, _ value: UInt32) {
        tag(number, 5)
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    mutating func fixed64(_ number: Int, _ value: UInt64) {
        tag(number, 1)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// A complete request body: magic, then `runtime.Unknown` around `raw`.
    static func body(
        apiVersion: String = "v1", kind: String, contentEncoding: String? = nil, contentType: String? = nil,
        _ build: (inout ProtobufTestWriter) -> Void
    ) -> [UInt8] {
        var raw = ProtobufTestWriter()
        build(&raw)
        var envelope = ProtobufTestWriter()
        envelope.message(1) {
            $0.string(1, apiVersion)
            $0.string(2, kind)
        }
        envelope.bytes(2, raw.bytes)
        if let contentEncoding { envelope.string(3, contentEncoding) }
        if let contentType { envelope.string(4, contentType) }
        return [0x6B, 0x38, 0x73, 0x00] + envelope.bytes
    }
}
