import DataIO
import Foundation
import HTTPTypes
import Hummingbird
import KubeAPI
import Learn
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The model server behind `trainyard serve`: MLflow's scoring protocol (`/ping`, `/health`,
/// `/version`, `/invocations`), the Open Inference Protocol v2 (`/v2/...`) and Prometheus
/// `/metrics`, on Hummingbird.
///
/// The server listens at once and answers liveness while the model loads; readiness (`/ping`,
/// `/health`, `/v2/health/ready`) and scoring answer 503 until it is loaded. SIGTERM stops
/// accepting connections, lets requests in flight finish, and returns.
public final class ModelServer: Sendable {
    public let configuration: ModelServerConfiguration
    public let metrics: ServingMetrics
    let payloadLog: PayloadLog?
    let logger: Logger
    private let loaded = Mutex<ServedModel?>(nil)
    private let bound = Mutex<Int?>(nil)
    private let requestCounter = Atomic<Int>(0)
    /// Set by SIGTERM when a drain is configured: readiness fails, scoring goes on.
    let draining = Atomic<Bool>(false)
    private let requestPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    public init(
        configuration: ModelServerConfiguration, metrics: ServingMetrics = ServingMetrics(), payloadLog: PayloadLog? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.payloadLog = payloadLog
        self.logger = logger
    }

    /// The model being served, once loaded.
    public var model: ServedModel? { loaded.withLock { $0 } }

    /// Makes `model` the one served; the server is ready from now on.
    public func serve(_ model: ServedModel) {
        loaded.withLock { $0 = model }
        metrics.modelLoaded(model)
    }

    /// The port bound, once listening (useful with port 0).
    public var port: Int? { bound.withLock { $0 } }

