import Foundation
import KubeAPI

/// Renders protobuf bytes as the JSON object Go's encoding/json would produce for the same Go struct,
/// driven by a `ProtobufMessageSchema`.
///
/// Protobuf semantics are kept: a repeated singular scalar keeps its last value, a repeated singular
/// message is merged (by decoding the concatenation of its occurrences), and fields the schema does not
/// name are skipped.
enum ProtobufMessageDecoder {
    static func decodeObject(
        _ bytes: ArraySlice<UInt8>, schema: ProtobufMessageSchema, path: String
    ) throws(ProtobufError) -> [String: JSONValue] {
        var scalars: [Int: JSONValue] = [:]
        var arrays: [Int: [JSONValue]] = [:]
        var maps: [Int: [String: JSONValue]] = [:]
        var chunks: [Int: [ArraySlice<UInt8>]] = [:]

        var reader = ProtobufReader(bytes, field: path)
        while !reader.isAtEnd {
            let tagOffset = reader.index
            let (number, wireType) = try reader.readTag()
            guard let field = schema.fields[number] else {
                try reader.skip(wireType, number: number)
                continue
            }
            let fieldPath = join(path, field.name)
            switch field.kind {
            case .repeated(let element):
                let itemPath = "\(fieldPath)[\(arrays[number]?.count ?? 0)]"
                if wireType == .lengthDelimited, element.isVarint {
                    // Packed encoding: proto2 senders do not use it for Kubernetes types, but it is legal.
                    var packed = ProtobufReader(try reader.readLengthDelimited(), field: itemPath)
                    while !packed.isAtEnd {
                        arrays[number, default: []].append(try readScalar(element, .varint, &packed, at: tagOffset))
                    }
                } else {
                    arrays[number, default: []].append(
                        try readElement(element, wireType, &reader, path: itemPath, at: tagOffset))
                }
            case .map(let valueKind):
                try expect(wireType, .lengthDelimited, field: field, path: fieldPath, at: tagOffset)
                let entry = try reader.readLengthDelimited()
                let (key, value) = try decodeMapEntry(entry, valueKind: valueKind, path: fieldPath)
                maps[number, default: [:]][key] = value
            case .message, .inline, .time, .quantity, .intOrString, .rawJSON:
                try expect(wireType, .lengthDelimited, field: field, path: fieldPath, at: tagOffset)
                chunks[number, default: []].append(try reader.readLengthDelimited())
            case .string, .bytes, .bool, .int32, .int64:
                scalars[number] = try readScalar(field.kind, wireType, &reader, at: tagOffset, path: fieldPath)
            }
        }

        var object: [String: JSONValue] = [:]
        for field in schema.fields.values {
            let fieldPath = join(path, field.name)
            switch field.kind {
            case .repeated:
                if let items = arrays[field.number], !items.isEmpty {
                    object[field.name] = .array(items)
                } else if field.presence == .always {
                    object[field.name] = .null  // a nil Go slice without omitempty
                }
            case .map:
                if let entries = maps[field.number], !entries.isEmpty {
                    object[field.name] = .object(entries)
                } else if field.presence == .always {
                    object[field.name] = .null
                }
            case .inline(let inner):
                let merged = merge(chunks[field.number])
                let fields = try decodeObject(merged, schema: inner, path: path)
                object.merge(fields) { _, new in new }
            case .message, .time, .quantity, .intOrString, .rawJSON:
                if let parts = chunks[field.number] {
                    if let value = try decodeValue(field.kind, merge(parts), path: fieldPath) {
                        object[field.name] = value
                    } else if field.presence != .omitEmpty {
                        object[field.name] = .null  // a zero time that Go renders as null
                    }
                } else if field.presence == .always {
                    object[field.name] = try decodeValue(field.kind, [], path: fieldPath) ?? .null
                }
            case .string, .bytes, .bool, .int32, .int64:
                if let value = scalars[field.number] {
                    if field.presence != .omitEmpty || !value.isZero {
                        object[field.name] = value
                    }
                } else if field.presence == .always {
                    object[field.name] = field.kind.zeroValue
                }
            }
        }
        return object
    }

