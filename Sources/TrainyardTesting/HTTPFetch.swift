import AsyncHTTPClient
import Foundation
import NIOCore

/// Plain HTTP requests for tests that check a server's answers (probes, metrics).
public enum HTTPFetch {
    public static func get(_ url: String, timeout: Duration = .seconds(10)) async throws -> (status: Int, body: String) {
        let request = HTTPClientRequest(url: url)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
