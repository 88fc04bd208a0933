/// A closed set of string values in a Trainyard spec or status, such as `spec.task` or `status.phase`.
///
/// Decoding a value outside the set fails with the API server's wording and lists the supported
/// values, so a manifest the controller or the CLI rejects reads the same as a `kubectl apply` error.
public protocol APIEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension APIEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Unsupported value: \(quoted(raw)): supported values: "
                    + Self.allCases.map { quoted($0.rawValue) }.joined(separator: ", ")
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Quotes a value the way Go's `%q` does for the common cases, as API server messages do.
func quoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
