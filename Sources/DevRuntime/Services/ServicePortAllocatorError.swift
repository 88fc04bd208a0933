/// Why a ``ServicePortAllocator`` could not load, allocate or save.
public struct ServicePortAllocatorError: Error, CustomStringConvertible {
    /// What failed; compare with the static members.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case invalidRange, stateFileUnreadable, stateFileUnwritable, rangeExhausted
        }
        private let base: Base
        /// The configured port range is empty or outside 1-65535.
        public static let invalidRange = Code(base: .invalidRange)
        /// The state file exists but cannot be read or parsed.
        public static let stateFileUnreadable = Code(base: .stateFileUnreadable)
        /// The state file cannot be written.
        public static let stateFileUnwritable = Code(base: .stateFileUnwritable)
        /// Every port in the range is held by a Service or in use.
        public static let rangeExhausted = Code(base: .rangeExhausted)
    }

    public let code: Code
    public let message: String
    public let underlying: (any Error)?

    init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