    /// Listens, loads the model with `load`, and serves until SIGTERM or SIGINT (then drains) or
    /// until loading fails (then throws its error).
    public func run(load: @escaping @Sendable () async throws -> ServedModel) async throws {
        let app = application()
        let loader = ModelLoading(server: self, load: load)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app), .init(service: loader)]
        var signals: [UnixSignal] = [.sigterm, .sigint]
        if configuration.drain > .zero {
            // The signal starts the drain; the drain's end shuts the group down.
            services.append(.init(service: Drain(server: self), successTerminationBehavior: .gracefullyShutdownGroup))
            signals = []
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger))
        try await group.run()
        payloadLog?.close()
    }

    /// The Hummingbird application (not yet running).
    public func application() -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.port
                bound.withLock { $0 = port }
                logger.info("listening", metadata: ["address": "\(configuration.host):\(port)"])
            },
            logger: logger)
    }

    /// Every route, for a live server or for in-process tests.
    public func router() -> Router<ServingRequestContext> {
        let router = Router(context: ServingRequestContext.self)
        router.add(middleware: RequestMiddleware(server: self))
        // MLflow scoring protocol.
        router.get("ping") { [self] _, _ in try readiness(.mlflow) }
        router.get("health") { [self] _, _ in try readiness(.mlflow) }
        router.get("version") { _, _ in TrainyardVersion.current }
        router.post("invocations") { [self] request, context in try await invocations(request, context: context) }
        // Open Inference Protocol v2.
        router.get("v2") { [self] _, _ in json(serverMetadata) }
        router.get("v2/health/live") { [self] _, _ in json("{\"live\":true}") }
        router.get("v2/health/ready") { [self] _, _ -> Response in
            _ = try readiness(.inference)
            return json("{\"ready\":true}")
        }
        router.get("v2/models/:name") { [self] _, context in json(InferenceProtocol.metadata(try addressed(context))) }
        router.get("v2/models/:name/versions/:version") { [self] _, context in
            json(InferenceProtocol.metadata(try addressed(context)))
        }
        router.get("v2/models/:name/ready") { [self] _, context -> Response in
            _ = try addressed(context)
            return json("{\"name\":\(quoted(context.parameters.get("name") ?? "")),\"ready\":true}")
        }
        router.get("v2/models/:name/versions/:version/ready") { [self] _, context -> Response in
            _ = try addressed(context)
            return json("{\"name\":\(quoted(context.parameters.get("name") ?? "")),\"ready\":true}")
        }
        router.post("v2/models/:name/infer") { [self] request, context in try await infer(request, context: context) }
        router.post("v2/models/:name/versions/:version/infer") { [self] request, context in try await infer(request, context: context) }
        router.get("metrics") { [self] _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        return router
    }

    // MARK: Handlers

    private var serverMetadata: String {
        var out = JSONWriter()
        out.beginObject()
        out.key("name")
        out.string(configuration.serverName)
        out.key("version")
        out.string(TrainyardVersion.current)
        out.key("extensions")
        out.beginArray()
        out.endArray()
        out.endObject()
        return out.text
    }

    private func readiness(_ dialect: ServingError.Dialect) throws(ServingError) -> String {
        guard model != nil else { throw ServingError(.unavailable, "the model is still loading", dialect: dialect) }
        guard !draining.load(ordering: .relaxed) else {
            throw ServingError(.unavailable, "shutting down: requests are still answered while traffic moves away", dialect: dialect)
        }
        return "\n"
    }

    private func current(_ dialect: ServingError.Dialect) throws(ServingError) -> ServedModel {
        guard let model else {
            throw ServingError(.unavailable, "the model is still loading; retry when /v2/health/ready answers 200", dialect: dialect)
        }
        return model
    }

    /// The model a `/v2/models/NAME[/versions/V]` route names: 404 unless it is the one served.
    private func addressed(_ context: ServingRequestContext) throws(ServingError) -> ServedModel {
        let model = try current(.inference)
        let name = context.parameters.get("name") ?? ""
        guard name == model.name else {
            throw ServingError(.notFound, "model \(quoted(name)) not found; this server serves \(quoted(model.name))", dialect: .inference)
        }
        if let version = context.parameters.get("version"), version != model.version {
            throw ServingError(
                .notFound,
                "model \(quoted(name)) has no version \(quoted(version)) here; this server serves "
                    + (model.version.map { "version \($0)" } ?? "a model with no registry version"),
                dialect: .inference)
        }
        return model
    }

    private func body(_ request: Request, dialect: ServingError.Dialect) async throws(ServingError) -> [UInt8] {
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ServingError(
                .tooLarge, "the request body has \(length) bytes; this server takes at most \(limit) (--max-body-bytes)", dialect: dialect)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ServingError(
                .tooLarge, "the request body is larger than \(limit) bytes, the most this server takes (--max-body-bytes)", dialect: dialect
            )
        } catch {
            throw ServingError(.badRequest, "the request body could not be read: \(error)", dialect: dialect)
        }
    }

    private func checkRows(_ rows: Int, dialect: ServingError.Dialect) throws(ServingError) {
        guard rows <= configuration.maxRows else {
            throw ServingError(
                .tooLarge, "the request has \(rows) rows; this server takes at most \(configuration.maxRows) per request (--max-rows)",
                dialect: dialect)
        }
    }

    private func invocations(_ request: Request, context: ServingRequestContext) async throws(ServingError) -> Response {
        let contentType = try ScoringProtocol.ContentType(header: request.headers[.contentType])
        let model = try current(.mlflow)
        let bytes = try await body(request, dialect: .mlflow)
        let input = try ScoringProtocol.parse(bytes, contentType: contentType, model: model)
        try checkRows(input.rowCount, dialect: .mlflow)
        let predictions: Predictions
        switch input {
        case .cells(let batch): predictions = try model.predict(batch)
        case .frame(let frame): predictions = try model.predict(frame)
        }
        metrics.scored(rows: predictions.rowCount, protocol: "mlflow")
        if let payloadLog {
            payloadLog.record(
                requestID: context.requestID, model: model, protocol: "mlflow", frame: payloadInputs(input, model: model),
                predictions: predictions)
        }
        return scored(ScoringProtocol.answer(predictions, model: model), model: model)
    }

    private func infer(_ request: Request, context: ServingRequestContext) async throws(ServingError) -> Response {
        let model = try addressed(context)
        let bytes = try await body(request, dialect: .inference)
        let parsed = try InferenceProtocol.parse(bytes, model: model)
        try checkRows(parsed.batch.rowCount, dialect: .inference)
        let predictions: Predictions
        do {
            predictions = try model.predict(parsed.batch)
        } catch {
            throw error.inDialect(.inference)
        }
        metrics.scored(rows: predictions.rowCount, protocol: "v2")
        let id = parsed.id ?? context.requestID
        if let payloadLog {
            // The id the answer carries: the request's own `id`, else X-Request-ID.
            payloadLog.record(
                requestID: id, model: model, protocol: "v2", frame: payloadInputs(.cells(parsed.batch), model: model),
                predictions: predictions)
        }
        return scored(InferenceProtocol.answer(predictions, request: parsed, id: id, model: model), model: model)
    }

    // MARK: Helpers

    /// The client's `X-Request-ID`, or one made up here (once per request, by the middleware).
    func requestID(_ request: Request) -> String {
        if let given = request.headers[Self.requestIDField], !given.isEmpty { return given }
        return "\(requestPrefix)-\(requestCounter.wrappingAdd(1, ordering: .relaxed).newValue)"
    }

    static let requestIDField = HTTPField.Name("X-Request-ID")!

    private func payloadInputs(_ input: ScoringProtocol.Input, model: ServedModel) -> [(String, [String])] {
        switch input {
        case .cells(let batch):
            return zip(model.featureNames, batch.columns).map { ($0, $1.map { $0.serialized() }) }
        case .frame(let frame):
            return model.featureNames.compactMap { name in
                guard let column = try? frame.column(named: name) else { return nil }
                return (
                    name,
                    (0..<column.count).map { r -> String in
                        if column.isMissing(row: r) { return "null" }
                        switch column.kind {
                        case .categorical: return JSONValue.string(column.categories[Int(column.codes[r])]).serialized()
                        case .boolean: return column.values[r] == 1 ? "true" : "false"
                        case .numeric: return JSONValue.double(column.values[r]).serialized()
                        }
                    }
                )
            }
        }
    }

    static let modelVersionField = HTTPField.Name("X-Model-Version")!

    /// A scoring answer, with the model version that made it in `X-Model-Version` (so a client can
    /// see a rollout's switch).
    private func scored(_ text: String, model: ServedModel) -> Response {
        var response = json(text)
        if let version = model.version { response.headers[Self.modelVersionField] = version }
        return response
    }

    private func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func quoted(_ text: String) -> String {
        var out = ""
        JSONWriter.escape(text, into: &out)
        return out
    }

    func logRequest(_ request: Request, requestID: String, status: Int, duration: Duration, route: String, error: String?) {
        switch configuration.requestLog {
        case .none: return
        case .errors where status < 400: return
        default: break
        }
        var metadata: Logger.Metadata = [
            "method": "\(request.method)", "path": "\(request.uri.path)", "route": "\(route)", "status": "\(status)",
            "duration_ms":
                "\(String(format: "%.3f", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000))",
            "request_id": "\(requestID)",
        ]
        if let error { metadata["error"] = "\(error)" }
        logger.log(level: status >= 500 ? .error : status >= 400 ? .warning : .info, "request", metadata: metadata)
    }
}

