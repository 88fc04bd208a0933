/// Why a JSONPath expression (a CRD printer column's `jsonPath`, for instance) could not be read.
///
/// Messages use the wording of k8s.io/client-go/util/jsonpath (`unterminated array`,
/// `invalid array index x`, `unrecognized character in action: U+0023 '#'`, ...), which users
/// already know from kubectl and the API server.
public struct JSONPathError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The expression that was refused.
    public let expression: String
    /// Where the problem was found, counted in Unicode scalars from the start of `expression`.
    public let offset: Int
    /// What was wrong.
    public let message: String

    public var description: String { message }

    init(expression: String, offset: Int, message: String) {
        self.expression = expression
        self.offset = offset
        self.message = message
    }
}
