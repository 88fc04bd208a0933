extension ServiceProxy {
    /// Counters describing what a ``ServiceProxy`` has done, for tests and metrics.
    public struct Statistics: Sendable, Equatable {
        /// Client connections accepted since the proxy started.
        public var acceptedConnections = 0
        /// Client connections open now.
        public var activeConnections = 0
        /// Client connections waiting now for the Service to have an endpoint.
        public var waitingConnections = 0
        /// Client connections that reached an endpoint.
        public var proxiedConnections = 0
        /// Client connections closed without reaching an endpoint: none appeared in time, or every one refused.
        public var rejectedConnections = 0
        /// Attempts to connect to an endpoint that failed (each one was followed by the next endpoint, if any).
        public var endpointConnectFailures = 0

        public init() {}
    }
}
