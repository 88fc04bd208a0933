import Foundation
import KubeAPI
import NIOCore
import NIOPosix

/// Runs httpGet and tcpSocket probes against a container's local ports.
enum ProbeRunner {
    /// Whether the probe passes: an HTTP status from 200 to 399, or a TCP connection. Probes of
    /// other kinds (exec, grpc) pass, since the dev cluster cannot run them.
    static func check(_ probe: JSONValue, ports: [Int: Int], timeout: Duration) async -> Bool {
        if let http = probe["httpGet"] {
            guard let port = localPort(http["port"], ports) else { return false }
            let path = http["path"]?.stringValue ?? "/"
            return await withTimeout(timeout) { try await httpStatus(port: port, path: path).map { (200..<400).contains($0) } ?? false }
        }
        if let tcp = probe["tcpSocket"] {
            guard let port = localPort(tcp["port"], ports) else { return false }
            return await withTimeout(timeout) {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port)
                    .get()
                try? await channel.close()
                return true
            }
        }
        return true
    }

    private static func localPort(_ value: JSONValue?, _ ports: [Int: Int]) -> Int? {
        if let number = value?.intValue { return ports[Int(number)] }
        // A named port needs the container spec; the only named port callers use is the first one.
        return ports.values.sorted().first
    }

    private static func withTimeout(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Bool) async -> Bool {
        await withTaskGroup(of: Bool?.self) { group in
            group.addTask { (try? await body()) ?? false }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? false
        }
    }

    /// The status code of `GET path` on 127.0.0.1:port.
    private static func httpStatus(port: Int, path: String) async throws -> Int? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(
                ByteBuffer(
                    string: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: kube-probe/1.37\r\nConnection: close\r\n\r\n"))
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if let end = received.range(of: "\r\n") {
                    // "HTTP/1.1 200 OK"
                    let parts = received[..<end.lowerBound].split(separator: " ")
                    return parts.count >= 2 ? Int(parts[1]) : nil
                }
            }
            return nil
        }
    }
}
