/// The fields of one protobuf message type, by field number, so bytes can be rendered as JSON.
struct ProtobufMessageSchema: Sendable {
    /// The proto message name, for error messages.
    var name: String
    var fields: [Int: ProtobufField]

    init(_ name: String, _ fields: [ProtobufField]) {
        self.name = name
        self.fields = Dictionary(fields.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
