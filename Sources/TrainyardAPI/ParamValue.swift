/// A hyperparameter value: a string or a number, as written in `spec.model.params` and in tuning
/// search spaces. Integers and fractions stay apart so a value encodes back to the same JSON.
public enum ParamValue: Codable, Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, CustomStringConvertible
{
    case string(String)
    case int(Int64)
    case double(Double)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Bool first: some decoders read `true` as a number.
        if (try? container.decode(Bool.self)) == nil {
            if let i = try? container.decode(Int64.self) {
                self = .int(i)
                return
            }
            if let d = try? container.decode(Double.self) {
                self = .double(d)
                return
            }
            if let s = try? container.decode(String.self) {
                self = .string(s)
                return
            }
        }
        throw DecodingError.dataCorruptedError(
            in: container,
            debugDescription: "Invalid value: must be a string or a number"
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        }
    }

    /// The value as a number; strings that spell a number count, since users sometimes quote them.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        }
    }

    /// The value as an integer, when it is one exactly.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return d.rounded() == d && abs(d) < 9.0e18 ? Int64(d) : nil
        case .string(let s): return Int64(s)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        }
    }
}
