import KubeAPI

/// Decodes request bodies sent as `application/vnd.kubernetes.protobuf` into the JSON objects the rest of
/// the dev server works with.
///
/// kubectl's typed generators (`kubectl create namespace|configmap|secret|serviceaccount|service|deployment|job`) encode
/// the object as protobuf even when the server only answers JSON. The body is the 4-byte magic `k8s\0`
/// followed by a `runtime.Unknown` envelope whose `raw` field holds the object's own protobuf encoding.
/// The result is the object as its JSON form would be: the same field names, omitempty fields dropped,
/// `[]byte` as base64, times as RFC 3339, plus `apiVersion` and `kind` from the envelope.
public enum KubernetesProtobuf {
    /// The media type of this encoding.
    public static let contentType = "application/vnd.kubernetes.protobuf"

    /// The prefix every Kubernetes protobuf body starts with.
    public static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// The kinds `decode` understands, by `apiVersion` and `kind`.
    static let schemas: [TypeKey: ProtobufMessageSchema] = [
        TypeKey("v1", "Namespace"): CoreV1ProtobufSchemas.namespace,
        TypeKey("v1", "ConfigMap"): CoreV1ProtobufSchemas.configMap,
        TypeKey("v1", "Secret"): CoreV1ProtobufSchemas.secret,
        TypeKey("v1", "ServiceAccount"): CoreV1ProtobufSchemas.serviceAccount,
        TypeKey("v1", "Service"): CoreV1ProtobufSchemas.service,
        TypeKey("v1", "Pod"): CoreV1ProtobufSchemas.pod,
        TypeKey("apps/v1", "Deployment"): WorkloadProtobufSchemas.deployment,
        TypeKey("batch/v1", "Job"): WorkloadProtobufSchemas.job,
    ]

    /// The kinds `decode` accepts, as `apiVersion Kind`, sorted, for messages and documentation.
    public static var supportedKinds: [String] {
        schemas.keys.map { "\($0.apiVersion) \($0.kind)" }.sorted()
    }

    /// Decodes a complete protobuf request body into a JSON object.
    public static func decode(_ bytes: [UInt8]) throws(ProtobufError) -> JSONValue {
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw ProtobufError(
                code: .missingMagic, offset: 0,
                reason: "the request body is not Kubernetes protobuf: it must start with the 4-byte prefix "
                    + "\"k8s\\x00\" required by Content-Type \(contentType)")
        }
        let envelope = try Envelope.decode(bytes[magic.count...])

        guard envelope.contentEncoding.isEmpty else {
            throw ProtobufError(
                code: .unsupportedEncoding,
                reason: "the protobuf envelope declares contentEncoding \"\(envelope.contentEncoding)\"; "
                    + "only unencoded objects are supported")
        }
        guard !envelope.kind.isEmpty, !envelope.apiVersion.isEmpty else {
            throw ProtobufError(
                code: .malformed, field: "typeMeta",
                reason: "the protobuf envelope must name the object's apiVersion and kind "
                    + "(got apiVersion \"\(envelope.apiVersion)\", kind \"\(envelope.kind)\")")
        }

        var object: [String: JSONValue]
        switch envelope.contentType {
        case "", contentType:
            guard let schema = schemas[TypeKey(envelope.apiVersion, envelope.kind)] else {
                throw unsupported(apiVersion: envelope.apiVersion, kind: envelope.kind)
            }
            object = try ProtobufMessageDecoder.decodeObject(envelope.raw, schema: schema, path: "")
        case "application/json":
            // The envelope may carry a JSON object verbatim; accept it rather than insist on protobuf.
            guard let parsed = try? JSONValue.parse(bytes: envelope.raw), let fields = parsed.objectValue else {
                throw ProtobufError(
                    code: .malformed, field: "raw", reason: "the envelope's application/json object is not a JSON object")
            }
            object = fields
        default:
            throw ProtobufError(
                code: .unsupportedEncoding,
                reason: "the protobuf envelope declares contentType \"\(envelope.contentType)\"; "
                    + "supported are \(contentType) and application/json")
        }
        object["apiVersion"] = .string(envelope.apiVersion)
        object["kind"] = .string(envelope.kind)
        return .object(object)
    }

    private static func unsupported(apiVersion: String, kind: String) -> ProtobufError {
        let file = kind.lowercased() + ".yaml"
        return ProtobufError(
            code: .unsupportedKind,
            reason: "trainyard dev cannot decode \(apiVersion) \(kind) from protobuf; protobuf request bodies are "
                + "supported for \(supportedKinds.joined(separator: ", ")). Send the object as JSON or YAML "
                + "instead, e.g. write it to \(file) and run `kubectl apply -f \(file)`")
    }

    /// An apiVersion/kind pair.
    struct TypeKey: Hashable, Sendable {
        var apiVersion: String
        var kind: String
        init(_ apiVersion: String, _ kind: String) {
            self.apiVersion = apiVersion
            self.kind = kind
        }
    }
}
