/// Why a label or field selector was refused.
///
/// `description` is worded exactly as k8s.io/apimachinery words it (for example
/// `unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of ...`),
/// because kubectl shows the API server's message verbatim and users search for it.
/// The API server wraps it in a `400 BadRequest` Status.
public struct SelectorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Which kind of selector was being read.
    public enum Kind: String, Sendable, Equatable {
        case labelSelector
        case fieldSelector
    }

    private enum Code: Sendable, Equatable {
        /// The text does not follow the selector grammar.
        case syntax
        /// The grammar is fine but a key, value or operator is not allowed.
        case invalidRequirement
        /// A field selector value has a bad backslash escape or an unescaped `,` / `=`.
        case invalidEscape
        /// A metav1.LabelSelector JSON object has the wrong shape.
        case invalidObject
    }

    private let code: Code
    /// Which kind of selector failed.
    public let kind: Kind
    /// The message, as the real API server would word it.
    public let message: String

    public var description: String { message }

    private init(_ code: Code, _ kind: Kind, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }

    /// The same error with context put before its message, as Go's `fmt.Errorf("...: %v", err)` does.
    func prefixed(_ prefix: String) -> SelectorError {
        SelectorError(code, kind, prefix + message)
    }

    static func labelSyntax(_ message: String) -> SelectorError {
        SelectorError(.syntax, .labelSelector, message)
    }

    static func labelRequirement(_ message: String) -> SelectorError {
        SelectorError(.invalidRequirement, .labelSelector, message)
    }

    static func labelObject(_ message: String) -> SelectorError {
        SelectorError(.invalidObject, .labelSelector, message)
    }

    static func fieldSyntax(_ message: String) -> SelectorError {
        SelectorError(.syntax, .fieldSelector, message)
    }

    static func fieldEscape(_ message: String) -> SelectorError {
        SelectorError(.invalidEscape, .fieldSelector, message)
    }
}
