import KubeAPI

/// The predicate of a `[?(...)]` step, e.g. `@.type=="Ready"` or `@.replicas>=2`, or a bare
/// `@.name` that holds when the path finds something.
struct JSONPathFilter: Sendable, Equatable {
    enum Operator: String, Sendable, Equatable {
        case exists
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case greater = ">"
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
    }

    /// A path relative to the element being tested, or a literal string, number or boolean.
    enum Operand: Sendable, Equatable {
        case path([JSONPathSegment])
        case literal(JSONValue)

        func values(for element: JSONValue) -> [JSONValue] {
            switch self {
            case .path(let segments): return JSONPathSegment.apply(segments, to: element)
            case .literal(let value): return [value]
            }
        }
    }

    let left: Operand
    let `operator`: Operator
    /// Nil for `exists`.
    let right: Operand?

    /// Like client-go, a side that finds nothing (or, here, more than one value) rejects the element;
    /// values of different types never compare (client-go fails the whole column then; dropping the
    /// element gives the same empty cell in the usual single-match case).
    func isSatisfied(by element: JSONValue) -> Bool {
        let lefts = left.values(for: element)
        guard let right else { return !lefts.isEmpty }
        let rights = right.values(for: element)
        guard lefts.count == 1, rights.count == 1 else { return false }
        return JSONPathFilter.compare(lefts[0], self.operator, rights[0])
    }

    static func compare(_ a: JSONValue, _ op: Operator, _ b: JSONValue) -> Bool {
        let order: Int
        switch (a, b) {
        case (.int(let x), .int(let y)):
            order = x < y ? -1 : (x == y ? 0 : 1)
        case (.int, .double), (.double, .int), (.double, .double):
            guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN else { return false }
            order = x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)):
            // Go compares strings bytewise.
            order = x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
        case (.bool(let x), .bool(let y)):
            guard op == .equal || op == .notEqual else { return false }
            order = x == y ? 0 : 1
        case (.null, .null):
            guard op == .equal || op == .notEqual else { return false }
            order = 0
        default:
            return false
        }
        switch op {
        case .exists: return true
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .greater: return order > 0
        case .lessOrEqual: return order <= 0
        case .greaterOrEqual: return order >= 0
        }
    }
}
