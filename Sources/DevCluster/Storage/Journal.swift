import Foundation
import KubeAPI

/// Durable state for `trainyard dev --state-dir`: a snapshot of every object plus an append-only
/// journal of the changes since, so a restarted server serves the same objects, keeps counting
/// resourceVersions upward, and can still replay recent changes to a resuming watch.
final class Journal: @unchecked Sendable {
    struct Loaded {
        var resourceVersion: Int64 = 0
        var objects: [String: [String: JSONValue]] = [:]
        var events: [WatchEventRecord] = []
    }

    let directory: URL
    private var handle: FileHandle?
    private var lines = 0
    /// When the journal has grown past this many lines at start-up it is folded into the snapshot.
    let compactAfter: Int

    init(directory: String, compactAfter: Int = 50_000) throws {
        self.directory = URL(fileURLWithPath: directory)
        self.compactAfter = compactAfter
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    private var snapshotURL: URL { directory.appendingPathComponent("snapshot.json") }
    private var journalURL: URL { directory.appendingPathComponent("journal.jsonl") }

    /// Reads the snapshot and replays the journal.
    func load() throws -> Loaded {
        var loaded = Loaded()
        if let data = try? Data(contentsOf: snapshotURL) {
            let snapshot = try JSONValue.parse(bytes: data)
            loaded.resourceVersion = snapshot["resourceVersion"]?.intValue ?? 0
            for (resource, objects) in snapshot["objects"]?.objectValue ?? [:] {
                loaded.objects[resource] = objects.objectValue ?? [:]
            }
        }
        if let data = try? Data(contentsOf: journalURL) {
            var start = data.startIndex
            for i in data.indices where data[i] == 0x0A {
                defer { start = i + 1 }
                guard i > start, let line = try? JSONValue.parse(bytes: data[start..<i]) else { continue }
                lines += 1
                guard let type = line["type"]?.stringValue.flatMap(WatchEventRecord.EventType.init(rawValue:)),
                    let resource = line["resource"]?.stringValue, let object = line["object"],
                    let rv = line["rv"]?.intValue, rv > loaded.resourceVersion
                else { continue }
                let namespace = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
                let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
                let key = namespace + "/" + name
                let previous = loaded.objects[resource]?[key]
                if type == .deleted {
                    loaded.objects[resource]?[key] = nil
                } else {
                    loaded.objects[resource, default: [:]][key] = object
                }
                loaded.resourceVersion = rv
                loaded.events.append(
                    WatchEventRecord(
                        type: type, resource: resource, namespace: namespace, object: object, previous: previous, resourceVersion: rv))
            }
        }
        if lines > compactAfter {
            try writeSnapshot(resourceVersion: loaded.resourceVersion, objects: loaded.objects)
        }
        return loaded
    }

    /// Writes a full snapshot and empties the journal.
    func writeSnapshot(resourceVersion: Int64, objects: [String: [String: JSONValue]]) throws {
        let snapshot: JSONValue = [
            "resourceVersion": .int(resourceVersion),
            "objects": .object(objects.mapValues { .object($0) }),
        ]
        try Data(snapshot.serialized().utf8).write(to: snapshotURL, options: .atomic)
        try? handle?.close()
        handle = nil
        try Data().write(to: journalURL, options: .atomic)
        lines = 0
    }

    func saveToken(_ token: String) throws {
        let url = directory.appendingPathComponent("token")
        try Data((token + "\n").utf8).write(to: url, options: .atomic)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    /// Appends one change. Called under the store's lock so lines are in resourceVersion order.
    func append(_ event: WatchEventRecord) {
        if handle == nil {
            if !FileManager.default.fileExists(atPath: journalURL.path) {
                _ = FileManager.default.createFile(atPath: journalURL.path, contents: nil)
            }
            handle = try? FileHandle(forWritingTo: journalURL)
            _ = try? handle?.seekToEnd()
        }
        let line: JSONValue = [
            "type": .string(event.type.rawValue), "resource": .string(event.resource), "rv": .int(event.resourceVersion),
            "object": event.object,
        ]
        try? handle?.write(contentsOf: Data((line.serialized() + "\n").utf8))
        lines += 1
    }

    func close() {
        try? handle?.synchronize()
        try? handle?.close()
        handle = nil
    }
}
