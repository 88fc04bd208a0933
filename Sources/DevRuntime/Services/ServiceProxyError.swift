import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a ``ServiceProxy`` could not start.
public struct ServiceProxyError: Error, CustomStringConvertible {
    /// What failed; compare with the static members.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case bindFailed
        }
        private let base: Base
        /// The listening socket could not be bound.
        public static let bindFailed = Code(base: .bindFailed)
    }

    public let code: Code
    public let service: String
    public let host: String
    public let port: Int
    /// The error from the socket layer.
    public let underlying: any Error

    static func bindFailed(service: String, host: String, port: Int, underlying: any Error) -> ServiceProxyError {
        ServiceProxyError(code: .bindFailed, service: service, host: host, port: port, underlying: underlying)
    }

    /// True when the port is taken by another listener; a ``ServicePortAllocator`` can hand out another one.
    public var isAddressInUse: Bool {
        (underlying as? IOError)?.errnoCode == EADDRINUSE
    }

    public var description: String {
        "service \(service): cannot listen on \(host):\(port): \(underlying)"
            + (isAddressInUse ? " (another process uses this port)" : "")
    }
}
