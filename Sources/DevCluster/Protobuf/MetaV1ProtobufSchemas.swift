/// Protobuf schemas of k8s.io/apimachinery/pkg/apis/meta/v1 types embedded in every object.
///
/// Field numbers: `pkg/apis/meta/v1/generated.proto`; JSON names and omitempty: `types.go`.
enum MetaV1ProtobufSchemas {
    static let ownerReference = ProtobufMessageSchema(
        "OwnerReference",
        [
            .string(5, "apiVersion", .always),
            .string(1, "kind", .always),
            .string(3, "name", .always),
            .string(4, "uid", .always),
            .bool(6, "controller", .whenSet),
            .bool(7, "blockOwnerDeletion", .whenSet),
        ])

    static let managedFieldsEntry = ProtobufMessageSchema(
        "ManagedFieldsEntry",
        [
            .string(1, "manager"),
            .string(2, "operation"),
            .string(3, "apiVersion"),
            .time(4, "time", .whenSet),
            .string(6, "fieldsType"),
            ProtobufField(7, "fieldsV1", .rawJSON, .whenSet),
            .string(8, "subresource"),
        ])

    static let objectMeta = ProtobufMessageSchema(
        "ObjectMeta",
        [
            .string(1, "name"),
            .string(2, "generateName"),
            .string(3, "namespace"),
            .string(4, "selfLink"),
            .string(5, "uid"),
            .string(6, "resourceVersion"),
            .int64(7, "generation"),
            // Go 1.24+ `omitzero`: kubectl 1.37 no longer sends `creationTimestamp: null`.
            .time(8, "creationTimestamp"),
            .time(9, "deletionTimestamp", .whenSet),
            .int64(10, "deletionGracePeriodSeconds", .whenSet),
            .stringMap(11, "labels"),
            .stringMap(12, "annotations"),
            .messages(13, "ownerReferences", ownerReference),
            .strings(14, "finalizers"),
            .messages(17, "managedFields", managedFieldsEntry),
        ])

    static let labelSelectorRequirement = ProtobufMessageSchema(
        "LabelSelectorRequirement",
        [
            .string(1, "key", .always),
            .string(2, "operator", .always),
            .strings(3, "values"),
        ])

    static let labelSelector = ProtobufMessageSchema(
        "LabelSelector",
        [
            .stringMap(1, "matchLabels"),
            .messages(2, "matchExpressions", labelSelectorRequirement),
        ])

    static let condition = ProtobufMessageSchema(
        "Condition",
        [
            .string(1, "type", .always),
            .string(2, "status", .always),
            .int64(3, "observedGeneration"),
            .time(4, "lastTransitionTime", .always),
            .string(5, "reason", .always),
            .string(6, "message", .always),
        ])
}
