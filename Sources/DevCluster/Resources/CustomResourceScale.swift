import KubeAPI

/// Where a custom resource keeps what its `/scale` shows: `subresources.scale` of a CRD version
/// (`CustomResourceSubresourceScale`). Each path is a simple JSON path such as `.spec.replicas`.
public struct CustomResourceScale: Sendable, Equatable {
    /// The desired replicas, under `.spec`: what a Scale's `spec.replicas` reads and writes.
    public var specReplicasPath: String
    /// The observed replicas, under `.status`: a Scale's `status.replicas` (0 when absent).
    public var statusReplicasPath: String
    /// A label selector in string form, under `.spec` or `.status`: a Scale's `status.selector`,
    /// which a HorizontalPodAutoscaler needs to find the pods.
    public var labelSelectorPath: String?

    public init(specReplicasPath: String, statusReplicasPath: String, labelSelectorPath: String? = nil) {
        self.specReplicasPath = specReplicasPath
        self.statusReplicasPath = statusReplicasPath
        self.labelSelectorPath = labelSelectorPath
    }

    /// The `subresources.scale` of a CRD version; nil when the version declares none.
    init?(json: JSONValue?) {
        guard let json, json.objectValue != nil else { return nil }
        let selector = json["labelSelectorPath"]?.stringValue ?? ""
        self.init(
            specReplicasPath: json["specReplicasPath"]?.stringValue ?? "",
            statusReplicasPath: json["statusReplicasPath"]?.stringValue ?? "", labelSelectorPath: selector.isEmpty ? nil : selector)
    }

    /// The keys of a path, ignoring its leading period (`splitReplicasPath`).
    static func keys(_ path: String) -> [String] {
        (path.hasPrefix(".") ? String(path.dropFirst()) : path).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    var specReplicasKeys: [String] { Self.keys(specReplicasPath) }
    var statusReplicasKeys: [String] { Self.keys(statusReplicasPath) }
    var labelSelectorKeys: [String]? { labelSelectorPath.map(Self.keys) }

    // MARK: Reading a custom resource

    /// The integer at `path` (nil when absent), or the problem `unstructured.NestedInt64` reports
    /// when something else is there.
    static func integer(at path: String, in object: JSONValue) -> (value: Int64?, problem: String?) {
        let (found, problem) = field(at: path, in: object)
        guard let found, !found.isNull else { return (nil, problem) }
        if let int = found.intValue { return (int, nil) }
        return (nil, accessorError(path, found, expected: "int64"))
    }

    /// The string at `path` (nil when absent), or the problem `unstructured.NestedString` reports.
    static func string(at path: String, in object: JSONValue) -> (value: String?, problem: String?) {
        let (found, problem) = field(at: path, in: object)
        guard let found, !found.isNull else { return (nil, problem) }
        if let string = found.stringValue { return (string, nil) }
        return (nil, accessorError(path, found, expected: "string"))
    }

    /// The first problem reading the Scale's fields from `object`, worded as the real server's
    /// `scaleFromCustomResource` fails.
    func problem(reading object: JSONValue) -> String? {
        Self.integer(at: specReplicasPath, in: object).problem ?? Self.integer(at: statusReplicasPath, in: object).problem
            ?? labelSelectorPath.flatMap { Self.string(at: $0, in: object).problem }
    }

    /// The value at `path`, nil when absent; a problem when the path runs into something that is not an object.
    private static func field(at path: String, in object: JSONValue) -> (value: JSONValue?, problem: String?) {
        let keys = keys(path)
        var current = object
        for (i, key) in keys.enumerated() {
            if current.isNull { return (nil, nil) }
            guard current.objectValue != nil else {
                // Go names the path up to and including the key it could not look up.
                let walked = "." + keys.prefix(i + 1).joined(separator: ".")
                return (nil, accessorError(walked, current, expected: "map[string]interface{}"))
            }
            guard let next = current[key] else { return (nil, nil) }
            current = next
        }
        return (current, nil)
    }

    /// `<path> accessor error: <value> is of the type <Go type>, expected <type>`.
    private static func accessorError(_ path: String, _ value: JSONValue, expected: String) -> String {
        let shown: String
        let type: String
        switch value {
        case .string(let s): (shown, type) = (s, "string")
        case .bool(let b): (shown, type) = (String(b), "bool")
        case .int(let i): (shown, type) = (String(i), "int64")
        case .double: (shown, type) = (value.serialized(), "float64")
        case .array: (shown, type) = (value.serialized(), "[]interface {}")
        case .object: (shown, type) = (value.serialized(), "map[string]interface {}")
        case .null: (shown, type) = ("<nil>", "<nil>")
        }
        let dotted = path.hasPrefix(".") ? path : "." + path
        return "\(dotted) accessor error: \(shown) is of the type \(type), expected \(expected)"
    }

    // MARK: Validation

    /// What the real server checks of a custom resource that has `/scale` (`ValidateScaleSpec` and
    /// `ValidateScaleStatus`): the replicas are int32s of at least 0 and the selector a string. A
    /// write through `/status` leaves the spec unchecked.
    func validate(_ object: JSONValue, spec: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        for path in spec ? [specReplicasPath, statusReplicasPath] : [statusReplicasPath] {
            let (value, problem) = Self.integer(at: path, in: object)
            if let problem {
                errors.append(.invalid(path, 0, problem))
            } else if let value, value < 0 {
                errors.append(.invalid(path, .int(value), "should be a non-negative integer"))
            } else if let value, value > Int64(Int32.max) {
                errors.append(.invalid(path, .int(value), "should be less than or equal to \(Int32.max)"))
            }
        }
        if let labelSelectorPath, let problem = Self.string(at: labelSelectorPath, in: object).problem {
            errors.append(.invalid(labelSelectorPath, "", problem))
        }
        return errors
    }

    /// What the real server checks of `subresources.scale` in a CRD
    /// (`ValidateCustomResourceDefinitionSubresources`); `field` is where the subresources are.
    static func validate(definition json: JSONValue, field: String) -> [FieldError] {
        var errors: [FieldError] = []
        func check(_ key: String, under prefixes: [String], _ what: String, required: Bool) {
            let path = json[key]?.stringValue ?? ""
            let name = "\(field).scale.\(key)"
            if path.isEmpty {
                if required { errors.append(.required(name)) }
            } else if !path.hasPrefix(".") {
                errors.append(.invalid(name, .string(path), "must be a simple json path starting with ."))
            } else if !prefixes.contains(where: { path.hasPrefix($0) }) {
                errors.append(.invalid(name, .string(path), "should be a json path under \(what)"))
            }
        }
        check("specReplicasPath", under: [".spec."], ".spec", required: true)
        check("statusReplicasPath", under: [".status."], ".status", required: true)
        check("labelSelectorPath", under: [".spec.", ".status."], "either .spec or .status", required: false)
        return errors
    }
}
