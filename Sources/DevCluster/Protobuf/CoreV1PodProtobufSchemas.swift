/// Protobuf schemas of the core/v1 pod types (`PodSpec`, `Container`, volumes, probes, `PodStatus`).
///
/// Kept apart from `CoreV1ProtobufSchemas` because pod templates are also embedded by workload kinds.
/// Covers the fields people set by hand; affinity, DNS config, topology spread constraints, ephemeral
/// containers, container statuses and the rarer volume sources are skipped as unknown fields.
enum CoreV1PodProtobufSchemas {
    typealias M = MetaV1ProtobufSchemas
    typealias C = CoreV1ProtobufSchemas

    // MARK: Environment

    static let configMapKeySelector = ProtobufMessageSchema(
        "ConfigMapKeySelector",
        [.inline(1, C.localObjectReference), .string(2, "key", .always), .bool(3, "optional", .whenSet)])

    static let secretKeySelector = ProtobufMessageSchema(
        "SecretKeySelector",
        [.inline(1, C.localObjectReference), .string(2, "key", .always), .bool(3, "optional", .whenSet)])

    static let envVarSource = ProtobufMessageSchema(
        "EnvVarSource",
        [
            .message(
                1, "fieldRef",
                ProtobufMessageSchema(
                    "ObjectFieldSelector", [.string(1, "apiVersion"), .string(2, "fieldPath", .always)])),
            .message(
                2, "resourceFieldRef",
                ProtobufMessageSchema(
                    "ResourceFieldSelector",
                    [
                        .string(1, "containerName"),
                        .string(2, "resource", .always),
                        ProtobufField(3, "divisor", .quantity, .whenSet),
                    ])),
            .message(3, "configMapKeyRef", configMapKeySelector),
            .message(4, "secretKeyRef", secretKeySelector),
        ])

    static let envVar = ProtobufMessageSchema(
        "EnvVar",
        [.string(1, "name", .always), .string(2, "value"), .message(3, "valueFrom", envVarSource)])

    static let envFromSource = ProtobufMessageSchema(
        "EnvFromSource",
        [
            .string(1, "prefix"),
            .message(
                2, "configMapRef",
                ProtobufMessageSchema(
                    "ConfigMapEnvSource", [.inline(1, C.localObjectReference), .bool(2, "optional", .whenSet)])),
            .message(
                3, "secretRef",
                ProtobufMessageSchema(
                    "SecretEnvSource", [.inline(1, C.localObjectReference), .bool(2, "optional", .whenSet)])),
        ])

    // MARK: Probes and lifecycle

    static let handler = ProtobufMessageSchema(
        "Handler",
        [
            .message(1, "exec", ProtobufMessageSchema("ExecAction", [.strings(1, "command")])),
            .message(
                2, "httpGet",
                ProtobufMessageSchema(
                    "HTTPGetAction",
                    [
                        .string(1, "path"),
                        ProtobufField(2, "port", .intOrString, .always),
                        .string(3, "host"),
                        .string(4, "scheme"),
                        .messages(
                            5, "httpHeaders",
                            ProtobufMessageSchema(
                                "HTTPHeader", [.string(1, "name", .always), .string(2, "value", .always)])),
                    ])),
            .message(
                3, "tcpSocket",
                ProtobufMessageSchema(
                    "TCPSocketAction", [ProtobufField(1, "port", .intOrString, .always), .string(2, "host")])),
        ])

    static let probe = ProtobufMessageSchema(
        "Probe",
        [
            .inline(1, handler),
            .int32(2, "initialDelaySeconds"),
            .int32(3, "timeoutSeconds"),
            .int32(4, "periodSeconds"),
            .int32(5, "successThreshold"),
            .int32(6, "failureThreshold"),
            .int64(7, "terminationGracePeriodSeconds", .whenSet),
        ])

    static let lifecycle = ProtobufMessageSchema(
        "Lifecycle", [.message(1, "postStart", handler), .message(2, "preStop", handler)])

    // MARK: Security

    static let seLinuxOptions = ProtobufMessageSchema(
        "SELinuxOptions", [.string(1, "user"), .string(2, "role"), .string(3, "type"), .string(4, "level")])

