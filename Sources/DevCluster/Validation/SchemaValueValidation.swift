import Foundation
import KubeAPI

/// One validation of one object: the errors found so far and compiled patterns, reused across the walk.
struct SchemaValueValidation {
    var errors: [FieldError] = []
    private var regexes: [String: NSRegularExpression] = [:]

    /// Validates `value` at `path` (kube-openapi's name for it, which is also the field path).
    /// Mirrors kube-openapi's validator chain: type, anyOf/oneOf/allOf/not, string, format, number,
    /// array, enum, object; each applies by the value's actual JSON kind, and all that apply run.
    mutating func validate(_ value: JSONValue, _ schema: StructuralSchema, path: String) {
        if value == .null {
            checkNullType(schema, path: path)
            checkEnum(value, schema, path: path)
            return
        }
        checkType(value, schema, path: path)
        checkJunctors(value, schema, path: path)
        if case .string(let s) = value {
            checkString(s, schema, path: path)
            checkFormat(s, schema, path: path)
        }
        if value.doubleValue != nil {
            checkNumber(value, schema, path: path)
        }
        if case .array(let array) = value {
            checkArray(array, schema, path: path)
        }
        checkEnum(value, schema, path: path)
        if case .object(let object) = value {
            checkObject(object, schema, path: path)
        }
    }

    // MARK: type

    private mutating func checkNullType(_ schema: StructuralSchema, path: String) {
        let types = schema.allowedTypes
        if !types.isEmpty, !schema.nullable {
            errors.append(typeError(path, types.joined(separator: ","), actual: "null"))
        }
    }

    private mutating func checkType(_ value: JSONValue, _ schema: StructuralSchema, path: String) {
        let types = schema.allowedTypes
        let format = schema.format ?? ""
        guard !types.isEmpty || !format.isEmpty else { return }
        let (dataType, dataFormat): (String, String)
        switch value {
        case .bool: (dataType, dataFormat) = ("boolean", "")
        case .string: (dataType, dataFormat) = ("string", "")
        case .int: (dataType, dataFormat) = ("integer", "int64")
        case .double: (dataType, dataFormat) = ("number", "float64")
        case .array: (dataType, dataFormat) = ("array", "")
        case .object, .null: (dataType, dataFormat) = ("object", "")
        }
        var isFloatInt = false
        if case .double(let d) = value, types.contains("integer"), Self.isJSONInteger(d) { isFloatInt = true }
        let isIntFloat = dataType == "integer" && types.contains("number")
        let stringOrArray = dataType == "string" || dataType == "array"
        let matches = types.contains(dataType) || isFloatInt || isIntFloat
        if !stringOrArray, !format.isEmpty, !(matches || dataFormat == format) {
            errors.append(typeError(path, format, actual: dataFormat))
            return
        }
        if !types.contains("number"), !types.contains("integer"), !format.isEmpty, stringOrArray {
            return
        }
        if !matches {
            errors.append(typeError(path, types.joined(separator: ","), actual: dataType))
        }
    }

    /// kube-openapi reports the JSON type it found, not the value: `Invalid value: "string": … must be of type integer: "string"`.
    private func typeError(_ path: String, _ expected: String, actual: String) -> FieldError {
        .typeInvalid(path, .string(actual), "\(path) in body must be of type \(expected): \(GoFormat.quote(actual))")
    }

    // MARK: anyOf / oneOf / allOf / not

    private mutating func checkJunctors(_ value: JSONValue, _ schema: StructuralSchema, path: String) {
        if !schema.anyOf.isEmpty {
            let results = schema.anyOf.map { subErrors(value, $0, path: path) }
            if !results.contains(where: \.isEmpty) {
                errors.append(compositeError("\(GoFormat.quote(path)) must validate at least one schema (anyOf)"))
                errors += Self.bestFailure(results)
            }
        }
        if !schema.oneOf.isEmpty {
            let results = schema.oneOf.map { subErrors(value, $0, path: path) }
            let valid = results.filter(\.isEmpty).count
            if valid != 1 {
                let found = valid == 0 ? "Found none valid" : "Found \(valid) valid alternatives"
                errors.append(compositeError("\(GoFormat.quote(path)) must validate one and only one schema (oneOf). \(found)"))
                if valid == 0 { errors += Self.bestFailure(results) }
            }
        }
        if !schema.allOf.isEmpty {
            let results = schema.allOf.map { subErrors(value, $0, path: path) }
            results.forEach { errors += $0 }
            let valid = results.filter(\.isEmpty).count
            if valid != results.count {
                let none = valid == 0 ? ". None validated" : ""
                errors.append(compositeError("\(GoFormat.quote(path)) must validate all the schemas (allOf)\(none)"))
            }
        }
        if let not = schema.not, subErrors(value, not, path: path).isEmpty {
            errors.append(compositeError("\(GoFormat.quote(path)) must not validate the schema (not)"))
        }
    }

