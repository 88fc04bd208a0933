import Foundation
import NIOCore
import NIOPosix

/// Hands out stable loopback ports for Service ports, like NodePorts: the same `namespace/service/port` gets the same
/// port every time, including after `trainyard dev` restarts, so URLs a user saved keep working.
///
/// A new key first tries a port derived from the key (a hash into ``range``), then the following ports, skipping
/// ports held by other keys and ports something else listens on. Allocations are kept in
/// ``stateFileName`` in the state directory, written on every change.
public actor ServicePortAllocator {
    /// Identifies one Service port: `namespace/service/port`, where `port` is the port's name, or its number when
    /// it has no name (``ServiceEndpoints/Port/key``).
    public struct Key: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
        public var namespace: String
        public var service: String
        public var port: String

        public init(namespace: String, service: String, port: String) {
            self.namespace = namespace
            self.service = service
            self.port = port
        }

        public var description: String { "\(namespace)/\(service)/\(port)" }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.namespace, lhs.service, lhs.port) < (rhs.namespace, rhs.service, rhs.port)
        }
    }

    public static let defaultRange = 30000...32767
    public static let stateFileName = "service-ports.json"

    /// The ports handed out; allocations found in the state file outside this range are dropped.
    public nonisolated let range: ClosedRange<Int>
    public nonisolated let stateFile: URL
    private let isPortFree: @Sendable (Int) async -> Bool
    private var ports: [Key: Int]

    /// Loads earlier allocations from `stateDirectory` (created on the first write if missing).
    ///
    /// - Parameter isPortFree: whether nothing listens on a port; by default, whether 127.0.0.1:port can be bound.
    public init(
        stateDirectory: URL,
        range: ClosedRange<Int> = ServicePortAllocator.defaultRange,
        isPortFree: @escaping @Sendable (Int) async -> Bool = ServicePortAllocator.isLoopbackPortFree
    ) throws(ServicePortAllocatorError) {
        guard range.lowerBound >= 1, range.upperBound <= 65535 else {
            throw ServicePortAllocatorError(
                code: .invalidRange,
                message: "service port range \(range.lowerBound)-\(range.upperBound) must lie within 1-65535")
        }
        self.range = range
        self.stateFile = stateDirectory.appendingPathComponent(Self.stateFileName)
        self.isPortFree = isPortFree
        self.ports = try Self.load(stateFile, range: range)
    }

    /// Every allocation now.
    public var allocations: [Key: Int] { ports }

    /// The port `key` has, or a newly allocated one.
    public func port(for key: Key) async throws(ServicePortAllocatorError) -> Int {
        if let port = ports[key] { return port }
        let port = try await findFreePort(for: key, avoiding: [])
        // Another call may have allocated this key while the probe was suspended.
        if let existing = ports[key] { return existing }
        try commit { $0[key] = port }
        return port
    }

    /// Moves `key` to another port, for when its port turned out to be taken by another process (for example one
    /// started while `trainyard dev` was not running).
    public func reassign(_ key: Key) async throws(ServicePortAllocatorError) -> Int {
        let old = ports[key]
        let port = try await findFreePort(for: key, avoiding: old.map { [$0] } ?? [])
        try commit { $0[key] = port }
        return port
    }

    /// Forgets `key`'s port (the Service port was removed).
    public func release(_ key: Key) throws(ServicePortAllocatorError) {
        guard ports[key] != nil else { return }
        try commit { $0[key] = nil }
    }

    /// Forgets every port of a Service (the Service was deleted); returns the keys released.
    @discardableResult
    public func releaseService(namespace: String, name: String) throws(ServicePortAllocatorError) -> [Key] {
        let keys = ports.keys.filter { $0.namespace == namespace && $0.service == name }.sorted()
        if keys.isEmpty { return [] }
        try commit { ports in
            for key in keys { ports[key] = nil }
        }
        return keys
    }

    /// Forgets every allocation not in `keys`, e.g. on startup for Services deleted since the state was written.
    public func retainOnly(_ keys: Set<Key>) throws(ServicePortAllocatorError) {
        let stale = ports.keys.filter { !keys.contains($0) }
        if stale.isEmpty { return }
        try commit { ports in
            for key in stale { ports[key] = nil }
        }
    }

    /// The port tried first for `key`: a stable hash (FNV-1a, not Swift's per-process seeded `Hasher`) into `range`.
    public static func preferredPort(for key: Key, in range: ClosedRange<Int>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.description.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return range.lowerBound + Int(hash % UInt64(range.count))
    }

    /// Whether 127.0.0.1:`port` can be bound now. Binds with SO_REUSEADDR, as the proxy does, so a port whose
    /// connections linger in TIME_WAIT after a restart still counts as free.
    public static func isLoopbackPortFree(_ port: Int) async -> Bool {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: port)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    private func findFreePort(for key: Key, avoiding: Set<Int>) async throws(ServicePortAllocatorError) -> Int {
        let start = Self.preferredPort(for: key, in: range) - range.lowerBound
        for offset in 0..<range.count {
            let candidate = range.lowerBound + (start + offset) % range.count
            if avoiding.contains(candidate) || isHeld(candidate, byAnotherThan: key) { continue }
            guard await isPortFree(candidate) else { continue }
            // The actor may have handed the port to another key while the probe was suspended.
            if isHeld(candidate, byAnotherThan: key) { continue }
            return candidate
        }
        throw ServicePortAllocatorError(
            code: .rangeExhausted,
            message:
                "service \(key): no free port in \(range.lowerBound)-\(range.upperBound) (\(ports.count) held by services, "
                + "the rest in use by other processes); delete unused Services or widen the service port range")
    }

    private func isHeld(_ port: Int, byAnotherThan key: Key) -> Bool {
        ports.contains { $0.key != key && $0.value == port }
    }

    /// Applies `change`, writes the state file, and keeps the change only if the write succeeded.
    private func commit(_ change: (inout [Key: Int]) -> Void) throws(ServicePortAllocatorError) {
        var updated = ports
        change(&updated)
        try Self.save(updated, to: stateFile)
        ports = updated
    }

    private struct StateFile: Codable {
        struct Entry: Codable {
            var namespace: String
            var service: String
            var port: String
            var hostPort: Int
        }
        var version: Int
        var allocations: [Entry]
    }

    private static func load(_ file: URL, range: ClosedRange<Int>) throws(ServicePortAllocatorError) -> [Key: Int] {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            if !FileManager.default.fileExists(atPath: file.path) { return [:] }
            throw ServicePortAllocatorError(
                code: .stateFileUnreadable, message: "cannot read \(file.path): \(error)", underlying: error)
        }
        let state: StateFile
        do {
            state = try JSONDecoder().decode(StateFile.self, from: data)
        } catch {
            throw ServicePortAllocatorError(
                code: .stateFileUnreadable,
                message: "\(file.path) is not a service port state file (\(error)); delete it to start over with new ports",
                underlying: error)
        }
        var ports: [Key: Int] = [:]
        var taken = Set<Int>()
        for entry in state.allocations where range.contains(entry.hostPort) && taken.insert(entry.hostPort).inserted {
            ports[Key(namespace: entry.namespace, service: entry.service, port: entry.port)] = entry.hostPort
        }
        return ports
    }

    private static func save(_ ports: [Key: Int], to file: URL) throws(ServicePortAllocatorError) {
        let entries = ports.sorted { $0.key < $1.key }.map {
            StateFile.Entry(namespace: $0.key.namespace, service: $0.key.service, port: $0.key.port, hostPort: $0.value)
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(StateFile(version: 1, allocations: entries))
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: file, options: .atomic)
        } catch {
            throw ServicePortAllocatorError(
                code: .stateFileUnwritable, message: "cannot write \(file.path): \(error)", underlying: error)
        }
    }
}
