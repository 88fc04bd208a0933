import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemSend = Glibc.send
    private let sendFlags = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
    import Darwin
    private let systemSend = Darwin.send
    private let sendFlags: Int32 = 0
#endif

/// One TCP connection to a server on 127.0.0.1, written and read byte by byte: for tests that
/// need a request half sent (in flight) while something else happens, which an HTTP client
/// library does not let them hold.
public final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`; throws when nothing accepts.
    public init(port: Int, receiveTimeout: Duration = .seconds(30)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPConnectionFailed(message: "socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: Int(receiveTimeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw RawHTTPConnectionFailed(message: "connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
    }

    deinit { close(fd) }

    /// Whether something accepts connections on `127.0.0.1:port` now.
    public static func accepts(port: Int) -> Bool {
        (try? RawHTTPConnection(port: port)) != nil
    }

    /// Writes all of `text`.
    public func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemSend(fd, $0.baseAddress, $0.count, sendFlags) }
            guard written > 0 else { throw RawHTTPConnectionFailed(message: "send failed: errno \(errno)") }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Reads until the server closes the connection (or the receive timeout passes).
    public func receiveAll() throws -> String {
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                data.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno == EINTR {
                continue
            } else {
                throw RawHTTPConnectionFailed(
                    message: "receive failed: errno \(errno) after \(data.count) bytes: \(String(decoding: data, as: UTF8.self))")
            }
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A raw connection could not be made or used.
public struct RawHTTPConnectionFailed: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
