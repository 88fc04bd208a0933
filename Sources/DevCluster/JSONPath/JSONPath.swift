import KubeAPI

/// A compiled Kubernetes JSONPath expression of the kind CRD `additionalPrinterColumns[].jsonPath`
/// holds, used by the dev cluster to fill the columns of `kubectl get` tables.
///
/// Supported, as in k8s.io/client-go/util/jsonpath: `.field`, `['key']` (a key that may contain dots),
/// `.*`, `..`, `[n]` (negative from the end), `[start:end:step]`, `[*]`, unions `[0,2]`, and filters
/// `[?(@.type=="Ready")]` with `==`, `!=`, `<`, `>`, `<=`, `>=` against string, number or boolean
/// literals or another `@` path. The expression may be wrapped in `{}`; templates with literal text
/// or several `{}` actions, and `range`/`end`, are not supported.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    let segments: [JSONPathSegment]
    /// The text the path was parsed from.
    public let expression: String

    /// Parses one expression such as `.status.phase` or `{.status.conditions[?(@.type=="Ready")].status}`.
    public static func parse(_ text: String) throws(JSONPathError) -> JSONPath {
        var parser = JSONPathParser(text)
        return JSONPath(segments: try parser.parse(), expression: text)
    }

    /// Every value the path reaches in `document`, in document order (object keys in byte order
    /// where a step fans out over an object). Missing keys, out-of-range indexes and type mismatches
    /// yield no match rather than an error, as printer columns are evaluated with missing keys allowed.
    public func evaluate(_ document: JSONValue) -> [JSONValue] {
        JSONPathSegment.apply(segments, to: document)
    }

    public var description: String { expression }
}
