/// One field of a Kubernetes protobuf message: its number, its JSON name, how its bytes become JSON,
/// and when the JSON form shows it.
///
/// The schemas copy field numbers from the `generated.proto` files of k8s.io/api and
/// k8s.io/apimachinery; JSON names and presence follow the Go struct tags in `types.go`.
struct ProtobufField: Sendable {
    /// How the field's value is encoded and rendered.
    indirect enum Kind: Sendable {
        case string
        case bool
        case int32
        case int64
        /// `bytes`: base64 in JSON, as Go's encoding/json renders `[]byte`.
        case bytes
        /// A nested message rendered as a JSON object.
        case message(ProtobufMessageSchema)
        /// An embedded Go struct (`json:",inline"`): its fields appear in the parent object.
        case inline(ProtobufMessageSchema)
        /// `meta.v1.Time {seconds=1, nanos=2}`, rendered as an RFC 3339 string in UTC.
        case time
        /// `resource.Quantity {string=1}`, rendered as the string.
        case quantity
        /// `intstr.IntOrString {type=1, intVal=2, strVal=3}`, rendered as a number or a string.
        case intOrString
        /// `meta.v1.FieldsV1 {Raw=1}`: raw JSON bytes embedded as JSON.
        case rawJSON
        case repeated(Kind)
        /// `map<string, V>`: entries are messages with key=1 and value=2.
        case map(Kind)
    }

    /// When the JSON form includes the field.
    enum Presence: Sendable {
        /// `json:",omitempty"` on a value field: dropped when zero, empty or absent.
        case omitEmpty
        /// A pointer field (`*bool`, `*Time`, `*Struct`) or a nested struct: shown whenever the sender
        /// set it, even to a zero value. Go's protobuf marshaller writes pointers only when non-nil.
        case whenSet
        /// No omitempty: always shown, with the zero value when absent.
        case always
    }

    var number: Int
    var name: String
    var kind: Kind
    var presence: Presence

    init(_ number: Int, _ name: String, _ kind: Kind, _ presence: Presence) {
        self.number = number
        self.name = name
        self.kind = kind
        self.presence = presence
    }

    static func string(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .string, presence)
    }
    static func bool(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .bool, presence)
    }
    static func int32(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .int32, presence)
    }
    static func int64(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .int64, presence)
    }
    static func time(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .time, presence)
    }
    static func message(_ number: Int, _ name: String, _ schema: ProtobufMessageSchema, _ presence: Presence = .whenSet)
        -> Self
    {
        Self(number, name, .message(schema), presence)
    }
    static func inline(_ number: Int, _ schema: ProtobufMessageSchema) -> Self {
        Self(number, "", .inline(schema), .whenSet)
    }
    static func strings(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .repeated(.string), presence)
    }
    static func messages(_ number: Int, _ name: String, _ schema: ProtobufMessageSchema, _ presence: Presence = .omitEmpty)
        -> Self
    {
        Self(number, name, .repeated(.message(schema)), presence)
    }
    static func stringMap(_ number: Int, _ name: String, _ presence: Presence = .omitEmpty) -> Self {
        Self(number, name, .map(.string), presence)
    }
    static func quantityMap(_ number: Int, _ name: String) -> Self {
        Self(number, name, .map(.quantity), .omitEmpty)
    }
}
