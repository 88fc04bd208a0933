import AsyncHTTPClient
import Foundation
import NIOCore

/// Plain HTTP requests for tests that check a server's answers (probes, metrics).
public enum HTTPFetch {
    /// - Parameter newConnection: send `Connection: close`, so the request opens its own connection
    ///   (as a client that does not keep connections alive does) instead of reusing a pooled one.
    public static func get(_ url: String, timeout: Duration = .seconds(10), newConnection: Bool = false) async throws -> (
        status: Int, body: String
    ) {
        var request = HTTPClientRequest(url: url)
        if newConnection { request.headers.add(name: "Connection", value: "close") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// POSTs `body`; the answer's status, body and headers.
    public static func post(
        _ url: String, body: String, contentType: String = "application/json", timeout: Duration = .seconds(10), newConnection: Bool = false
    ) async throws -> (status: Int, body: String, headers: [String: String]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        if newConnection { request.headers.add(name: "Connection", value: "close") }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let answer = try await response.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (Int(response.status.code), String(buffer: answer), headers)
    }
}
