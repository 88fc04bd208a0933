/// A Kubernetes resource quantity (`500m`, `4Gi`, `2`), kept as written: an integer stays an integer
/// and a string a string, so a manifest encodes back unchanged. Parsing into numbers is the
/// consumer's business; the schema's pattern already checked the syntax.
public enum Quantity: Codable, Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    case string(String)
    case int(Int64)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if (try? container.decode(Bool.self)) == nil {
            if let i = try? container.decode(Int64.self) {
                self = .int(i)
                return
            }
            if let s = try? container.decode(String.self) {
                self = .string(s)
                return
            }
        }
        throw DecodingError.dataCorruptedError(
            in: container,
            debugDescription: "Invalid value: must be a quantity: a string such as \"500m\" or \"4Gi\", or an integer"
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .int(let i): try container.encode(i)
        }
    }

    /// The quantity as Kubernetes prints it.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        }
    }
}
