import KubeAPI

/// RFC 7386 JSON merge patch (`application/merge-patch+json`): what `kubectl patch --type=merge`
/// sends and the only merge flavour custom resources accept.
///
/// `null` removes a member, objects merge recursively, and anything else (arrays included)
/// replaces the target value wholesale.
public enum JSONMergePatch {
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        // A non-object target is replaced by an object built from the patch, as the RFC says.
        var result = target.objectValue ?? [:]
        for (name, value) in patchMembers {
            if value.isNull {
                result.removeValue(forKey: name)
            } else {
                result[name] = apply(value, to: result[name] ?? .null)
            }
        }
        return .object(result)
    }
}
