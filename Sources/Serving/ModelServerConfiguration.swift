/// How `trainyard serve` listens and what it accepts.
public struct ModelServerConfiguration: Sendable {
    /// Which requests get a log line.
    public enum RequestLog: String, Sendable, CaseIterable {
        /// Every request.
        case all
        /// Answers with a 4xx or 5xx status only.
        case errors
        case none
    }

    public var host: String
    public var port: Int
    /// Request bodies larger than this are refused with 413 before they are read.
    public var maxBodyBytes: Int
    /// Requests with more rows than this are refused with 413.
    public var maxRows: Int
    public var requestLog: RequestLog
    /// Server name in the `Server` header and in `GET /v2`.
    public var serverName: String
    /// After SIGTERM, how long the server keeps answering (readiness says 503) before it stops
    /// accepting connections: the time a cluster takes to stop sending it traffic.
    public var drain: Duration = .zero

    public init(
        host: String = "0.0.0.0", port: Int = 8080, maxBodyBytes: Int = 32 << 20, maxRows: Int = 100_000,
        requestLog: RequestLog = .all, serverName: String = "trainyard"
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxRows = maxRows
        self.requestLog = requestLog
        self.serverName = serverName
    }
}
