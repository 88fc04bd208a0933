/// Why a model could not be fitted: bad input (empty, mismatched lengths, missing values, labels
/// out of range), bad parameters, or a system the solver cannot solve. `kind` is for code that
/// reacts to the failure; `message` is for the person who has to fix the input.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The phase or cause of the failure, stable for matching in code (`error.kind == .missingValues`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No rows or no columns to fit on.
        public static let emptyData = Kind("emptyData")
        /// Features, targets, labels or weights disagree on the number of rows.
        public static let lengthMismatch = Kind("lengthMismatch")
        /// A feature holds NaN; linear models cannot use it (GBDT can).
        public static let missingValues = Kind("missingValues")
        /// A feature, target or weight is infinite (or a target is NaN).
        public static let nonFiniteValues = Kind("nonFiniteValues")
        /// A parameter of the fit is out of its valid range.
        public static let invalidParameter = Kind("invalidParameter")
        /// Labels are outside `0..<classCount` or a class has no rows.
        public static let invalidLabels = Kind("invalidLabels")
        /// The normal equations are singular (a constant or collinear column without regularisation).
        public static let singularSystem = Kind("singularSystem")
        /// Data does not fit the model's schema: a column missing, of the wrong kind, or unusable.
        public static let invalidData = Kind("invalidData")
        /// A model file that cannot be read: not JSON, another format, or a newer format version.
        public static let unreadableModel = Kind("unreadableModel")

        public var description: String { name }
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