    static let seccompProfile = ProtobufMessageSchema(
        "SeccompProfile", [.string(1, "type", .always), .string(2, "localhostProfile", .whenSet)])

    static let securityContext = ProtobufMessageSchema(
        "SecurityContext",
        [
            .message(1, "capabilities", ProtobufMessageSchema("Capabilities", [.strings(1, "add"), .strings(2, "drop")])),
            .bool(2, "privileged", .whenSet),
            .message(3, "seLinuxOptions", seLinuxOptions),
            .int64(4, "runAsUser", .whenSet),
            .int64(8, "runAsGroup", .whenSet),
            .bool(5, "runAsNonRoot", .whenSet),
            .bool(6, "readOnlyRootFilesystem", .whenSet),
            .bool(7, "allowPrivilegeEscalation", .whenSet),
            .string(9, "procMount", .whenSet),
            .message(11, "seccompProfile", seccompProfile),
        ])

    static let podSecurityContext = ProtobufMessageSchema(
        "PodSecurityContext",
        [
            .message(1, "seLinuxOptions", seLinuxOptions),
            .int64(2, "runAsUser", .whenSet),
            .int64(6, "runAsGroup", .whenSet),
            .bool(3, "runAsNonRoot", .whenSet),
            ProtobufField(4, "supplementalGroups", .repeated(.int64), .omitEmpty),
            .int64(5, "fsGroup", .whenSet),
            .messages(
                7, "sysctls", ProtobufMessageSchema("Sysctl", [.string(1, "name", .always), .string(2, "value", .always)])),
            .string(9, "fsGroupChangePolicy", .whenSet),
            .message(10, "seccompProfile", seccompProfile),
        ])

    // MARK: Containers

    static let containerPort = ProtobufMessageSchema(
        "ContainerPort",
        [
            .string(1, "name"),
            .int32(2, "hostPort"),
            .int32(3, "containerPort", .always),
            .string(4, "protocol"),
            .string(5, "hostIP"),
        ])

    static let volumeMount = ProtobufMessageSchema(
        "VolumeMount",
        [
            .string(1, "name", .always),
            .bool(2, "readOnly"),
            .string(3, "mountPath", .always),
            .string(4, "subPath"),
            .string(5, "mountPropagation", .whenSet),
            .string(6, "subPathExpr"),
        ])

    static let container = ProtobufMessageSchema(
        "Container",
        [
            .string(1, "name", .always),
            .string(2, "image"),
            .strings(3, "command"),
            .strings(4, "args"),
            .string(5, "workingDir"),
            .messages(6, "ports", containerPort),
            .messages(19, "envFrom", envFromSource),
            .messages(7, "env", envVar),
            .message(
                8, "resources",
                ProtobufMessageSchema("ResourceRequirements", [.quantityMap(1, "limits"), .quantityMap(2, "requests")])),
            .messages(9, "volumeMounts", volumeMount),
            .messages(
                21, "volumeDevices",
                ProtobufMessageSchema(
                    "VolumeDevice", [.string(1, "name", .always), .string(2, "devicePath", .always)])),
            .message(10, "livenessProbe", probe),
            .message(11, "readinessProbe", probe),
            .message(22, "startupProbe", probe),
            .message(12, "lifecycle", lifecycle),
            .string(13, "terminationMessagePath"),
            .string(20, "terminationMessagePolicy"),
            .string(14, "imagePullPolicy"),
            .message(15, "securityContext", securityContext),
            .bool(16, "stdin"),
            .bool(17, "stdinOnce"),
            .bool(18, "tty"),
        ])

    // MARK: Volumes

    static let keyToPath = ProtobufMessageSchema(
        "KeyToPath", [.string(1, "key", .always), .string(2, "path", .always), .int32(3, "mode", .whenSet)])

