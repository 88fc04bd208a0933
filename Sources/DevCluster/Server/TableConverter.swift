import Foundation
import KubeAPI

/// Server-side printing: turns objects into a `meta.k8s.io` Table so `kubectl get` shows a
/// resource's printer columns, as the real server does for CRDs' `additionalPrinterColumns`.
struct TableConverter {
    let resource: ResourceInfo
    let now: Date
    /// `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`, whichever the client asked for.
    var apiVersion = "meta.k8s.io/v1"

    /// CustomResourceDefinitions have no printer of their own: the real server prints them with its
    /// default table convertor, whose only column besides Name is "Created At" as a timestamp.
    private var usesDefaultConvertor: Bool { resource.storageKey == CustomResourceDefinition.storageKey }

    private var columns: [PrinterColumn] {
        var columns = resource.printerColumns
        if resource.definedBy == nil && !usesDefaultConvertor {
            // Built-in printers put Age after the standard columns, before the -o wide ones.
            let wide = columns.firstIndex { $0.priority > 0 } ?? columns.endIndex
            columns.insert(PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"), at: wide)
        }
        return columns
    }

    var columnDefinitions: JSONValue {
        var defs: [JSONValue] = [
            [
                "name": "Name", "type": "string", "format": "name", "priority": 0,
                "description":
                    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
            ]
        ]
        let custom = resource.definedBy != nil
        for c in columns {
            // As the apiextensions table convertor: a CRD's columns keep their declared type and
            // format, with a description naming the path when none is given; built-in printers
            // declare their Age column a plain string, the default convertor its date a date.
            let description =
                c.description.isEmpty && custom
                ? "Custom resource definition column (in JSONPath format): \(c.jsonPath)" : c.description
            defs.append([
                "name": .string(c.name), "type": .string(c.type == "date" && !custom && !usesDefaultConvertor ? "string" : c.type),
                "format": .string(c.format), "description": .string(description),
                "priority": .int(Int64(c.priority)),
            ])
        }
        return .array(defs)
    }

    /// A Table of these objects; `includeObject` is None, Metadata (the default) or Object.
    func table(_ objects: [JSONValue], includeObject: String, listMetadata: JSONValue, withHeaders: Bool = true) -> JSONValue {
        let paths = columns.map { try? JSONPath.parse($0.jsonPath) }
        let rows: [JSONValue] = objects.map { object in
            var cells: [JSONValue] = [object[path: ["metadata", "name"]] ?? ""]
            for (column, path) in zip(columns, paths) {
                cells.append(cell(column, path.flatMap { $0.evaluate(object).first }, object: object))
            }
            var row: JSONValue = ["cells": .array(cells)]
            switch includeObject {
            case "None": break
            case "Object": row["object"] = object
            default:
                row["object"] = [
                    "kind": "PartialObjectMetadata", "apiVersion": .string(apiVersion),
                    "metadata": object["metadata"] ?? [:],
                ]
            }
            return row
        }
        var table: JSONValue = ["kind": "Table", "apiVersion": .string(apiVersion), "metadata": listMetadata, "rows": .array(rows)]
        table["columnDefinitions"] = withHeaders ? columnDefinitions : .array([])
        return table
    }

    private func cell(_ column: PrinterColumn, _ value: JSONValue?, object: JSONValue) -> JSONValue {
        if resource.resource == "pods", resource.group.isEmpty, let text = podCell(column.name, object) {
            return .string(text)
        }
        if resource.definedBy == nil, let text = workloadCell(column.name, object) {
            return .string(text)
        }
        // Built-in printers read Go integers, which are 0 when unset.
        if resource.definedBy == nil, column.type == "integer", value == nil || value?.isNull == true { return .int(0) }
        guard let value, !value.isNull else { return .null }
        switch column.type {
        case "integer":
            return value.intValue.map { .int($0) } ?? .null
        case "number":
            return value.doubleValue.map { .double($0) } ?? .null
        case "boolean":
            return value.boolValue.map { .bool($0) } ?? .null
        case "date":
            guard let s = value.stringValue, let date = Self.parseTime(s) else { return "<invalid>" }
            if usesDefaultConvertor { return .string(ClusterState.timestamp(date)) }
            // Truncated toward zero as Go's int(d.Seconds()): a creation time up to a second ahead of this clock is "0s".
            return .string(HumanDuration.format(seconds: Int(now.timeIntervalSince(date).rounded(.towardZero))))
        default:
            switch value {
            case .string(let s): return .string(s)
            case .int(let i): return .string(String(i))
            case .double(let d): return .string(String(d))
            case .bool(let b): return .string(b ? "true" : "false")
            default: return .string(value.serialized())
            }
        }
    }

    /// The READY, STATUS and RESTARTS cells of a pod, worded as kubectl's pod printer words them
    /// (pkg/printers/internalversion printPod): a container's waiting or terminated reason wins
    /// over the phase, and a pod being deleted is Terminating.
    private func podCell(_ column: String, _ pod: JSONValue) -> String? {
        let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
        let total = pod[path: ["spec", "containers"]]?.arrayValue?.count ?? statuses.count
        switch column {
        case "Ready":
            let ready = statuses.filter { $0["ready"]?.boolValue == true && $0[path: ["state", "running"]] != nil }.count
            return "\(ready)/\(total)"
        case "Restarts":
            var restarts: Int64 = 0
            var last: Date?
            for status in statuses {
                restarts += status["restartCount"]?.intValue ?? 0
                if let finished = status[path: ["lastState", "terminated", "finishedAt"]]?.stringValue.flatMap(Self.parseTime),
                    last.map({ finished > $0 }) ?? true
                {
                    last = finished
                }
            }
            guard restarts > 0, let last else { return "\(restarts)" }
            return "\(restarts) (\(HumanDuration.format(seconds: Int(now.timeIntervalSince(last).rounded(.towardZero)))) ago)"
        case "Status":
            var reason = pod[path: ["status", "reason"]]?.stringValue ?? pod[path: ["status", "phase"]]?.stringValue ?? "Pending"
            var running = false
            for status in statuses.reversed() {
                if let waiting = status[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = status[path: ["state", "terminated"]] {
                    if let text = terminated["reason"]?.stringValue, !text.isEmpty {
                        reason = text
                    } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                    }
                } else if status["ready"]?.boolValue == true, status[path: ["state", "running"]] != nil {
                    running = true
                }
            }
            if reason == "Completed", running { reason = "Running" }
            if pod[path: ["metadata", "deletionTimestamp"]] != nil { reason = "Terminating" }
            return reason
        default:
            return nil
        }
    }

    static func parseTime(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}
