/// A cursor over protobuf wire-format bytes (varints, tags, length-delimited and fixed-width fields).
///
/// It reads a slice of the request body in place, so offsets in errors are offsets into the body.
/// Every read is bounds-checked and throws rather than trapping: the bytes come from the network.
struct ProtobufReader {
    /// The wire types of the protobuf encoding.
    enum WireType: UInt8, Sendable, CustomStringConvertible {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5

        var description: String {
            switch self {
            case .varint: "varint"
            case .fixed64: "64-bit"
            case .lengthDelimited: "length-delimited"
            case .startGroup: "start-group"
            case .endGroup: "end-group"
            case .fixed32: "32-bit"
            }
        }
    }

    /// The highest field number protobuf allows (2^29 - 1).
    static let maxFieldNumber: UInt64 = (1 << 29) - 1

    let bytes: ArraySlice<UInt8>
    /// The field path reported in errors.
    let field: String
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>, field: String = "") {
        self.bytes = bytes
        self.field = field
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    func fail(_ reason: String, at offset: Int? = nil) -> ProtobufError {
        ProtobufError(code: .malformed, offset: offset ?? index, field: field, reason: reason)
    }

    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        let start = index
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex else { throw fail("truncated varint", at: start) }
            let byte = bytes[index]
            index += 1
            // The tenth byte may only contribute the top bit of a 64-bit value.
            if shift == 63, byte > 1 { throw fail("varint overflows 64 bits", at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads a field key. Returns the field number and wire type.
    mutating func readTag() throws(ProtobufError) -> (number: Int, wireType: WireType) {
        let start = index
        let key = try readVarint()
        let number = key >> 3
        guard number > 0, number <= Self.maxFieldNumber else {
            throw fail("invalid field number \(number)", at: start)
        }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw fail("invalid wire type \(key & 7) for field \(number)", at: start)
        }
        return (Int(number), wireType)
    }

    mutating func readLengthDelimited() throws(ProtobufError) -> ArraySlice<UInt8> {
        let start = index
        let length = try readVarint()
        guard length <= UInt64(bytes.endIndex - index) else {
            throw fail("length \(length) runs past the end of the message (\(bytes.endIndex - index) bytes left)", at: start)
        }
        let end = index + Int(length)
        defer { index = end }
        return bytes[index..<end]
    }

    mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard bytes.endIndex - index >= 4 else { throw fail("truncated 32-bit field") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[index + i]) << (8 * UInt32(i)) }
        index += 4
        return value
    }

    mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        guard bytes.endIndex - index >= 8 else { throw fail("truncated 64-bit field") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += 8
        return value
    }

    /// Skips the value of a field we do not know, as protobuf decoders must.
    mutating func skip(_ wireType: WireType, number: Int) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .fixed32: _ = try readFixed32()
        case .startGroup, .endGroup:
            // Kubernetes messages are proto2 without groups; nothing legitimate sends them.
            throw fail("field \(number) uses the deprecated group wire type, which Kubernetes objects never contain")
        }
    }
}
