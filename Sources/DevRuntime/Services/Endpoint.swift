/// A place a Service sends connections to: the loopback address and local port a pod's container port was
/// remapped to, e.g. `127.0.0.1:53211`.
public struct Endpoint: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        (lhs.host, lhs.port) < (rhs.host, rhs.port)
    }
}
