import KubeAPI

extension SchemaValidator {
    /// What the API server checks in `metadata` on create (apimachinery `ValidateObjectMetaAccessor`
    /// with `NameIsDNSSubdomain`), with its messages: name (required unless `generateName` is set,
    /// a DNS-1123 subdomain of at most 253 characters), generateName, namespace (required and a
    /// DNS-1123 label when `namespaced`, forbidden otherwise), generation, label keys and values,
    /// annotation keys and total size, and finalizer names.
    ///
    /// With only `generateName` given, the caller is expected to generate the name afterwards.
    public static func validateObjectMeta(_ metadata: JSONValue?, namespaced: Bool) -> [FieldError] {
        let meta: [String: JSONValue]
        switch metadata {
        case .object(let o): meta = o
        case nil, .null?: meta = [:]
        case let other?: return [.typeInvalid("metadata", other, "must be an object")]
        }
        var errors: [FieldError] = []
        let generateName = string(meta, "generateName", &errors) ?? ""
        let name = string(meta, "name", &errors) ?? ""
        let namespace = string(meta, "namespace", &errors) ?? ""

        if !generateName.isEmpty {
            for message in ObjectMetaRules.dns1123Subdomain(ObjectMetaRules.maskTrailingDash(generateName)) {
                errors.append(.invalid("metadata.generateName", .string(generateName), message))
            }
        }
        if name.isEmpty {
            if generateName.isEmpty {
                errors.append(.required("metadata.name", "name or generateName is required"))
            }
        } else {
            for message in ObjectMetaRules.dns1123Subdomain(name) {
                errors.append(.invalid("metadata.name", .string(name), message))
            }
        }

        if namespaced {
            if namespace.isEmpty {
                errors.append(.required("metadata.namespace"))
            } else {
                for message in ObjectMetaRules.dns1123Label(namespace) {
                    errors.append(.invalid("metadata.namespace", .string(namespace), message))
                }
            }
        } else if !namespace.isEmpty {
            errors.append(.forbidden("metadata.namespace", "not allowed on this type"))
        }

        if let generation = meta["generation"], let value = generation.intValue, value < 0 {
            errors.append(.invalid("metadata.generation", generation, "must be greater than or equal to 0"))
        }

        if let labels = stringMap(meta, "labels", &errors) {
            for key in labels.keys.sorted() {
                for message in ObjectMetaRules.qualifiedName(key) {
                    errors.append(.invalid("metadata.labels", .string(key), message))
                }
                for message in ObjectMetaRules.labelValue(labels[key]!) {
                    errors.append(.invalid("metadata.labels", .string(labels[key]!), message))
                }
            }
        }

        if let annotations = stringMap(meta, "annotations", &errors) {
            // Annotation keys are qualified names, except that case does not matter.
            for key in annotations.keys.sorted() {
                for message in ObjectMetaRules.qualifiedName(key.lowercased()) {
                    errors.append(.invalid("metadata.annotations", .string(key), message))
                }
            }
            let size = annotations.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            if size > ObjectMetaRules.totalAnnotationSizeLimit {
                errors.append(.tooLong("metadata.annotations", maxLength: ObjectMetaRules.totalAnnotationSizeLimit))
            }
        }

        if let finalizers = meta["finalizers"] {
            if case .array(let names) = finalizers {
                for (index, element) in names.enumerated() {
                    guard case .string(let finalizer) = element else {
                        errors.append(.typeInvalid("metadata.finalizers[\(index)]", element, "must be a string"))
                        continue
                    }
                    for message in ObjectMetaRules.qualifiedName(finalizer) {
                        errors.append(.invalid("metadata.finalizers", .string(finalizer), message))
                    }
                }
            } else if finalizers != .null {
                errors.append(.typeInvalid("metadata.finalizers", finalizers, "must be an array of strings"))
            }
        }
        return errors
    }

    private static func string(_ meta: [String: JSONValue], _ key: String, _ errors: inout [FieldError]) -> String? {
        switch meta[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?:
            errors.append(.typeInvalid("metadata.\(key)", other, "must be a string"))
            return nil
        }
    }

    private static func stringMap(_ meta: [String: JSONValue], _ key: String, _ errors: inout [FieldError]) -> [String: String]? {
        switch meta[key] {
        case nil, .null?: return nil
        case .object(let o)?:
            var map: [String: String] = [:]
            for (k, v) in o {
                if case .string(let s) = v {
                    map[k] = s
                } else {
                    errors.append(.typeInvalid("metadata.\(key)[\(k)]", v, "must be a string"))
                }
            }
            return map
        case let other?:
            errors.append(.typeInvalid("metadata.\(key)", other, "must be an object of strings"))
            return nil
        }
    }
}
