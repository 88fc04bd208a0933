import Foundation
import NIOHTTP1

/// MLflow's limits on one `runs/log-batch` call (mlflow/utils/validation.py).
public enum LogBatchLimits {
    public static let metrics = 1000
    public static let params = 100
    public static let tags = 100
    public static let entities = 1000
}

extension MLflowClient {
    // MARK: Experiments

    /// The experiment called `name`, or nil when there is none.
    public func experiment(named name: String) async throws -> Experiment? {
        struct Answer: Decodable { var experiment: Experiment }
        do {
            let answer: Answer = try await call(
                .GET, "/experiments/get-by-name", query: [("experiment_name", name)], retry: .whileTransient)
            return answer.experiment
        } catch let error as MLflowError where error.code == .notFound {
            return nil
        }
    }

    /// Creates an experiment and returns its id; throws ``MLflowError/Code/alreadyExists`` when the name is taken.
    public func createExperiment(named name: String, tags: [String: String] = [:]) async throws -> String {
        struct Body: Encodable {
            var name: String
            var tags: [RunTag]
        }
        struct Answer: Decodable { var experimentId: String }
        let body = Body(name: name, tags: tags.sorted { $0.key < $1.key }.map { RunTag(key: $0.key, value: $0.value) })
        let answer: Answer = try await call(.POST, "/experiments/create", body: body, retry: .never)
        return answer.experimentId
    }

    /// Moves the experiment to MLflow's trash (lifecycle stage `deleted`), or back out of it.
    public func setExperimentDeleted(id: String, _ deleted: Bool) async throws {
        struct Body: Encodable { var experimentId: String }
        struct Empty: Decodable {}
        let _: Empty = try await call(
            .POST, deleted ? "/experiments/delete" : "/experiments/restore", body: Body(experimentId: id), retry: .whileTransient)
    }

    /// The id of the experiment called `name`, created if missing. Safe when several callers race:
    /// the loser of a concurrent create reads the winner's experiment.
    public func ensureExperiment(named name: String) async throws -> String {
        if let existing = try await experiment(named: name) { return existing.experimentId }
        do {
            return try await createExperiment(named: name)
        } catch let error as MLflowError where error.code == .alreadyExists {
            if let existing = try await experiment(named: name) { return existing.experimentId }
            throw error
        }
    }

    // MARK: Runs

    /// Starts a run (status RUNNING). Not retried: a retry after a lost answer would make a second run.
    public func createRun(experimentId: String, name: String? = nil, startTime: Date = Date(), tags: [String: String] = [:]) async throws
        -> RunInfo
    {
        struct Body: Encodable {
            var experimentId: String
            var runName: String?
            var startTime: Int64
            var tags: [RunTag]
        }
        struct Answer: Decodable { var run: Run }
        let body = Body(
            experimentId: experimentId, runName: name, startTime: Self.milliseconds(startTime),
            tags: tags.sorted { $0.key < $1.key }.map { RunTag(key: $0.key, value: $0.value) })
        let answer: Answer = try await call(.POST, "/runs/create", body: body, retry: .never)
        return answer.run.info
    }

    public func run(id: String) async throws -> Run {
        struct Answer: Decodable { var run: Run }
        let answer: Answer = try await call(.GET, "/runs/get", query: [("run_id", id)], retry: .whileTransient)
        return answer.run
    }

    /// Sets a run's status (and end time for a terminal status).
    @discardableResult
    public func updateRun(id: String, status: RunStatus, endTime: Date? = nil) async throws -> RunInfo {
        struct Body: Encodable {
            var runId: String
            var status: RunStatus
            var endTime: Int64?
        }
        struct Answer: Decodable { var runInfo: RunInfo }
        let terminal = status == .finished || status == .failed || status == .killed
        let end = endTime ?? (terminal ? Date() : nil)
        let answer: Answer = try await call(
            .POST, "/runs/update", body: Body(runId: id, status: status, endTime: end.map(Self.milliseconds)), retry: .whileTransient)
        return answer.runInfo
    }

