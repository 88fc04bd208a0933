extension ServiceProxy {
    /// How a ``ServiceProxy`` listens and how patiently it looks for an endpoint.
    public struct Configuration: Sendable {
        /// The address the proxy listens on.
        public var host: String
        /// How long a new connection waits for the Service to have an endpoint before it is closed. Covers the
        /// gap between a Service appearing and its first pod becoming ready, and a rollout that briefly has none.
        public var endpointWaitTimeout: Duration
        /// How long one connection attempt to an endpoint may take before the next endpoint is tried.
        public var connectTimeout: Duration

        public init(
            host: String = "127.0.0.1",
            endpointWaitTimeout: Duration = .seconds(5),
            connectTimeout: Duration = .seconds(2)
        ) {
            self.host = host
            self.endpointWaitTimeout = endpointWaitTimeout
            self.connectTimeout = connectTimeout
        }
    }
}