    private mutating func subErrors(_ value: JSONValue, _ schema: StructuralSchema, path: String) -> [FieldError] {
        var sub = SchemaValueValidation()
        sub.regexes = regexes
        sub.validate(value, schema, path: path)
        regexes = sub.regexes
        return sub.errors
    }

    /// kube-openapi keeps the errors of the alternative that came closest; fewest errors approximates that.
    private static func bestFailure(_ results: [[FieldError]]) -> [FieldError] {
        results.min(by: { $0.count < $1.count }) ?? []
    }

    /// The server reports junctor failures as plain errors, which land on the empty (root) field path.
    private func compositeError(_ detail: String) -> FieldError {
        .invalid("", .string(""), detail)
    }

    // MARK: strings

    /// Like kube-openapi, a string reports only its first failure: maxLength, minLength, then pattern.
    private mutating func checkString(_ s: String, _ schema: StructuralSchema, path: String) {
        let length = s.unicodeScalars.count
        if let maxLength = schema.maxLength, length > maxLength {
            errors.append(.tooLong(path, maxLength: maxLength))
            return
        }
        if let minLength = schema.minLength, length < minLength {
            errors.append(.invalid(path, .string(s), "\(path) in body should be at least \(minLength) chars long"))
            return
        }
        if let pattern = schema.pattern, let regex = regex(pattern),
            regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
        {
            errors.append(.invalid(path, .string(s), "\(path) in body should match '\(pattern)'"))
        }
    }

    private mutating func checkFormat(_ s: String, _ schema: StructuralSchema, path: String) {
        guard let format = schema.format, let valid = formatCheck(format, s) else { return }
        if !valid {
            errors.append(.typeInvalid(path, .string(s), "\(path) in body must be of type \(format): \(GoFormat.quote(s))"))
        }
    }