    static let volumeSource = ProtobufMessageSchema(
        "VolumeSource",
        [
            .message(
                1, "hostPath",
                ProtobufMessageSchema("HostPathVolumeSource", [.string(1, "path", .always), .string(2, "type", .whenSet)])),
            .message(
                2, "emptyDir",
                ProtobufMessageSchema(
                    "EmptyDirVolumeSource", [.string(1, "medium"), ProtobufField(2, "sizeLimit", .quantity, .whenSet)])),
            .message(
                6, "secret",
                ProtobufMessageSchema(
                    "SecretVolumeSource",
                    [
                        .string(1, "secretName"),
                        .messages(2, "items", keyToPath),
                        .int32(3, "defaultMode", .whenSet),
                        .bool(4, "optional", .whenSet),
                    ])),
            .message(
                10, "persistentVolumeClaim",
                ProtobufMessageSchema(
                    "PersistentVolumeClaimVolumeSource", [.string(1, "claimName", .always), .bool(2, "readOnly")])),
            .message(
                19, "configMap",
                ProtobufMessageSchema(
                    "ConfigMapVolumeSource",
                    [
                        .inline(1, C.localObjectReference),
                        .messages(2, "items", keyToPath),
                        .int32(3, "defaultMode", .whenSet),
                        .bool(4, "optional", .whenSet),
                    ])),
        ])

    static let volume = ProtobufMessageSchema("Volume", [.string(1, "name", .always), .inline(2, volumeSource)])

    // MARK: Pod

    static let toleration = ProtobufMessageSchema(
        "Toleration",
        [
            .string(1, "key"),
            .string(2, "operator"),
            .string(3, "value"),
            .string(4, "effect"),
            .int64(5, "tolerationSeconds", .whenSet),
        ])

    static let podSpec = ProtobufMessageSchema(
        "PodSpec",
        [
            .messages(1, "volumes", volume),
            .messages(20, "initContainers", container),
            .messages(2, "containers", container, .always),
            .string(3, "restartPolicy"),
            .int64(4, "terminationGracePeriodSeconds", .whenSet),
            .int64(5, "activeDeadlineSeconds", .whenSet),
            .string(6, "dnsPolicy"),
            .stringMap(7, "nodeSelector"),
            .string(8, "serviceAccountName"),
            .string(9, "serviceAccount"),
            .bool(21, "automountServiceAccountToken", .whenSet),
            .string(10, "nodeName"),
            .bool(11, "hostNetwork"),
            .bool(12, "hostPID"),
            .bool(13, "hostIPC"),
            .bool(27, "shareProcessNamespace", .whenSet),
            .message(14, "securityContext", podSecurityContext),
            .messages(15, "imagePullSecrets", C.localObjectReference),
            .string(16, "hostname"),
            .string(17, "subdomain"),
            .string(19, "schedulerName"),
            .messages(22, "tolerations", toleration),
            .messages(
                23, "hostAliases", ProtobufMessageSchema("HostAlias", [.string(1, "ip"), .strings(2, "hostnames")])),
            .string(24, "priorityClassName"),
            .int32(25, "priority", .whenSet),
            .messages(
                28, "readinessGates",
                ProtobufMessageSchema("PodReadinessGate", [.string(1, "conditionType", .always)])),
            .string(29, "runtimeClassName", .whenSet),
            .bool(30, "enableServiceLinks", .whenSet),
            .string(31, "preemptionPolicy", .whenSet),
            .quantityMap(32, "overhead"),
            .bool(35, "setHostnameAsFQDN", .whenSet),
        ])

    static let podTemplateSpec = ProtobufMessageSchema(
        "PodTemplateSpec",
        [.message(1, "metadata", M.objectMeta, .always), .message(2, "spec", podSpec, .always)])

    static let podStatus = ProtobufMessageSchema(
        "PodStatus",
        [
            .string(1, "phase"),
            .messages(
                2, "conditions",
                ProtobufMessageSchema(
                    "PodCondition",
                    [
                        .string(1, "type", .always),
                        .string(2, "status", .always),
                        .time(3, "lastProbeTime"),
                        .time(4, "lastTransitionTime"),
                        .string(5, "reason"),
                        .string(6, "message"),
                    ])),
            .string(3, "message"),
            .string(4, "reason"),
            .string(11, "nominatedNodeName"),
            .string(5, "hostIP"),
            .string(6, "podIP"),
            .messages(12, "podIPs", ProtobufMessageSchema("PodIP", [.string(1, "ip")])),
            .time(7, "startTime", .whenSet),
            .string(9, "qosClass"),
        ])
}
