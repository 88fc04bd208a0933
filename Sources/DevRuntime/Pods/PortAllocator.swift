import Foundation
import Synchronization

/// Hands out free loopback ports for container ports, never the same one to two holders at once.
public final class PortAllocator: Sendable {
    private let taken = Mutex<Set<Int>>([])

    public init() {}

    /// A port no process listens on now and no pod holds.
    public func allocate() throws -> Int {
        for _ in 0..<64 {
            let port = try Self.freePort()
            let fresh = taken.withLock { $0.insert(port).inserted }
            if fresh { return port }
        }
        throw PortAllocationError(message: "no free loopback port after 64 tries")
    }

    public func release(_ port: Int) {
        _ = taken.withLock { $0.remove(port) }
    }

    /// Asks the kernel for a free port by binding port 0 on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PortAllocationError(message: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PortAllocationError(message: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct PortAllocationError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
