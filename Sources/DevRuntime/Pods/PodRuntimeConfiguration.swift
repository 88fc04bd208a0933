import Foundation

/// Settings of the dev cluster's process runtime (its kubelet).
public struct PodRuntimeConfiguration: Sendable {
    /// Pods whose container image has this repository (any tag or digest) run `binaryPath`.
    public var trainyardImage: String
    /// The locally built `trainyard` executable that stands in for the image's entrypoint.
    public var binaryPath: String
    /// Pod directories (volumes, scratch, termination messages) and persistent volumes live here.
    public var stateDirectory: String
    /// Container logs, in the kubelet's layout (`<ns>_<pod>_<uid>/<container>/<restart>.log`); the
    /// API server reads them for `kubectl logs`.
    public var podLogsDirectory: String
    /// The node pods are bound to.
    public var nodeName = "trainyard-dev"
    /// Restart back-off: the first delay, doubled after each restart up to `maxBackoff`; reset after
    /// a container ran `backoffResetAfter` without exiting (the kubelet's 10 s, 300 s and 10 min).
    public var initialBackoff: Duration = .seconds(10)
    public var maxBackoff: Duration = .seconds(300)
    public var backoffResetAfter: Duration = .seconds(600)
    /// Directories of the Trainyard image, by their path in the image, as this machine holds them:
    /// `/usr/share/trainyard/datasets` is the repository's `data/`. Paths under them in a
    /// container's arguments, environment and working directory are rewritten, as for volumes.
    public var imagePaths: [String: String] = [:]
    /// How often a container waiting for a missing Secret or ConfigMap tries again.
    public var configRetryInterval: Duration = .seconds(2)

    public init(trainyardImage: String, binaryPath: String, stateDirectory: String, podLogsDirectory: String? = nil) {
        self.trainyardImage = trainyardImage
        self.binaryPath = binaryPath
        // Absolute: containers run in their own working directory, so a relative path would not resolve there.
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        self.stateDirectory = absolute(stateDirectory)
        self.podLogsDirectory = absolute(podLogsDirectory ?? (stateDirectory as NSString).appendingPathComponent("logs"))
    }

    /// Whether `image` is the Trainyard image: the same repository, whatever the tag or digest.
    public func runs(image: String) -> Bool {
        Self.repository(of: image) == Self.repository(of: trainyardImage)
    }

    static func repository(of image: String) -> String {
        var name = image
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        // A colon after the last slash starts the tag (a colon before it is a registry port).
        if let colon = name.lastIndex(of: ":"), name[colon...].contains("/") == false { name = String(name[..<colon]) }
        return name
    }
}
