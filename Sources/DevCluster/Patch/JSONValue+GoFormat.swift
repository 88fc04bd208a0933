import KubeAPI

extension JSONValue {
    /// The value as Go's `fmt` prints a decoded JSON value with `%v` (`map[k:v]`, `[a b]`), because
    /// strategic merge patch errors quote values that way and users compare them with real clusters.
    var goDescription: String {
        switch self {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d == d.rounded(), abs(d) < 1e21, abs(d) < 9.0e18 { return String(Int64(d)) }
            return "\(d)"
        case .string(let s): return s
        case .array(let elements): return "[" + elements.map(\.goDescription).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.keys.sorted().map { "\($0):\(members[$0]!.goDescription)" }.joined(separator: " ") + "]"
        }
    }

    /// The Go type a decoded JSON value has, as `reflect.TypeOf` prints it.
    var goTypeName: String {
        switch self {
        case .null: return "%!s(<nil>)"
        case .bool: return "bool"
        case .int: return "int64"
        case .double: return "float64"
        case .string: return "string"
        case .array: return "[]interface {}"
        case .object: return "map[string]interface {}"
        }
    }
}