    // MARK: - Values

    /// One element of a repeated field.
    private static func readElement(
        _ kind: ProtobufField.Kind, _ wireType: ProtobufReader.WireType, _ reader: inout ProtobufReader,
        path: String, at offset: Int
    ) throws(ProtobufError) -> JSONValue {
        switch kind {
        case .string, .bytes, .bool, .int32, .int64:
            return try readScalar(kind, wireType, &reader, at: offset, path: path)
        default:
            guard wireType == .lengthDelimited else {
                throw ProtobufError(
                    code: .malformed, offset: offset, field: path,
                    reason: "expected a length-delimited value, got wire type \(wireType)")
            }
            return try decodeValue(kind, reader.readLengthDelimited(), path: path) ?? .null
        }
    }

    private static func readScalar(
        _ kind: ProtobufField.Kind, _ wireType: ProtobufReader.WireType, _ reader: inout ProtobufReader,
        at offset: Int, path: String? = nil
    ) throws(ProtobufError) -> JSONValue {
        let expected: ProtobufReader.WireType = kind.isVarint ? .varint : .lengthDelimited
        guard wireType == expected else {
            throw ProtobufError(
                code: .malformed, offset: offset, field: path ?? reader.field,
                reason: "expected a \(expected) value, got wire type \(wireType)")
        }
        switch kind {
        case .string:
            return .string(String(decoding: try reader.readLengthDelimited(), as: UTF8.self))
        case .bytes:
            return .string(Data(try reader.readLengthDelimited()).base64EncodedString())
        case .bool:
            return .bool(try reader.readVarint() != 0)
        case .int32:
            // Go truncates to the declared width; negative int32s arrive sign-extended to 64 bits.
            return .int(Int64(Int32(truncatingIfNeeded: try reader.readVarint())))
        case .int64:
            return .int(Int64(bitPattern: try reader.readVarint()))
        default:
            throw reader.fail("internal error: \(kind) is not a scalar")
        }
    }

    /// Decodes a message-typed value. Returns nil for a zero `Time`, which Go omits or renders as null.
    private static func decodeValue(
        _ kind: ProtobufField.Kind, _ bytes: ArraySlice<UInt8>, path: String
    ) throws(ProtobufError) -> JSONValue? {
        switch kind {
        case .message(let schema), .inline(let schema):
            return .object(try decodeObject(bytes, schema: schema, path: path))
        case .time:
            return try ProtobufTime.decode(bytes, path: path).map(JSONValue.string)
        case .quantity:
            let fields = try decodeObject(bytes, schema: quantitySchema, path: path)
            let text = fields["string"]?.stringValue ?? ""
            return .string(text.isEmpty ? "0" : text)
        case .intOrString:
            let fields = try decodeObject(bytes, schema: intOrStringSchema, path: path)
            if fields["type"]?.intValue == 1 { return fields["strVal"] ?? .string("") }
            return fields["intVal"] ?? .int(0)
        case .rawJSON:
            // FieldsV1 {Raw=1}: Go marshals Raw verbatim, and a nil Raw as null.
            var raw: ArraySlice<UInt8>?
            var reader = ProtobufReader(bytes, field: path)
            while !reader.isAtEnd {
                let offset = reader.index
                let (number, wireType) = try reader.readTag()
                guard number == 1 else {
                    try reader.skip(wireType, number: number)
                    continue
                }
                guard wireType == .lengthDelimited else {
                    throw reader.fail("expected a length-delimited value, got wire type \(wireType)", at: offset)
                }
                raw = try reader.readLengthDelimited()
            }
            guard let raw else { return .null }
            do {
                return try JSONValue.parse(bytes: raw)
            } catch {
                throw ProtobufError(
                    code: .malformed, field: path, reason: "the embedded field set is not valid JSON: \(error)")
            }
        case .repeated, .map, .string, .bytes, .bool, .int32, .int64:
            throw ProtobufError(code: .malformed, field: path, reason: "internal error: \(kind) is not a message")
        }
    }

