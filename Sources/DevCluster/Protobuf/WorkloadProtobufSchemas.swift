/// Protobuf schemas of the workload kinds the dev server serves and kubectl creates as protobuf
/// (`kubectl create deployment`, `kubectl create job`).
///
/// Field numbers: `apps/v1/generated.proto` and `batch/v1/generated.proto` in k8s.io/api.
enum WorkloadProtobufSchemas {
    typealias M = MetaV1ProtobufSchemas
    typealias P = CoreV1PodProtobufSchemas

    // MARK: apps/v1 Deployment

    static let deploymentStrategy = ProtobufMessageSchema(
        "DeploymentStrategy",
        [
            .string(1, "type"),
            .message(
                2, "rollingUpdate",
                ProtobufMessageSchema(
                    "RollingUpdateDeployment",
                    [
                        ProtobufField(1, "maxUnavailable", .intOrString, .whenSet),
                        ProtobufField(2, "maxSurge", .intOrString, .whenSet),
                    ])),
        ])

    static let deploymentSpec = ProtobufMessageSchema(
        "DeploymentSpec",
        [
            .int32(1, "replicas", .whenSet),
            .message(2, "selector", M.labelSelector),
            .message(3, "template", P.podTemplateSpec, .always),
            .message(4, "strategy", deploymentStrategy),
            .int32(5, "minReadySeconds"),
            .int32(6, "revisionHistoryLimit", .whenSet),
            .bool(7, "paused"),
            .int32(9, "progressDeadlineSeconds", .whenSet),
        ])

    static let deploymentStatus = ProtobufMessageSchema(
        "DeploymentStatus",
        [
            .int64(1, "observedGeneration"),
            .int32(2, "replicas"),
            .int32(3, "updatedReplicas"),
            .int32(7, "readyReplicas"),
            .int32(4, "availableReplicas"),
            .int32(5, "unavailableReplicas"),
            .messages(
                6, "conditions",
                ProtobufMessageSchema(
                    "DeploymentCondition",
                    [
                        .string(1, "type", .always),
                        .string(2, "status", .always),
                        .time(6, "lastUpdateTime"),
                        .time(7, "lastTransitionTime"),
                        .string(4, "reason"),
                        .string(5, "message"),
                    ])),
            .int32(8, "collisionCount", .whenSet),
        ])

    static let deployment = ProtobufMessageSchema(
        "Deployment",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .message(2, "spec", deploymentSpec, .always),
            .message(3, "status", deploymentStatus, .always),
        ])

    // MARK: batch/v1 Job

    static let jobSpec = ProtobufMessageSchema(
        "JobSpec",
        [
            .int32(1, "parallelism", .whenSet),
            .int32(2, "completions", .whenSet),
            .int64(3, "activeDeadlineSeconds", .whenSet),
            .int32(7, "backoffLimit", .whenSet),
            .message(4, "selector", M.labelSelector),
            .bool(5, "manualSelector", .whenSet),
            .message(6, "template", P.podTemplateSpec, .always),
            .int32(8, "ttlSecondsAfterFinished", .whenSet),
            .string(9, "completionMode", .whenSet),
            .bool(10, "suspend", .whenSet),
        ])

    static let jobStatus = ProtobufMessageSchema(
        "JobStatus",
        [
            .messages(
                1, "conditions",
                ProtobufMessageSchema(
                    "JobCondition",
                    [
                        .string(1, "type", .always),
                        .string(2, "status", .always),
                        .time(3, "lastProbeTime"),
                        .time(4, "lastTransitionTime"),
                        .string(5, "reason"),
                        .string(6, "message"),
                    ])),
            .time(2, "startTime", .whenSet),
            .time(3, "completionTime", .whenSet),
            .int32(4, "active"),
            .int32(5, "succeeded"),
            .int32(6, "failed"),
            .string(7, "completedIndexes"),
            .int32(9, "ready", .whenSet),
        ])

    static let job = ProtobufMessageSchema(
        "Job",
        [
            .message(1, "metadata", M.objectMeta, .always),
            .message(2, "spec", jobSpec, .always),
            .message(3, "status", jobStatus, .always),
        ])
}
