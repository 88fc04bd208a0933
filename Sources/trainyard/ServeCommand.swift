import ArgumentParser
import ControllerRuntime
import Foundation
import Logging
import Serving
import Tracking

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over HTTP: MLflow /invocations, Open Inference Protocol v2, Prometheus /metrics.",
        discussion: """
            Routes: GET /ping, /health, /version and POST /invocations (as mlflow models serve);
            GET /v2, /v2/health/live, /v2/health/ready, /v2/models/NAME[/versions/V][/ready] and
            POST /v2/models/NAME[/versions/V]/infer (Open Inference Protocol v2); GET /metrics.
            The server listens at once; readiness and scoring answer 503 until the model is loaded.
            SIGTERM stops accepting connections, finishes the requests in flight and exits 0.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The model: a directory written by trainyard train (or its model.json), or in MLflow models:/NAME/VERSION, models:/NAME@ALIAS, runs:/RUN_ID/model or mlflow-artifacts:/...",
            valueName: "uri"))
    var model: String

    @Option(
        help:
            "Name the model is served under on /v2/models/NAME (default: the registered model's name, else the directory's name, else model)."
    )
    var name: String?

    @Option(help: "Address to listen on.")
    var host = "0.0.0.0"

    @Option(help: "Port to listen on (default: $PORT, else 8080).")
    var port: Int?

    @Option(help: "Largest request body accepted, in bytes; larger ones get 413.")
    var maxBodyBytes = 32 << 20

    @Option(help: "Most rows scored in one request; more get 413.")
    var maxRows = 100_000

    @Option(
        help:
            "After SIGTERM, keep answering for this many seconds with readiness failing, so a load balancer or kube-proxy stops sending traffic before the server stops accepting (0: stop at once)."
    )
    var drainSeconds = 0

    @Option(
        help: ArgumentHelp(
            "Write each scoring request's inputs and outputs as a JSON line to this file (- for stdout), to check served traffic for drift later.",
            valueName: "file"))
    var logPayloads: String?

    @Option(help: "Which requests get a log line: all, errors (4xx and 5xx) or none.")
    var requestLog = "all"

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat = "json"

    @Option(
        help: ArgumentHelp(
            "Keep models downloaded from MLflow in this directory and reuse them (default: $TRAINYARD_MODEL_CACHE; none: a temporary download).",
            valueName: "dir"))
    var modelCache: String?

    @OptionGroup(title: "MLflow (for models:/, runs:/ and mlflow-artifacts:/ models)")
    var server: MLflowServerOptions

    /// --port, else $PORT (which the dev cluster sets to the port it gave the container), else 8080.
    var resolvedPort: Int? {
        if let port { return port }
        guard let text = nonEmpty(ProcessInfo.processInfo.environment["PORT"]) else { return 8080 }
        return Int(text)
    }

    func validate() throws {
        guard let port = resolvedPort, (0...65535).contains(port) else {
            throw ValidationError(
                "--port: expected a port number from 0 to 65535, got \(port.map(String.init) ?? "$PORT=\(ProcessInfo.processInfo.environment["PORT"] ?? "")")"
            )
        }
        do {
            _ = try ModelURI(parsing: model)
        } catch let error as MLflowError {
            throw ValidationError("--model: \(error.message)")
        }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes: must be at least 1024, got \(maxBodyBytes)") }
        guard drainSeconds >= 0 else { throw ValidationError("--drain-seconds: must be 0 or more, got \(drainSeconds)") }
        guard maxRows >= 1 else { throw ValidationError("--max-rows: must be at least 1, got \(maxRows)") }
        guard ModelServerConfiguration.RequestLog(rawValue: requestLog) != nil else {
            throw ValidationError("--request-log: \"\(requestLog)\" is not a choice; expected all, errors or none")
        }
        try LogSetup.validate(level: logLevel, format: logFormat)
    }

    func run() async throws {
        LogSetup.bootstrap(level: logLevel, format: logFormat)
        let logger = Logger(label: "trainyard.serve")
        let environment = ProcessInfo.processInfo.environment
        let loader = ModelLoader(
            tracking: try server.configuration(environment),
            cacheDirectory: nonEmpty(modelCache) ?? nonEmpty(environment["TRAINYARD_MODEL_CACHE"]), name: name)
        let payloads: PayloadLog?
        do {
            payloads = try logPayloads.map { try PayloadLog(path: $0) }
        } catch let error as ServingError {
            throw CLIFailure(error.message)
        }
        var configuration = ModelServerConfiguration(
            host: host, port: resolvedPort ?? 8080, maxBodyBytes: maxBodyBytes, maxRows: maxRows,
            requestLog: ModelServerConfiguration.RequestLog(rawValue: requestLog) ?? .all)
        configuration.drain = .seconds(drainSeconds)
        let modelServer = ModelServer(
            configuration: configuration,
            payloadLog: payloads, logger: logger)
        let source = model
        do {
            try await modelServer.run { try await loader.load(source) }
        } catch let failure as ModelLoader.Failure {
            throw CLIFailure(failure.description)
        }
    }
}
