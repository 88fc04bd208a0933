extension DecodingError {
    /// The field the error is about, as the API server writes it: `spec.tolerations[0].key`.
    public var fieldPath: String {
        var path = context.codingPath
        if case .keyNotFound(let key, _) = self { path.append(key) }
        var out = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    /// What was wrong and where, worded like an API server field error:
    /// `spec.task: Unsupported value: "regresion": supported values: "classification", "regression"`.
    public var fieldDescription: String {
        let detail: String
        switch self {
        case .keyNotFound, .valueNotFound:
            detail = "Required value"
        case .typeMismatch(let type, let context):
            if let name = Self.jsonTypeName(type) {
                detail = "Invalid value: must be of type \(name)"
            } else {
                detail = "Invalid value: \(context.debugDescription)"
            }
        case .dataCorrupted(let context):
            detail = context.debugDescription
        @unknown default:
            detail = String(describing: self)
        }
        let path = fieldPath
        return path.isEmpty ? detail : "\(path): \(detail)"
    }

    private var context: Context {
        switch self {
        case .keyNotFound(_, let context), .valueNotFound(_, let context), .typeMismatch(_, let context),
            .dataCorrupted(let context):
            return context
        @unknown default:
            return Context(codingPath: [], debugDescription: "")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String? {
        switch type {
        case is String.Type: return "string"
        case is Bool.Type: return "boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: return "integer"
        case is Double.Type, is Float.Type: return "number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") { return "array" }
            if name.hasPrefix("Dictionary<") { return "object" }
            return nil
        }
    }
}
