import KubeAPI

/// RFC 6902 JSON patch (`application/json-patch+json`), as `kubectl patch --type=json` sends it.
///
/// Semantics and error wording follow evanphx/json-patch v4, the library the Kubernetes API
/// server applies JSON patches with: JSON pointers per RFC 6901 (`~1` is `/`, `~0` is `~`), `-`
/// appends to an array, and negative array indices count from the end (a Kubernetes extension).
/// Operations apply in order and the first failure aborts the whole patch.
public enum JSONPatch {
    /// The API server refuses patches with more operations than this.
    public static let maximumOperations = 10_000

    public static func apply(_ operations: JSONValue, to target: JSONValue) throws(PatchError) -> JSONValue {
        let decoded = try decode(operations)
        var document = target
        for operation in decoded {
            try apply(operation, to: &document)
        }
        return document
    }

    // MARK: - Decoding

    private static func decode(_ operations: JSONValue) throws(PatchError) -> [[String: JSONValue]] {
        guard case .array(let elements) = operations else {
            throw .badRequest("json: cannot unmarshal \(goJSONTypeName(operations)) into Go value of type jsonpatch.Patch")
        }
        var decoded: [[String: JSONValue]] = []
        decoded.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let operation) = element else {
                throw .badRequest(
                    "json: cannot unmarshal \(goJSONTypeName(element)) into Go value of type jsonpatch.Operation")
            }
            if let kind = operation["op"]?.stringValue, ["add", "replace", "test"].contains(kind), operation["value"] == nil {
                throw .badRequest(
                    "invalid operation \(element.serialized()): failed to decode 'value': operation, missing value field: missing value"
                )
            }
            decoded.append(operation)
        }
        if decoded.count > maximumOperations {
            throw .tooLarge("The allowed maximum operations in a JSON patch is \(maximumOperations), got \(decoded.count)")
        }
        return decoded
    }

    /// How Go's encoding/json names a JSON value's type in an UnmarshalTypeError.
    static func goJSONTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// A decoded string member of an operation, or the Go decoding error text for it.
    private enum Decoded {
        case success(String)
        case failure(String)
    }

    private static func stringField(_ operation: [String: JSONValue], _ name: String, missing: String) -> Decoded {
        switch operation[name] {
        case nil, .null?: return .failure(missing)
        case .string(let s)?: return .success(s)
        case let other?: return .failure("json: cannot unmarshal \(goJSONTypeName(other)) into Go value of type string")
        }
    }

    private static func pathField(_ operation: [String: JSONValue]) -> Decoded {
        stringField(operation, "path", missing: "operation missing path field: missing value")
    }

    private static func fromField(_ operation: [String: JSONValue]) -> Decoded {
        stringField(operation, "from", missing: "operation, missing from field: missing value")
    }

    // MARK: - Operations

    private static func apply(_ operation: [String: JSONValue], to document: inout JSONValue) throws(PatchError) {
        let kind = operation["op"]?.stringValue ?? "unknown"
        let value = operation["value"] ?? .null
        switch kind {
        case "add":
            guard case .success(let path) = pathField(operation) else {
                throw .unprocessable("add operation failed to decode path: missing value")
            }
            try add(value, at: path, in: &document, operation: "add")
        case "remove":
            guard case .success(let path) = pathField(operation) else {
                throw .unprocessable("remove operation failed to decode path: missing value")
            }
            _ = try remove(at: path, in: &document, missingPrefix: "remove operation does not apply: doc is missing path: \"\(path)\"") {
                (message: String) in "error in remove for path: '\(path)': \(message)"
            }
        case "replace":
            let path: String
            switch pathField(operation) {
            case .success(let p): path = p
            case .failure(let message): throw .unprocessable("replace operation failed to decode path: \(message)")
            }
            try replace(value, at: path, in: &document)
        case "move":
            let from: String
            switch fromField(operation) {
            case .success(let f): from = f
            case .failure(let message): throw .unprocessable("move operation failed to decode from: \(message)")
            }
            let moved = try remove(
                at: from, in: &document, missingPrefix: "move operation does not apply: doc is missing from path: \(from)"
            ) {
                (message: String) in "error in move for path: '\(lastToken(of: from))': \(message)"
            }
            let path: String
            switch pathField(operation) {
            case .success(let p): path = p
            case .failure(let message): throw .unprocessable("move operation failed to decode path: \(message)")
            }
            try add(moved, at: path, in: &document, operation: "move")
        case "copy":
            let from: String
            switch fromField(operation) {
            case .success(let f): from = f
            case .failure(let message): throw .unprocessable("copy operation failed to decode from: \(message)")
            }
            let copied = try get(at: from, in: document, missingPrefix: "copy operation does not apply: doc is missing from path: \(from)")
            {
                (message: String) in "error in copy for from: '\(from)': \(message)"
            }
            guard case .success(let path) = pathField(operation) else {
                throw .unprocessable("copy operation failed to decode path: missing value")
            }
            try add(copied, at: path, in: &document, operation: "copy")
        case "test":
            let path: String
            switch pathField(operation) {
            case .success(let p): path = p
            case .failure(let message): throw .unprocessable("test operation failed to decode path: \(message)")
            }
            try test(value, at: path, in: document)
        default:
            throw .unprocessable("Unexpected kind: \(kind)")
        }
    }

    private static func add(_ value: JSONValue, at path: String, in document: inout JSONValue, operation: String) throws(PatchError) {
        if path.isEmpty {
            document = value
            return
        }
        let missing: String
        switch operation {
        case "add": missing = "add operation does not apply: doc is missing path: \"\(path)\": missing value"
        default: missing = "\(operation) operation does not apply: doc is missing destination path: \(path): missing value"
        }
        let wrap: (String) -> String
        switch operation {
        case "copy": wrap = { "error while adding value during copy: \($0)" }
        default: wrap = { "error in \(operation) for path: '\(path)': \($0)" }
        }
        let found = try withParent(of: path, in: &document) { (container: inout JSONValue, key: String) throws(PatchError) in
            switch container {
            case .object(var members):
                container = .null
                members[key] = value
                container = .object(members)
            case .array(var elements):
                if key == "-" {
                    container = .null
                    elements.append(value)
                    container = .array(elements)
                    return
                }
                let index: Int
                switch atoi(key) {
                case .index(let i): index = i
                case .invalid(let message): throw .unprocessable(wrap("value was not a proper array index: '\(key)': \(message)"))
                }
                let size = elements.count + 1
                guard index < size, index >= -size else {
                    throw .unprocessable(wrap("Unable to access invalid index: \(index): invalid index referenced"))
                }
                container = .null
                elements.insert(value, at: index < 0 ? index + size : index)
                container = .array(elements)
            default:
                throw .unprocessable(missing)
            }
        }
        if !found { throw .unprocessable(missing) }
    }

    /// Removes and returns the value at `path`.
    private static func remove(
        at path: String, in document: inout JSONValue, missingPrefix: String, wrap: (String) -> String
    ) throws(PatchError) -> JSONValue {
        var removed: JSONValue = .null
        let found = try withParent(of: path, in: &document) { (container: inout JSONValue, key: String) throws(PatchError) in
            switch container {
            case .object(var members):
                guard let old = members[key] else {
                    throw .unprocessable(wrap("Unable to remove nonexistent key: \(key): missing value"))
                }
                container = .null
                members.removeValue(forKey: key)
                container = .object(members)
                removed = old
            case .array(var elements):
                let index = try arrayIndex(key, count: elements.count, wrap: wrap)
                container = .null
                removed = elements.remove(at: index)
                container = .array(elements)
            default:
                throw .unprocessable("\(missingPrefix): missing value")
            }
        }
        if !found { throw .unprocessable("\(missingPrefix): missing value") }
        return removed
    }

    private static func replace(_ value: JSONValue, at path: String, in document: inout JSONValue) throws(PatchError) {
        if path.isEmpty {
            document = value
            return
        }
        let missingKey = "replace operation does not apply: doc is missing key: \(path): missing value"
        let found = try withParent(of: path, in: &document) { (container: inout JSONValue, key: String) throws(PatchError) in
            switch container {
            case .object(var members):
                guard members[key] != nil else { throw .unprocessable(missingKey) }
                container = .null
                members[key] = value
                container = .object(members)
            case .array(var elements):
                guard let index = try? arrayIndex(key, count: elements.count, wrap: { $0 }) else {
                    throw .unprocessable(missingKey)
                }
                container = .null
                elements[index] = value
                container = .array(elements)
            default:
                throw .unprocessable(missingKey)
            }
        }
        if !found { throw .unprocessable("replace operation does not apply: doc is missing path: \(path): missing value") }
    }

    private static func test(_ expected: JSONValue, at path: String, in document: JSONValue) throws(PatchError) {
        let failed = PatchError.unprocessable("testing value \(path) failed: test failed")
        if path.isEmpty {
            guard document.semanticallyEquals(expected) else { throw failed }
            return
        }
        var scratch = document
        var actual: JSONValue?
        let found = try withParent(of: path, in: &scratch) { (container: inout JSONValue, key: String) throws(PatchError) in
            switch container {
            case .object(let members):
                actual = members[key]
            case .array(let elements):
                let index = try arrayIndex(key, count: elements.count) { "error in test for path: '\(path)': \($0)" }
                actual = elements[index]
            default:
                throw .unprocessable("test operation does not apply: is missing path: \(path): missing value")
            }
        }
        if !found { throw .unprocessable("test operation does not apply: is missing path: \(path): missing value") }
        // A missing member tests equal to null, as in the library the API server uses.
        guard (actual ?? .null).semanticallyEquals(expected) else { throw failed }
    }

    private static func get(
        at path: String, in document: JSONValue, missingPrefix: String, wrap: (String) -> String
    ) throws(PatchError) -> JSONValue {
        var scratch = document
        var value: JSONValue = .null
        let found = try withParent(of: path, in: &scratch) { (container: inout JSONValue, key: String) throws(PatchError) in
            switch container {
            case .object(let members):
                guard let member = members[key] else {
                    throw .unprocessable(wrap("unable to get nonexistent key: \(key): missing value"))
                }
                value = member
            case .array(let elements):
                value = elements[try arrayIndex(key, count: elements.count, wrap: wrap)]
            default:
                throw .unprocessable("\(missingPrefix): missing value")
            }
        }
        if !found { throw .unprocessable("\(missingPrefix): missing value") }
        return value
    }
}
