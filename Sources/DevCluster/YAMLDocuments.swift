import KubeAPI
import Yams

/// Reads YAML (one or more `---`-separated documents) into JSON values, as kubectl does before it
/// sends a manifest.
public enum YAMLDocuments {
    /// Every non-empty document in `text`.
    public static func parse(_ text: String) throws -> [JSONValue] {
        var result: [JSONValue] = []
        for node in try Yams.compose_all(yaml: text) {
            let value = try convert(node)
            if !value.isNull { result.append(value) }
        }
        return result
    }

    static func convert(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return convertScalar(scalar)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let k = key.string else { throw YamlError.representer(problem: "mapping keys must be strings") }
                object[k] = try convert(value)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(try sequence.map(convert))
        case .alias:
            throw YamlError.representer(problem: "YAML aliases are not supported")
        }
    }

    /// YAML 1.2 core-schema scalars, as sigs.k8s.io/yaml resolves them: quoted scalars are strings.
    static func convertScalar(_ scalar: Node.Scalar) -> JSONValue {
        let s = scalar.string
        if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal || scalar.style == .folded {
            return .string(s)
        }
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int64(s) { return .int(i) }
        if s.hasPrefix("0x"), let i = Int64(s.dropFirst(2), radix: 16) { return .int(i) }
        if s.hasPrefix("0o"), let i = Int64(s.dropFirst(2), radix: 8) { return .int(i) }
        let numberChars = Set("0123456789.eE+-")
        if s.contains(where: { $0.isNumber }), s.allSatisfy({ numberChars.contains($0) }), let d = Double(s) { return .double(d) }
        if [".inf", ".Inf", "+.inf"].contains(s) { return .double(.infinity) }
        if [".nan", ".NaN"].contains(s) { return .double(.nan) }
        return .string(s)
    }
}
