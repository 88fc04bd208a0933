import KubeAPI

/// Turns a CustomResourceDefinition object into the resources it serves, and checks it as the
/// real server would before accepting it.
enum CustomResourceDefinition {
    static let storageKey = "apiextensions.k8s.io/customresourcedefinitions"

    /// One `ResourceInfo` per served version.
    static func resources(from crd: JSONValue) throws(APIErrorList) -> [ResourceInfo] {
        let errors = validate(crd)
        if !errors.isEmpty { throw APIErrorList(errors: errors) }
        let spec = crd["spec"] ?? [:]
        let group = spec["group"]?.stringValue ?? ""
        let names = spec["names"] ?? [:]
        let plural = names["plural"]?.stringValue ?? ""
        let kind = names["kind"]?.stringValue ?? ""
        let singular = names["singular"]?.stringValue ?? kind.lowercased()
        let namespaced = (spec["scope"]?.stringValue ?? "Namespaced") == "Namespaced"
        var result: [ResourceInfo] = []
        for version in spec["versions"]?.arrayValue ?? [] where version["served"]?.boolValue ?? true {
            let schemaJSON = version[path: ["schema", "openAPIV3Schema"]]
            let schema = try? schemaJSON.map { json throws(SchemaError) in try StructuralSchema(json: json) }
            var columns: [PrinterColumn] = []
            if let declared = version["additionalPrinterColumns"]?.arrayValue {
                for column in declared {
                    columns.append(
                        PrinterColumn(
                            name: column["name"]?.stringValue ?? "", type: column["type"]?.stringValue ?? "string",
                            format: column["format"]?.stringValue ?? "", description: column["description"]?.stringValue ?? "",
                            priority: Int(column["priority"]?.intValue ?? 0), jsonPath: column["jsonPath"]?.stringValue ?? ""))
                }
            } else {
                columns = [PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")]
            }
            var info = ResourceInfo(
                group: group, version: version["name"]?.stringValue ?? "", resource: plural, singular: singular, kind: kind,
                namespaced: namespaced,
                shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatusSubresource: version[path: ["subresources", "status"]] != nil,
                tracksGeneration: true, schema: schema ?? nil, openAPISchema: schemaJSON, printerColumns: columns,
                definedBy: crd[path: ["metadata", "name"]]?.stringValue,
                scaleSubresource: CustomResourceScale(json: version[path: ["subresources", "scale"]]))
            if let listKind = names["listKind"]?.stringValue { info.listKind = listKind }
            result.append(info)
        }
        return result
    }

    /// The checks the real server makes of a CRD that matter to its users.
    static func validate(_ crd: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let spec = crd["spec"] ?? [:]
        let group = spec["group"]?.stringValue ?? ""
        let plural = spec[path: ["names", "plural"]]?.stringValue ?? ""
        let name = crd[path: ["metadata", "name"]]?.stringValue ?? ""
        if group.isEmpty { errors.append(FieldError(.required, field: "spec.group", detail: "")) }
        if plural.isEmpty { errors.append(FieldError(.required, field: "spec.names.plural", detail: "")) }
        if (spec[path: ["names", "kind"]]?.stringValue ?? "").isEmpty {
            errors.append(FieldError(.required, field: "spec.names.kind", detail: ""))
        }
        if !group.isEmpty, !plural.isEmpty, name != "\(plural).\(group)" {
            errors.append(
                FieldError(.invalid, field: "metadata.name", badValue: .string(name), detail: "must be spec.names.plural+\".\"+spec.group"))
        }
        if let scope = spec["scope"]?.stringValue, scope != "Namespaced", scope != "Cluster" {
            errors.append(
                FieldError(
                    .notSupported, field: "spec.scope", badValue: .string(scope), detail: "supported values: \"Cluster\", \"Namespaced\""))
        }
        let versions = spec["versions"]?.arrayValue ?? []
        if versions.isEmpty {
            errors.append(
                FieldError(
                    .invalid, field: "spec.versions", badValue: .array([]),
                    detail: "must have exactly one version marked as storage version"))
        } else if versions.filter({ $0["storage"]?.boolValue == true }).count != 1 {
            errors.append(
                FieldError(
                    .invalid, field: "spec.versions", badValue: .array(versions),
                    detail: "must have exactly one version marked as storage version"))
        }
        for (i, version) in versions.enumerated() {
            if let scale = version[path: ["subresources", "scale"]] {
                errors += CustomResourceScale.validate(definition: scale, field: "spec.versions[\(i)].subresources")
            }
            guard let schema = version[path: ["schema", "openAPIV3Schema"]] else { continue }
            do throws(SchemaError) {
                _ = try StructuralSchema(json: schema)
            } catch {
                errors.append(FieldError(.invalid, field: "spec.versions[\(i)].schema.openAPIV3Schema", detail: error.description))
            }
        }
        return errors
    }

    /// The status the real server's controllers write once the names are accepted.
    static func establishedStatus(for crd: JSONValue, at time: String) -> JSONValue {
        var status = crd["status"] ?? [:]
        let condition: (String, String, String) -> JSONValue = { type, reason, message in
            [
                "type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
                "lastTransitionTime": .string(time),
            ]
        }
        let existing = status["conditions"]?.arrayValue ?? []
        if existing.first(where: { $0["type"]?.stringValue == "Established" })?["status"]?.stringValue != "True" {
            status["conditions"] = [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ]
        }
        status["acceptedNames"] = crd[path: ["spec", "names"]] ?? [:]
        let storage = (crd[path: ["spec", "versions"]]?.arrayValue ?? []).filter { $0["storage"]?.boolValue == true }.compactMap {
            $0["name"]
        }
        var stored = status["storedVersions"]?.arrayValue ?? []
        for v in storage where !stored.contains(v) { stored.append(v) }
        status["storedVersions"] = .array(stored)
        return status
    }
}

/// Field errors found while checking an object, thrown together.
struct APIErrorList: Error {
    var errors: [FieldError]
}
