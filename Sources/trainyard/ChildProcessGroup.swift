import Foundation

/// Helpers for the servers `trainyard dev` runs as child processes (MLflow, the controller).
enum ChildProcessGroup {
    /// Stops `process` and everything it started: SIGTERM to its process group, up to `grace`,
    /// then SIGKILL; returns once the group is gone.
    static func stop(_ process: Process, grace: Duration) {
        let pid = process.processIdentifier
        guard process.isRunning || kill(-pid, 0) == 0 else { return }
        if kill(-pid, SIGTERM) != 0 { kill(pid, SIGTERM) }
        // The whole group: a CLI may exit before the servers it started have drained.
        let groupAlive = { kill(-pid, 0) == 0 || process.isRunning }
        let steps = max(1, Int(grace.components.seconds * 10))
        for _ in 0..<steps where groupAlive() { usleep(100_000) }
        if groupAlive(), kill(-pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
        process.waitUntilExit()
        for _ in 0..<50 where kill(-pid, 0) == 0 { usleep(100_000) }
    }

    /// Whether `GET path` on 127.0.0.1:`port` answers 200 within 2 s.
    static func answers200(port: Int, path: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 12 && String(decoding: buffer.prefix(count), as: UTF8.self).contains(" 200 ")
    }
}
