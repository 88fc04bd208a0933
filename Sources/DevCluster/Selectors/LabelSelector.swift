import KubeAPI

/// A Kubernetes label selector: the `?labelSelector=` query of a list or watch, and the
/// `spec.selector` (metav1.LabelSelector) that Deployments and ReplicaSets use to find their pods.
///
/// Parsing follows k8s.io/apimachinery/pkg/labels, error messages included, so `kubectl get -l`
/// behaves against the dev cluster as against a real one. Requirements are ANDed; an empty
/// selector selects everything.
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    /// The requirements, sorted by key (stable), as apimachinery keeps them.
    public let requirements: [Requirement]
    /// A nil metav1.LabelSelector selects nothing, unlike an empty one; this keeps them apart.
    private let selectsNothing: Bool

    /// Selects every object.
    public static let everything = LabelSelector(sorted: [], selectsNothing: false)
    /// Selects no object: what a missing (null) metav1.LabelSelector means.
    public static let nothing = LabelSelector(sorted: [], selectsNothing: true)

    public init(requirements: [Requirement]) {
        self.init(sorted: LabelSelector.sortedByKey(requirements), selectsNothing: false)
    }

    private init(sorted: [Requirement], selectsNothing: Bool) {
        self.requirements = sorted
        self.selectsNothing = selectsNothing
    }

    /// True when the selector places no restriction (selects everything).
    public var isEmpty: Bool { !selectsNothing && requirements.isEmpty }

    /// Whether an object with these labels is selected.
    public func matches(_ labels: [String: String]) -> Bool {
        if selectsNothing { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// The canonical text, as `labels.Selector.String()` writes it; parsing it again gives an equal selector.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// Parses the string syntax of `?labelSelector=`: `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
    /// `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`, separated by commas. The empty string selects everything.
    public static func parse(_ text: String) throws(SelectorError) -> LabelSelector {
        var parser = LabelSelectorParser(text)
        return LabelSelector(requirements: try parser.parse())
    }

    /// Builds a selector from `matchLabels` and `matchExpressions`, as `metav1.LabelSelectorAsSelector`
    /// does: both empty selects everything.
    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) throws(SelectorError) {
        var all: [Requirement] = []
        for key in matchLabels.keys.sorted(by: LabelSelector.byteOrder) {
            all.append(try Requirement(key: key, operator: .equals, values: [matchLabels[key]!]))
        }
        all += matchExpressions
        self.init(requirements: all)
    }

    /// Reads a metav1.LabelSelector object (`matchLabels`, and `matchExpressions` with the operators
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`). JSON `null` selects nothing, `{}` everything.
    public init(json: JSONValue) throws(SelectorError) {
        guard case .object(let object) = json else {
            if json.isNull {
                self = .nothing
                return
            }
            throw .labelObject(
                "selector: Invalid value: \(json.serialized()): must be an object with matchLabels and matchExpressions"
            )
        }
        var matchLabels: [String: String] = [:]
        switch object["matchLabels"] {
        case nil, .null?:
            break
        case .object(let labels)?:
            for (key, value) in labels {
                guard let text = value.stringValue else {
                    throw .labelObject(
                        "matchLabels[\(key)]: Invalid value: \(value.serialized()): must be a string"
                    )
                }
                matchLabels[key] = text
            }
        case let other?:
            throw .labelObject("matchLabels: Invalid value: \(other.serialized()): must be an object of strings")
        }
        var expressions: [Requirement] = []
        switch object["matchExpressions"] {
        case nil, .null?:
            break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                expressions.append(try LabelSelector.expression(item, path: "matchExpressions[\(i)]"))
            }
        case let other?:
            throw .labelObject("matchExpressions: Invalid value: \(other.serialized()): must be an array")
        }
        try self.init(matchLabels: matchLabels, matchExpressions: expressions)
    }

    private static func expression(_ item: JSONValue, path: String) throws(SelectorError) -> Requirement {
        guard case .object(let fields) = item else {
            throw .labelObject("\(path): Invalid value: \(item.serialized()): must be an object")
        }
        guard let key = fields["key"]?.stringValue else {
            throw .labelObject("\(path).key: Required value")
        }
        let operatorText = fields["operator"]?.stringValue ?? ""
        let op: Operator
        switch operatorText {
        case "In": op = .in
        case "NotIn": op = .notIn
        case "Exists": op = .exists
        case "DoesNotExist": op = .doesNotExist
        default: throw .labelObject("\(GoFormat.quote(operatorText)) is not a valid label selector operator")
        }
        var values: [String] = []
        switch fields["values"] {
        case nil, .null?:
            break
        case .array(let items)?:
            for (j, value) in items.enumerated() {
                guard let text = value.stringValue else {
                    throw .labelObject("\(path).values[\(j)]: Invalid value: \(value.serialized()): must be a string")
                }
                values.append(text)
            }
        case let other?:
            throw .labelObject("\(path).values: Invalid value: \(other.serialized()): must be an array of strings")
        }
        return try Requirement(key: key, operator: op, values: values)
    }

    private static func sortedByKey(_ requirements: [Requirement]) -> [Requirement] {
        // Stable, so requirements on the same key keep the order they were written in.
        requirements.enumerated()
            .sorted { a, b in
                if a.element.key != b.element.key { return byteOrder(a.element.key, b.element.key) }
                return a.offset < b.offset
            }
            .map(\.element)
    }
}