    /// `nil` for formats the server does not check (unknown ones are dropped from CRD schemas).
    private mutating func formatCheck(_ format: String, _ s: String) -> Bool? {
        switch format {
        case "date-time", "datetime":
            return matches(#"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"#, s)
        case "date":
            return matches(#"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"#, s)
        case "byte":
            return Data(base64Encoded: s) != nil
        case "uuid", "uuid3", "uuid4", "uuid5":
            return matches(#"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"#, s)
        case "ipv4":
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4
                && parts.allSatisfy { part in
                    !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && (UInt8(part) != nil)
                }
        case "ipv6":
            return s.contains(":") && s.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        case "hostname":
            return s.count <= 255
                && matches(#"^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$"#, s)
        default:
            return nil
        }
    }

    private mutating func matches(_ pattern: String, _ s: String) -> Bool {
        guard let regex = regex(pattern) else { return true }
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    private mutating func regex(_ pattern: String) -> NSRegularExpression? {
        if let cached = regexes[pattern] { return cached }
        guard let compiled = try? NSRegularExpression(pattern: pattern) else { return nil }
        regexes[pattern] = compiled
        return compiled
    }

    // MARK: numbers

    /// Integers are compared as integers against a truncated bound (and print it as an integer),
    /// floats as floats, as kube-openapi's native-type checks do. Reported in order: multipleOf, minimum, maximum.
    private mutating func checkNumber(_ value: JSONValue, _ schema: StructuralSchema, path: String) {
        let data = value.doubleValue!
        if let factor = schema.multipleOf, factor > 0 {
            if case .int(let i) = value, factor >= 1 {
                let intFactor = Self.clampedInt(factor)
                if i % intFactor != 0 {
                    errors.append(.invalid(path, value, "\(path) in body should be a multiple of \(intFactor)"))
                }
            } else {
                let quotient = factor < 1 ? (1 / factor) * data : data / factor
                if !Self.isJSONInteger(quotient) {
                    errors.append(.invalid(path, .double(data), "\(path) in body should be a multiple of \(GoFormat.float(factor))"))
                }
            }
        }
        if let minimum = schema.minimum {
            let exclusive = schema.exclusiveMinimum
            let words = exclusive ? "should be greater than" : "should be greater than or equal to"
            if case .int(let i) = value {
                let bound = Self.clampedInt(minimum)
                if exclusive ? i <= bound : i < bound {
                    errors.append(.invalid(path, value, "\(path) in body \(words) \(bound)"))
                }
            } else if exclusive ? data <= minimum : data < minimum {
                errors.append(.invalid(path, value, "\(path) in body \(words) \(GoFormat.float(minimum))"))
            }
        }
        if let maximum = schema.maximum {
            let exclusive = schema.exclusiveMaximum
            let words = exclusive ? "should be less than" : "should be less than or equal to"
            if case .int(let i) = value {
                let bound = Self.clampedInt(maximum)
                if exclusive ? i >= bound : i > bound {
                    errors.append(.invalid(path, value, "\(path) in body \(words) \(bound)"))
                }
            } else if exclusive ? data >= maximum : data > maximum {
                errors.append(.invalid(path, value, "\(path) in body \(words) \(GoFormat.float(maximum))"))
            }
        }
    }

    /// Go's `swag.IsFloat64AJSONInteger`: whole within a relative epsilon, and within ±2^53.
    static func isJSONInteger(_ d: Double) -> Bool {
        guard d.isFinite, abs(d) <= 9_007_199_254_740_991 else { return false }
        let diff = abs(d - d.rounded())
        return diff == 0 || diff <= 1e-9 * max(1, abs(d))
    }

    private static func clampedInt(_ d: Double) -> Int64 {
        if d >= 9.2e18 { return Int64.max }
        if d <= -9.2e18 { return Int64.min }
        return Int64(d)
    }

    // MARK: arrays

    private mutating func checkArray(_ array: [JSONValue], _ schema: StructuralSchema, path: String) {
        if let items = schema.items {
            for (index, element) in array.enumerated() {
                validate(element, items, path: "\(path)[\(index)]")
            }
        }
        if let minItems = schema.minItems, array.count < minItems {
            errors.append(.invalid(path, .int(Int64(array.count)), "\(path) in body should have at least \(minItems) items"))
        }
        if let maxItems = schema.maxItems, array.count > maxItems {
            errors.append(.tooMany(path, actual: array.count, max: maxItems))
        }
        if schema.uniqueItems {
            var seen: [JSONValue] = []
            for element in array {
                if seen.contains(where: { $0.semanticallyEquals(element) }) {
                    errors.append(.invalid(path, .string(""), "\(path) in body shouldn't contain duplicates"))
                    break
                }
                seen.append(element)
            }
        }
    }

    // MARK: enum

    private mutating func checkEnum(_ value: JSONValue, _ schema: StructuralSchema, path: String) {
        guard let values = schema.enumValues, !values.isEmpty else { return }
        if values.contains(where: { $0.semanticallyEquals(value) }) { return }
        let supported = values.map { $0.stringValue ?? $0.serialized() }
        errors.append(.notSupported(path, value, supported: supported))
    }

    // MARK: objects

    private mutating func checkObject(_ object: [String: JSONValue], _ schema: StructuralSchema, path: String) {
        let count = object.count
        if let minProperties = schema.minProperties, count < minProperties {
            errors.append(.invalid(path, .int(Int64(count)), "\(path) in body should have at least \(minProperties) properties"))
            return
        }
        if let maxProperties = schema.maxProperties, count > maxProperties {
            errors.append(.tooMany(path, actual: count, max: maxProperties))
            return
        }
        let keys = object.keys.sorted()
        switch schema.additionalProperties {
        case .allowed(false):
            for key in keys where schema.properties[key] == nil {
                errors.append(.invalid(path, .string(key), "\(path).\(key) in body is a forbidden property"))
            }
        case .schema(let valueSchema):
            for key in keys where schema.properties[key] == nil {
                validate(object[key]!, valueSchema, path: SchemaPruner.join(path, key))
            }
        case .allowed(true), nil:
            break
        }
        for key in keys {
            if let property = schema.properties[key] {
                validate(object[key]!, property, path: SchemaPruner.join(path, key))
            }
        }
        for key in schema.required where object[key] == nil {
            errors.append(.required(SchemaPruner.join(path, key)))
        }
    }
}
