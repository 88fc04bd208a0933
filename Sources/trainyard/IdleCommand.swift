import ArgumentParser
import Foundation
import Hummingbird

/// A stand-in long-running container for dev-cluster tests and demos until `trainyard serve`
/// exists: answers HTTP on $PORT and says when SIGTERM arrives. Hidden from help.
struct IdleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle", abstract: "Answer HTTP on $PORT until SIGTERM (a stand-in server for tests).", shouldDisplay: false)

    @Option(help: "Port (default: $PORT, else 8080).")
    var port: Int?

    @Option(help: "Text to answer with (default: ok <hostname>).")
    var message: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let port = port ?? environment["PORT"].flatMap(Int.init) ?? 8080
        let text = (message ?? "ok \(environment["HOSTNAME"] ?? ProcessInfo.processInfo.hostName)") + "\n"
        let router = Router()
        router.get("/") { _, _ in text }
        router.get("/healthz") { _, _ in "ok\n" }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: "trainyard-idle"),
            onServerRunning: { channel in
                FileHandle.standardOutput.write(Data("trainyard idle: listening on 127.0.0.1:\(channel.localAddress?.port ?? port)\n".utf8))
            })
        // ServiceLifecycle stops the server gracefully on SIGTERM (and only then: Ctrl-C kills it).
        try await app.runService(gracefulShutdownSignals: [.sigterm])
        FileHandle.standardOutput.write(Data("trainyard idle: received SIGTERM, stopped\n".utf8))
    }
}
