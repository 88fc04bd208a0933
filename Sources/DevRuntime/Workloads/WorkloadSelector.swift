import KubeAPI

/// A `metav1.LabelSelector` (`matchLabels` and `matchExpressions`) that decides which Pods or
/// ReplicaSets a controller may adopt or must release.
struct WorkloadSelector: Sendable, Equatable {
    enum Operator: String, Sendable, Equatable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    struct Requirement: Sendable, Equatable {
        var key: String
        var op: Operator
        var values: Set<String>
    }

    var matchLabels: [String: String]
    var requirements: [Requirement]

    /// True for `{}`, which selects everything (a controller refuses to run with it).
    var isEmpty: Bool { matchLabels.isEmpty && requirements.isEmpty }

    init(matchLabels: [String: String] = [:], requirements: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.requirements = requirements
    }

    init(_ json: JSONValue, field: String) throws(WorkloadSpecError) {
        guard json.objectValue != nil else { throw .invalid(field, "must be an object with matchLabels and/or matchExpressions") }
        matchLabels = WorkloadJSON.stringMap(json["matchLabels"])
        requirements = []
        for (index, expression) in (json["matchExpressions"]?.arrayValue ?? []).enumerated() {
            let path = "\(field).matchExpressions[\(index)]"
            guard let key = expression["key"]?.stringValue else { throw .missing("\(path).key") }
            let raw = expression["operator"]?.stringValue ?? ""
            guard let op = Operator(rawValue: raw) else {
                throw .unsupported("\(path).operator", value: raw, supported: ["In", "NotIn", "Exists", "DoesNotExist"])
            }
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            if (op == .in || op == .notIn) && values.isEmpty {
                throw .invalid("\(path).values", "must be specified when `operator` is 'In' or 'NotIn'")
            }
            requirements.append(Requirement(key: key, op: op, values: values))
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in requirements {
            let value = labels[requirement.key]
            switch requirement.op {
            case .in: guard let value, requirement.values.contains(value) else { return false }
            case .notIn: if let value, requirement.values.contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }
}
