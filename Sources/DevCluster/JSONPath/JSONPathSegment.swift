import KubeAPI

/// One step of a JSONPath: each step maps every current match to zero or more new matches.
enum JSONPathSegment: Sendable, Equatable {
    /// `.name` or `['name']`; the empty name (`.` alone) keeps the current value.
    case field(String)
    /// `.*`: every value of an object (by key order) or element of an array.
    case wildcard
    /// `..`: the current value and every object or array below it, for the next step to search.
    case recursive
    /// `[n]`; negative counts from the end.
    case index(Int)
    /// `[start:end:step]`, Python-style: bounds clamp, negatives count from the end.
    case slice(start: Int?, end: Int?, step: Int?)
    /// `[*]`: every element of an array.
    case allElements
    /// `[a,b]`: the matches of each alternative, in order.
    case union([JSONPathSegment])
    /// `[?(...)]`: the elements of an array that satisfy the filter.
    case filter(JSONPathFilter)

    func select(from value: JSONValue) -> [JSONValue] {
        switch self {
        case .field(let name):
            if name.isEmpty { return [value] }
            guard case .object(let object) = value, let child = object[name] else { return [] }
            return [child]
        case .wildcard:
            switch value {
            case .object(let object): return JSONPathSegment.valuesInKeyOrder(object)
            case .array(let array): return array
            default: return []
            }
        case .recursive:
            var found: [JSONValue] = []
            JSONPathSegment.collectContainers(value, into: &found)
            return found
        case .index(let index):
            guard case .array(let array) = value else { return [] }
            let resolved = index < 0 ? array.count + index : index
            return array.indices.contains(resolved) ? [array[resolved]] : []
        case .slice(let start, let end, let step):
            guard case .array(let array) = value else { return [] }
            return JSONPathSegment.sliceIndices(count: array.count, start: start, end: end, step: step ?? 1)
                .map { array[$0] }
        case .allElements:
            guard case .array(let array) = value else { return [] }
            return array
        case .union(let alternatives):
            return alternatives.flatMap { $0.select(from: value) }
        case .filter(let filter):
            guard case .array(let array) = value else { return [] }
            return array.filter { filter.isSatisfied(by: $0) }
        }
    }

    static func apply(_ segments: [JSONPathSegment], to start: JSONValue) -> [JSONValue] {
        var current = [start]
        for segment in segments {
            current = current.flatMap { segment.select(from: $0) }
            if current.isEmpty { break }
        }
        return current
    }

    private static func valuesInKeyOrder(_ object: [String: JSONValue]) -> [JSONValue] {
        object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { object[$0]! }
    }

    /// Pre-order; only containers are kept, since only they can hold what the next step looks for.
    private static func collectContainers(_ value: JSONValue, into found: inout [JSONValue]) {
        switch value {
        case .object(let object):
            found.append(value)
            for child in valuesInKeyOrder(object) { collectContainers(child, into: &found) }
        case .array(let array):
            found.append(value)
            for child in array { collectContainers(child, into: &found) }
        default:
            break
        }
    }

    /// The parser refuses a zero step.
    static func sliceIndices(count: Int, start: Int?, end: Int?, step: Int) -> [Int] {
        guard step != 0, count > 0 else { return [] }
        func normalized(_ bound: Int, lower: Int, upper: Int) -> Int {
            let value = bound < 0 ? bound &+ count : bound
            return min(max(value, lower), upper)
        }
        let from: Int
        let to: Int
        if step > 0 {
            from = start.map { normalized($0, lower: 0, upper: count) } ?? 0
            to = end.map { normalized($0, lower: 0, upper: count) } ?? count
        } else {
            from = start.map { normalized($0, lower: -1, upper: count - 1) } ?? count - 1
            to = end.map { normalized($0, lower: -1, upper: count - 1) } ?? -1
        }
        // Stepped by hand: a step near Int.max would overflow `stride`.
        var indices: [Int] = []
        var current = from
        while step > 0 ? current < to : current > to {
            indices.append(current)
            let (next, overflow) = current.addingReportingOverflow(step)
            if overflow { break }
            current = next
        }
        return indices
    }
}