    /// Runs of `experimentIds` matching MLflow's `filter` syntax, newest first unless `orderBy` says
    /// otherwise; follows pages until `maxResults` runs are read.
    public func searchRuns(experimentIds: [String], filter: String = "", orderBy: [String] = [], maxResults: Int = 1000) async throws
        -> [Run]
    {
        struct Body: Encodable {
            var experimentIds: [String]
            var filter: String
            var maxResults: Int
            var orderBy: [String]
            var pageToken: String?
        }
        struct Answer: Decodable {
            var runs: [Run]?
            var nextPageToken: String?
        }
        var runs: [Run] = []
        var token: String?
        repeat {
            let body = Body(
                experimentIds: experimentIds, filter: filter, maxResults: min(1000, maxResults - runs.count), orderBy: orderBy,
                pageToken: token)
            let answer: Answer = try await call(.POST, "/runs/search", body: body, retry: .whileTransient)
            runs += answer.runs ?? []
            token = answer.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil && runs.count < maxResults
        return runs
    }

    // MARK: Logging

    /// Logs metrics, params and tags in as few `log-batch` calls as MLflow's limits allow (1000
    /// metrics, 100 params, 100 tags, 1000 entities per call). Params go first, in calls of their
    /// own, so a metric never lands in MLflow before the params that describe it. Retried while
    /// transient: MLflow ignores a param or tag logged again with the same value.
    public func logBatch(runId: String, metrics: [Metric] = [], params: [Param] = [], tags: [RunTag] = []) async throws {
        if let bad = metrics.first(where: { !$0.value.isFinite }) {
            throw MLflowError(.invalidRequest, "metric \(bad.key) is \(bad.value); MLflow's JSON API takes finite numbers only")
        }
        struct Body: Encodable {
            var runId: String
            var metrics: [Metric]
            var params: [Param]
            var tags: [RunTag]
        }
        struct Empty: Decodable {}
        var batches: [Body] = []
        var paramIndex = 0
        var tagIndex = 0
        while paramIndex < params.count || tagIndex < tags.count {
            let p = Array(params[paramIndex..<min(params.count, paramIndex + LogBatchLimits.params)])
            let t = Array(tags[tagIndex..<min(tags.count, tagIndex + LogBatchLimits.tags)])
            paramIndex += p.count
            tagIndex += t.count
            batches.append(Body(runId: runId, metrics: [], params: p, tags: t))
        }
        var metricIndex = 0
        while metricIndex < metrics.count {
            let m = Array(metrics[metricIndex..<min(metrics.count, metricIndex + LogBatchLimits.metrics)])
            metricIndex += m.count
            batches.append(Body(runId: runId, metrics: m, params: [], tags: []))
        }
        for batch in batches {
            let _: Empty = try await call(.POST, "/runs/log-batch", body: batch, retry: .whileTransient)
        }
    }

    /// Every logged value of metric `key`, in MLflow's order (by step, then time).
    public func metricHistory(runId: String, key: String) async throws -> [Metric] {
        struct Answer: Decodable {
            var metrics: [Metric]?
            var nextPageToken: String?
        }
        var all: [Metric] = []
        var token: String?
        repeat {
            var query = [("run_id", runId), ("metric_key", key), ("max_results", "25000")]
            if let token { query.append(("page_token", token)) }
            let answer: Answer = try await call(.GET, "/metrics/get-history", query: query, retry: .whileTransient)
            all += answer.metrics ?? []
            token = answer.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return all
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

extension MLflowClient {
    /// Records that the run logged a model (MLflow's `runs/log-model`: the run's
    /// `mlflow.log-model.history` tag, which the runs table shows). `modelJSON` is the MLmodel as
    /// JSON with at least `artifact_path`, `flavors`, `utc_time_created` and `run_id`.
    public func logModel(runId: String, modelJSON: String) async throws {
        struct Body: Encodable {
            var runId: String
            var modelJson: String
        }
        struct Answer: Decodable {}
        // Not retried: a repeat after a lost answer would list the model twice.
        let _: Answer = try await call(.POST, "/runs/log-model", body: Body(runId: runId, modelJson: modelJSON), retry: .never)
    }
}

extension MLflowClient {
    /// Records the datasets a run used (MLflow's `runs/log-inputs`). Logging the same dataset
    /// again is harmless: MLflow keys datasets by name and digest.
    public func logInputs(runId: String, datasets: [DatasetInput]) async throws {
        struct Dataset: Encodable {
            var name: String
            var digest: String
            var sourceType: String
            var source: String
            var schema: String?
            var profile: String?
        }
        struct Input: Encodable {
            var tags: [RunTag]
            var dataset: Dataset
        }
        struct Body: Encodable {
            var runId: String
            var datasets: [Input]
        }
        struct Answer: Decodable {}
        let inputs = datasets.map {
            Input(
                tags: [RunTag(key: "mlflow.data.context", value: $0.context)],
                dataset: Dataset(
                    name: $0.name, digest: $0.digest, sourceType: $0.sourceType, source: $0.source, schema: $0.schema, profile: $0.profile))
        }
        let _: Answer = try await call(.POST, "/runs/log-inputs", body: Body(runId: runId, datasets: inputs), retry: .whileTransient)
    }
}
