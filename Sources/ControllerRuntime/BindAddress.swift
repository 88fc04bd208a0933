/// A `host:port` listen address as controller-runtime's flags take it: `:8080` binds all
/// interfaces, `127.0.0.1:0` picks a free port, and `0` turns the server off.
public struct BindAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses a flag value; nil for `0` (disabled). Throws a message naming the value when it is
    /// not `[host]:port` with a port in 0...65535.
    public static func parse(_ text: String, flag: String) throws -> BindAddress? {
        if text == "0" || text.isEmpty { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw BindAddressError(
                message:
                    "\(flag): \"\(text)\" is not a listen address; expected [host]:port such as :8080 or 127.0.0.1:8080, or 0 to disable")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return BindAddress(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A listen address flag that does not parse.
public struct BindAddressError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
