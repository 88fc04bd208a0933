import ControllerRuntime
import Foundation
import KubeAPI

/// Reads and writes the handful of object fields the workload plans use. Missing or mistyped values
/// read as absent; the views apply Kubernetes' defaults on top.
enum WorkloadJSON {
    static func int(_ value: JSONValue?) -> Int? {
        value?.intValue.map { Int($0) }
    }

    static func stringMap(_ value: JSONValue?) -> [String: String] {
        guard let object = value?.objectValue else { return [:] }
        var result: [String: String] = [:]
        for (key, entry) in object {
            if let string = entry.stringValue { result[key] = string }
        }
        return result
    }

    static func value(_ map: [String: String]) -> JSONValue {
        .object(map.mapValues { .string($0) })
    }

    static func date(_ value: JSONValue?) -> Date? {
        value?.stringValue.flatMap(Timestamp.parse)
    }

    /// A `metav1.Time`: RFC 3339 in whole seconds, as the API serializes it.
    static func time(_ date: Date) -> JSONValue {
        .string(Timestamp.time(date))
    }

    /// The owner reference with `controller: true`, if the object has one.
    static func controllerReference(of object: JSONValue) -> JSONValue? {
        object[path: ["metadata", "ownerReferences"]]?.arrayValue?.first { $0["controller"]?.boolValue == true }
    }

    static func controllerUID(of object: JSONValue) -> String? {
        controllerReference(of: object)?["uid"]?.stringValue
    }

    /// `metav1.NewControllerRef`: the reference a controller puts on the objects it creates.
    static func controllerReference(apiVersion: String, kind: String, name: String, uid: String) -> JSONValue {
        [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name), "uid": .string(uid),
            "controller": true, "blockOwnerDeletion": true,
        ]
    }

    /// Drops nulls, empty objects and empty arrays, recursively: apimachinery's semantic equality
    /// treats nil and empty maps and slices alike, and a Go struct cannot tell `null` from missing.
    static func normalized(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .null:
            return nil
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, entry) in object {
                if let kept = normalized(entry) { result[key] = kept }
            }
            return result.isEmpty ? JSONValue?.none : .object(result)
        case .array(let array):
            return array.isEmpty ? JSONValue?.none : .array(array.map { normalized($0) ?? .null })
        default:
            return value
        }
    }

    static func semanticallyEqual(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a.flatMap(normalized), b.flatMap(normalized)) {
        case (nil, nil): return true
        case (let x?, let y?): return x.semanticallyEquals(y)
        default: return false
        }
    }

    /// Sets an integer field, or removes it when zero, as Go's `omitempty` serializes it.
    static func setOmittingZero(_ object: inout [String: JSONValue], _ key: String, _ value: Int) {
        object[key] = value == 0 ? JSONValue?.none : .int(Int64(value))
    }
}
