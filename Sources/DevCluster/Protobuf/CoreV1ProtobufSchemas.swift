/// Protobuf schemas of the k8s.io/api/core/v1 kinds that kubectl's generators send as protobuf.
///
/// Field numbers: `core/v1/generated.proto`; JSON names and omitempty: `core/v1/types.go`. Fields that
/// are not listed (newer or rarely used ones) are skipped like any unknown protobuf field.
enum CoreV1ProtobufSchemas {
    typealias M = MetaV1ProtobufSchemas

    // MARK: References

    static let localObjectReference = ProtobufMessageSchema("LocalObjectReference", [.string(1, "name")])

    static let objectReference = ProtobufMessageSchema(
        "ObjectReference",
        [
            .string(1, "kind"),
            .string(2, "namespace"),
            .string(3, "name"),
            .string(4, "uid"),
            .string(5, "apiVersion"),
            .string(6, "resourceVersion"),
            .string(7, "fieldPath"),
        ])

    // MARK: Namespace

    static let namespaceCondition = ProtobufMessageSchema(
        "NamespaceCondition",
        [
            .string(1, "type", .always),
            .string(2, "status", .always),
            .time(4, "lastTransitionTime"),
            .string(5, "reason"),
            .string(6, "message"),
        ])

    static let namespace = ProtobufMessageSchema(
        "Namespace",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .message(2, "spec", ProtobufMessageSchema("NamespaceSpec", [.strings(1, "finalizers")]), .always),
            .message(
                3, "status",
                ProtobufMessageSchema(
                    "NamespaceStatus", [.string(1, "phase"), .messages(2, "conditions", namespaceCondition)]),
                .always),
        ])

    // MARK: ConfigMap, Secret, ServiceAccount

    static let configMap = ProtobufMessageSchema(
        "ConfigMap",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .bool(4, "immutable", .whenSet),
            .stringMap(2, "data"),
            ProtobufField(3, "binaryData", .map(.bytes), .omitEmpty),
        ])

    static let secret = ProtobufMessageSchema(
        "Secret",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .bool(5, "immutable", .whenSet),
            ProtobufField(2, "data", .map(.bytes), .omitEmpty),
            .stringMap(4, "stringData"),
            .string(3, "type"),
        ])

    static let serviceAccount = ProtobufMessageSchema(
        "ServiceAccount",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .messages(2, "secrets", objectReference),
            .messages(3, "imagePullSecrets", localObjectReference),
            .bool(4, "automountServiceAccountToken", .whenSet),
        ])

    // MARK: Service

    static let servicePort = ProtobufMessageSchema(
        "ServicePort",
        [
            .string(1, "name"),
            .string(2, "protocol"),
            .string(6, "appProtocol", .whenSet),
            .int32(3, "port", .always),
            ProtobufField(4, "targetPort", .intOrString, .whenSet),
            .int32(5, "nodePort"),
        ])

    static let serviceSpec = ProtobufMessageSchema(
        "ServiceSpec",
        [
            .messages(1, "ports", servicePort),
            .stringMap(2, "selector"),
            .string(3, "clusterIP"),
            .strings(18, "clusterIPs"),
            .string(4, "type"),
            .strings(5, "externalIPs"),
            .string(7, "sessionAffinity"),
            .string(8, "loadBalancerIP"),
            .strings(9, "loadBalancerSourceRanges"),
            .string(10, "externalName"),
            .string(11, "externalTrafficPolicy"),
            .int32(12, "healthCheckNodePort"),
            .bool(13, "publishNotReadyAddresses"),
            .message(
                14, "sessionAffinityConfig",
                ProtobufMessageSchema(
                    "SessionAffinityConfig",
                    [
                        .message(
                            1, "clientIP",
                            ProtobufMessageSchema("ClientIPConfig", [.int32(1, "timeoutSeconds", .whenSet)]))
                    ])),
            .strings(19, "ipFamilies"),
            .string(17, "ipFamilyPolicy", .whenSet),
            .bool(20, "allocateLoadBalancerNodePorts", .whenSet),
            .string(21, "loadBalancerClass", .whenSet),
            .string(22, "internalTrafficPolicy", .whenSet),
        ])

    static let loadBalancerStatus = ProtobufMessageSchema(
        "LoadBalancerStatus",
        [
            .messages(
                1, "ingress",
                ProtobufMessageSchema(
                    "LoadBalancerIngress",
                    [
                        .string(1, "ip"),
                        .string(2, "hostname"),
                        .messages(
                            4, "ports",
                            ProtobufMessageSchema(
                                "PortStatus",
                                [
                                    .int32(1, "port", .always),
                                    .string(2, "protocol", .always),
                                    .string(3, "error", .whenSet),
                                ])),
                    ]))
        ])

    static let service = ProtobufMessageSchema(
        "Service",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .message(2, "spec", serviceSpec, .always),
            .message(
                3, "status",
                ProtobufMessageSchema(
                    "ServiceStatus",
                    [
                        .message(1, "loadBalancer", loadBalancerStatus, .always),
                        .messages(2, "conditions", M.condition),
                    ]),
                .always),
        ])

    // MARK: Pod

    static let pod = ProtobufMessageSchema(
        "Pod",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .message(2, "spec", CoreV1PodProtobufSchemas.podSpec, .always),
            .message(3, "status", CoreV1PodProtobufSchemas.podStatus, .always),
        ])
}