/// Counts, times and logs every request; turns errors that are not the server's own into answers
/// in the route's dialect.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = ServingRequestContext
    let server: ModelServer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        server.metrics.started()
        // One id per request, given or made here, seen by the handler, the log and the client.
        var context = context
        let id = server.requestID(request)
        context.requestID = id
        do {
            var response = try await next(request, context)
            let duration = clock.now - start
            let route = context.endpointPath ?? "unmatched"
            server.metrics.finished(route: route, status: response.status.code, duration: duration)
            server.logRequest(request, requestID: id, status: response.status.code, duration: duration, route: route, error: nil)
            response.headers[ModelServer.requestIDField] = id
            return response
        } catch {
            let duration = clock.now - start
            let route = context.endpointPath ?? "unmatched"
            let answered: any HTTPResponseError =
                if let error = error as? ServingError { error } else if let error = error as? any HTTPResponseError { error } else {
                    ServingError(
                        .internalError, "\(error)", dialect: request.uri.path.hasPrefix("/v2") ? .inference : .mlflow)
                }
            let message = (answered as? ServingError)?.message ?? "\(answered)"
            server.metrics.finished(route: route, status: answered.status.code, duration: duration)
            server.logRequest(request, requestID: id, status: answered.status.code, duration: duration, route: route, error: message)
            // Answered here rather than thrown, so a refused request carries its id too.
            var response = try answered.response(from: request, context: context)
            response.headers[ModelServer.requestIDField] = id
            return response
        }
    }
}

/// On SIGTERM or SIGINT: readiness fails at once and requests are still answered for the drain
/// time (a second signal ends it early); then this returns and the group shuts down gracefully,
/// finishing the requests in flight.
struct Drain: Service {
    let server: ModelServer

    func run() async throws {
        let (started, start) = AsyncStream<Void>.makeStream()
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let server = self.server
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                for await signal in signals.cancelOnGracefulShutdown() {
                    seen += 1
                    guard seen == 1 else {
                        server.logger.info("second signal: stopping now", metadata: ["signal": "\(signal)"])
                        return
                    }
                    server.draining.store(true, ordering: .relaxed)
                    server.logger.info(
                        "draining before shutdown: readiness fails, requests are answered",
                        metadata: ["signal": "\(signal)", "seconds": "\(server.configuration.drain.components.seconds)"])
                    start.yield()
                }
            }
            group.addTask {
                for await _ in started {
                    try? await Task.sleep(for: server.configuration.drain)
                    return
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Loads the model while the server already answers liveness, then waits for shutdown.
struct ModelLoading: Service {
    let server: ModelServer
    let load: @Sendable () async throws -> ServedModel

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let model = try await load()
        server.serve(model)
        server.logger.info(
            "model loaded; ready",
            metadata: [
                "model": "\(model.name)", "version": "\(model.version ?? "-")", "source": "\(model.source)",
                "type": "\(model.model.model.type.rawValue)", "features": "\(model.featureNames.count)",
                "seconds":
                    "\(String(format: "%.3f", Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)))",
            ])
        try await gracefulShutdown()
    }
}

/// Hummingbird's request context plus the request's id.
public struct ServingRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-ID`, or one the server made up.
    public var requestID = ""

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
