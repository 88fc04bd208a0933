extension LabelSelector {
    /// How a requirement relates a label key to its values. Raw values are apimachinery's
    /// `selection.Operator` spellings, which also appear in its error messages.
    public enum Operator: String, Sendable, Equatable, CaseIterable {
        case `in` = "in"
        case notIn = "notin"
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case greaterThan = "gt"
        case lessThan = "lt"
        case exists = "exists"
        case doesNotExist = "!"
    }

    /// One comma-separated clause of a selector, such as `tier in (web,api)` or `!canary`.
    public struct Requirement: Sendable, Equatable, CustomStringConvertible {
        public let key: String
        public let `operator`: Operator
        /// Sorted and without duplicates, as apimachinery keeps them.
        public let values: [String]

        /// Validates the requirement as `labels.NewRequirement` does: a valid key, one value for
        /// `=`/`==`/`!=`, at least one for `in`/`notin`, none for `exists`/`!`, one integer for `gt`/`lt`,
        /// and every value a valid label value.
        public init(key: String, operator op: Operator, values: [String]) throws(SelectorError) {
            var problems: [String] = []
            let keyProblems = ObjectMetaRules.qualifiedName(key)
            if !keyProblems.isEmpty {
                problems.append("key: Invalid value: \(GoFormat.quote(key)): " + keyProblems.joined(separator: "; "))
            }
            switch op {
            case .in, .notIn:
                if values.isEmpty {
                    problems.append(
                        "values: Invalid value: \(GoFormat.stringSlice(values)): for 'in', 'notin' operators, values set can't be empty"
                    )
                }
            case .equals, .doubleEquals, .notEquals:
                if values.count != 1 {
                    problems.append(
                        "values: Invalid value: \(GoFormat.stringSlice(values)): exact-match compatibility requires one single value"
                    )
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    problems.append(
                        "values: Invalid value: \(GoFormat.stringSlice(values)): values set must be empty for exists and does not exist"
                    )
                }
            case .greaterThan, .lessThan:
                if values.count != 1 {
                    problems.append(
                        "values: Invalid value: \(GoFormat.stringSlice(values)): for 'Gt', 'Lt' operators, exactly one value is required"
                    )
                }
                for (i, value) in values.enumerated() where Int64(value) == nil {
                    problems.append(
                        "values[\(i)]: Invalid value: \(GoFormat.quote(value)): for 'Gt', 'Lt' operators, the value must be an integer"
                    )
                }
            }
            for (i, value) in values.enumerated() {
                let valueProblems = ObjectMetaRules.labelValue(value)
                if !valueProblems.isEmpty {
                    problems.append(
                        "values[\(i)][\(key)]: Invalid value: \(GoFormat.quote(value)): " + valueProblems.joined(separator: "; ")
                    )
                }
            }
            if let message = LabelSelector.aggregate(problems) { throw .labelRequirement(message) }
            self.key = key
            self.operator = op
            self.values = Array(Set(values)).sorted(by: LabelSelector.byteOrder)
        }

        /// Whether a set of labels satisfies this requirement. A missing key satisfies `notin`, `!=`
        /// and `!` only.
        public func matches(_ labels: [String: String]) -> Bool {
            switch self.operator {
            case .in, .equals, .doubleEquals:
                guard let value = labels[key] else { return false }
                return values.contains(value)
            case .notIn, .notEquals:
                guard let value = labels[key] else { return true }
                return !values.contains(value)
            case .exists:
                return labels[key] != nil
            case .doesNotExist:
                return labels[key] == nil
            case .greaterThan, .lessThan:
                guard let text = labels[key], let actual = Int64(text), values.count == 1, let bound = Int64(values[0])
                else { return false }
                return self.operator == .greaterThan ? actual > bound : actual < bound
            }
        }

        /// The canonical text, as `labels.Requirement.String()` writes it.
        public var description: String {
            let joined = values.joined(separator: ",")
            switch self.operator {
            case .exists: return key
            case .doesNotExist: return "!" + key
            case .equals: return key + "=" + joined
            case .doubleEquals: return key + "==" + joined
            case .notEquals: return key + "!=" + joined
            case .greaterThan: return key + ">" + joined
            case .lessThan: return key + "<" + joined
            case .in: return key + " in (" + joined + ")"
            case .notIn: return key + " notin (" + joined + ")"
            }
        }
    }

    /// Joins field errors as `field.ErrorList.ToAggregate().Error()` does: one message alone, several
    /// in brackets, duplicates dropped.
    static func aggregate(_ problems: [String]) -> String? {
        var seen = Set<String>()
        let unique = problems.filter { seen.insert($0).inserted }
        switch unique.count {
        case 0: return nil
        case 1: return unique[0]
        default: return "[" + unique.joined(separator: ", ") + "]"
        }
    }

    /// Go's `sort.Strings` order (bytewise), which apimachinery uses for keys and values.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
