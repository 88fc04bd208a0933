import Foundation

/// Where the MLflow tracking server is and how to talk to it, following MLflow's own conventions:
/// `MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_TOKEN` (a bearer token), or
/// `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` (basic auth).
public struct MLflowConfiguration: Sendable, Equatable {
    /// The server's base URL, `http(s)://host[:port][/prefix]`, without a trailing slash.
    public var trackingURI: String
    public var token: String?
    public var username: String?
    public var password: String?
    /// Deadline of one HTTP request.
    public var requestTimeout: Duration
    /// How long the client keeps retrying a call that failed for a reason that may pass
    /// (connection refused or reset, 5xx, 429) before it gives up with the last error.
    public var retryFor: Duration
    /// First delay between retries; it doubles up to `maxRetryDelay`.
    public var retryDelay: Duration
    public var maxRetryDelay: Duration

    public init(
        trackingURI: String, token: String? = nil, username: String? = nil, password: String? = nil,
        requestTimeout: Duration = .seconds(30), retryFor: Duration = .seconds(60), retryDelay: Duration = .milliseconds(250),
        maxRetryDelay: Duration = .seconds(8)
    ) throws {
        var uri = trackingURI.trimmingCharacters(in: .whitespaces)
        while uri.hasSuffix("/") { uri.removeLast() }
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
        else {
            throw MLflowError(
                .configuration,
                "tracking URI \"\(trackingURI)\" is not an http(s) URL; expected e.g. http://mlflow.example:5000 (file stores and databricks:// are not supported)"
            )
        }
        if (username == nil) != (password == nil) {
            throw MLflowError(.configuration, "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be given together")
        }
        self.trackingURI = uri
        self.token = token
        self.username = username
        self.password = password
        self.requestTimeout = requestTimeout
        self.retryFor = retryFor
        self.retryDelay = retryDelay
        self.maxRetryDelay = maxRetryDelay
    }

    /// The configuration from MLflow's environment variables; `trackingURI` overrides
    /// `MLFLOW_TRACKING_URI`. Throws when neither gives a URI.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment, trackingURI: String? = nil)
        throws -> MLflowConfiguration
    {
        guard let uri = trackingURI ?? environment["MLFLOW_TRACKING_URI"], !uri.isEmpty else {
            throw MLflowError(.configuration, "no tracking URI: pass --tracking-uri or set MLFLOW_TRACKING_URI")
        }
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        return try MLflowConfiguration(
            trackingURI: uri, token: value("MLFLOW_TRACKING_TOKEN"), username: value("MLFLOW_TRACKING_USERNAME"),
            password: value("MLFLOW_TRACKING_PASSWORD"))
    }

    /// The Authorization header value, if any. The token wins over basic auth, as in MLflow.
    var authorization: String? {
        if let token { return "Bearer \(token)" }
        if let username, let password { return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
        return nil
    }
}

extension MLflowConfiguration: CustomStringConvertible {
    /// Never shows the token or the password.
    public var description: String {
        let auth = token != nil ? "token" : (username != nil ? "basic auth as \(username!)" : "no auth")
        return "MLflow at \(trackingURI) (\(auth))"
    }
}