    private static func decodeMapEntry(
        _ bytes: ArraySlice<UInt8>, valueKind: ProtobufField.Kind, path: String
    ) throws(ProtobufError) -> (String, JSONValue) {
        var key = ""
        var value: JSONValue?
        var valueChunks: [ArraySlice<UInt8>] = []
        var reader = ProtobufReader(bytes, field: path)
        while !reader.isAtEnd {
            let offset = reader.index
            let (number, wireType) = try reader.readTag()
            switch number {
            case 1:
                guard wireType == .lengthDelimited else {
                    throw reader.fail("map key must be a string (length-delimited), got wire type \(wireType)", at: offset)
                }
                key = String(decoding: try reader.readLengthDelimited(), as: UTF8.self)
            case 2:
                switch valueKind {
                case .string, .bytes, .bool, .int32, .int64:
                    value = try readScalar(valueKind, wireType, &reader, at: offset, path: path)
                default:
                    guard wireType == .lengthDelimited else {
                        throw reader.fail("map value must be length-delimited, got wire type \(wireType)", at: offset)
                    }
                    valueChunks.append(try reader.readLengthDelimited())
                }
            default:
                try reader.skip(wireType, number: number)
            }
        }
        let entryPath = "\(path)[\(key)]"
        switch valueKind {
        case .string, .bytes, .bool, .int32, .int64:
            return (key, value ?? valueKind.zeroValue)
        default:
            return (key, try decodeValue(valueKind, merge(valueChunks), path: entryPath) ?? .null)
        }
    }

    // MARK: - Helpers

    private static func expect(
        _ actual: ProtobufReader.WireType, _ expected: ProtobufReader.WireType, field: ProtobufField, path: String,
        at offset: Int
    ) throws(ProtobufError) {
        guard actual != expected else { return }
        throw ProtobufError(
            code: .malformed, offset: offset, field: path,
            reason: "expected a \(expected) value, got wire type \(actual)")
    }

    /// Occurrences of one singular message field merge; concatenating their encodings is exactly that.
    private static func merge(_ parts: [ArraySlice<UInt8>]?) -> ArraySlice<UInt8> {
        guard let parts, let first = parts.first else { return [] }
        if parts.count == 1 { return first }
        return ArraySlice(parts.joined())
    }

    private static func join(_ path: String, _ name: String) -> String {
        if name.isEmpty { return path }
        return path.isEmpty ? name : "\(path).\(name)"
    }

    // The small apimachinery wrapper messages, from k8s.io/apimachinery generated.proto files.
    private static let quantitySchema = ProtobufMessageSchema("Quantity", [.string(1, "string")])
    private static let intOrStringSchema = ProtobufMessageSchema(
        "IntOrString", [.int64(1, "type"), .int32(2, "intVal"), .string(3, "strVal")])
}

extension ProtobufField.Kind {
    fileprivate var isVarint: Bool {
        switch self {
        case .bool, .int32, .int64: true
        default: false
        }
    }

    fileprivate var zeroValue: JSONValue {
        switch self {
        case .string, .bytes: .string("")
        case .bool: .bool(false)
        case .int32, .int64: .int(0)
        case .quantity: .string("0")
        case .message, .inline: .object([:])
        default: .null
        }
    }
}

extension JSONValue {
    /// Whether Go's omitempty drops this scalar.
    fileprivate var isZero: Bool {
        switch self {
        case .string(let s): s.isEmpty
        case .bool(let b): !b
        case .int(let i): i == 0
        case .null: true
        default: false
        }
    }
}
