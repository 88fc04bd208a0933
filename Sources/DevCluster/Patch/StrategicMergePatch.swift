import KubeAPI

/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) for the built-in
/// kinds: what `kubectl apply`, `kubectl patch` (its default type), `kubectl label`, `kubectl
/// annotate` and `kubectl scale` send.
///
/// Unlike a JSON merge patch, lists with a patch merge key (containers by `name`, env by `name`,
/// ...) merge element by element and `metadata.finalizers` merges as a set; other lists are
/// replaced. The directives of k8s.io/apimachinery's strategicpatch are honoured: `$patch`
/// (`replace`, `delete`, and `merge` as the explicit default) in maps and list elements,
/// `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
public struct StrategicMergePatch: Sendable {
    public let kind: String
    let keys: PatchMergeKeys

    /// A patcher for `kind`; for a kind without a merge table every list is atomic.
    public init(kind: String) {
        self.kind = kind
        self.keys = PatchMergeKeys.forKind(kind) ?? PatchMergeKeys(lists: [:])
    }

    /// A patcher with an explicit merge table, for kinds this module does not know.
    public init(kind: String, keys: PatchMergeKeys) {
        self.kind = kind
        self.keys = keys
    }

    /// Whether the API server accepts strategic merge patches for `kind`; it answers 415 for
    /// custom resources, which have no Go struct tags to take merge keys from.
    public static func supports(kind: String) -> Bool { PatchMergeKeys.forKind(kind) != nil }

    /// The error the API server answers a strategic merge patch on a custom resource with.
    public static let unsupportedError = PatchError.unsupportedMediaType(accepted: [
        "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml",
    ])

    public func apply(_ patch: JSONValue, to target: JSONValue) throws(PatchError) -> JSONValue {
        guard case .object(let members) = patch else { throw .badRequest("invalid JSON document") }
        return .object(try mergeMap(target.objectValue ?? [:], members, path: []))
    }

    // MARK: - Directives

    static let directiveMarker = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList"
    static let setElementOrderPrefix = "$setElementOrder"

    // MARK: - Maps

    func mergeMap(
        _ original: [String: JSONValue], _ patch: [String: JSONValue], path: [String]
    ) throws(PatchError) -> [String: JSONValue] {
        var patch = patch
        if let directive = patch[Self.directiveMarker] {
            switch directive {
            case "replace":
                patch.removeValue(forKey: Self.directiveMarker)
                return try mergeMap([:], patch, path: path)
            case "delete":
                return [:]
            case "merge":
                patch.removeValue(forKey: Self.directiveMarker)
            default:
                throw .mergeFailed(
                    "unknown patch type: \(GoFormat.interfaceValue(directive)) in map: \(GoFormat.interfaceValue(.object(patch)))")
            }
        }
        var original = original
        try applyRetainKeys(to: &original, patch: &patch)
        try applySetElementOrder(to: &original, patch: &patch, path: path)

        var deletions: [(field: String, values: JSONValue)] = []
        for key in patch.keys.sorted() {
            let patchValue = patch[key]!
            if key.hasPrefix(Self.deleteFromPrimitiveListPrefix) {
                let field = try Self.extractKey(key, prefix: Self.deleteFromPrimitiveListPrefix)
                deletions.append((field, patchValue))
                continue
            }
            if patchValue.isNull {
                original.removeValue(forKey: key)
                continue
            }
            let fieldPath = path + [key]
            guard let originalValue = original[key], !originalValue.isNull else {
                original[key] = try fresh(patchValue, path: fieldPath)
                continue
            }
            switch (originalValue, patchValue) {
            case (.object(let o), .object(let p)):
                original[key] = .object(try mergeMap(o, p, path: fieldPath))
            case (.array(let o), .array(let p)):
                original[key] = .array(try mergeList(o, p, path: fieldPath))
            default:
                original[key] = try fresh(patchValue, path: fieldPath)
            }
        }
        // Deletions run after additions so that a patch may both add and drop entries of one list.
        for (field, values) in deletions {
            guard case .array(let toDelete) = values else {
                throw .badRequest("invalid patch format of primitive list")
            }
            guard case .array(let current)? = original[field] else { continue }
            original[field] = .array(current.filter { element in !toDelete.contains { Self.goEqual($0, element) } })
        }
        return original
    }

    /// `$retainKeys`: drop every live key the list does not name; the patch may only set named keys.
    private func applyRetainKeys(to original: inout [String: JSONValue], patch: inout [String: JSONValue]) throws(PatchError) {
        guard let directive = patch.removeValue(forKey: Self.retainKeysDirective) else { return }
        guard case .array(let names) = directive else { throw .badRequest("invalid patch format of retainKeys") }
        let retained = Set(names.compactMap(\.stringValue))
        for (key, value) in patch {
            if value.isNull || key.hasPrefix(Self.deleteFromPrimitiveListPrefix) || key.hasPrefix(Self.setElementOrderPrefix) {
                continue
            }
            guard retained.contains(key) else { throw .badRequest("invalid patch format of retainKeys") }
        }
        original = original.filter { retained.contains($0.key) }
    }

    /// A patch value with no live counterpart: taken as is, minus directives and null members.
    func fresh(_ value: JSONValue, path: [String]) throws(PatchError) -> JSONValue {
        switch value {
        case .object(let members): return .object(try mergeMap([:], members, path: path))
        case .array(let elements): return .array(try freshList(elements, path: path))
        default: return value
        }
    }

    static func extractKey(_ key: String, prefix: String) throws(PatchError) -> String {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == prefix else {
            switch prefix {
            case deleteFromPrimitiveListPrefix: throw .badRequest("invalid patch format of primitive list")
            default: throw .badRequest("invalid patch format of setElementOrder list")
            }
        }
        return String(parts[1])
    }

    /// Equality as Go's `==` on decoded JSON: numbers by value, whatever their spelling.
    static func goEqual(_ a: JSONValue, _ b: JSONValue) -> Bool { a.semanticallyEquals(b) }

    static func stripNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): return .object(members.filter { !$0.value.isNull }.mapValues(stripNulls))
        case .array(let elements): return .array(elements.map(stripNulls))
        default: return value
        }
    }
}
