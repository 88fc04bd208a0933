import Foundation
import NIOHTTP1

/// A version of a registered model (`ModelVersion` in MLflow).
public struct ModelVersion: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    public var source: String?
    public var runId: String?
    /// PENDING_REGISTRATION, READY or FAILED_REGISTRATION.
    public var status: String?
    public var statusMessage: String?
    public var aliases: [String]?
    public var tags: [RunTag]?
}

extension MLflowClient {
    /// Creates the registered model `name` unless it exists.
    public func ensureRegisteredModel(named name: String) async throws {
        struct Body: Encodable { var name: String }
        struct Answer: Decodable {}
        do {
            let _: Answer = try await call(.POST, "/registered-models/create", body: Body(name: name), retry: .never)
        } catch let error as MLflowError where error.code == .alreadyExists {
            return
        }
    }

    /// Registers the model at `source` (e.g. `runs:/RUN/model` or the run's artifact URI) as the
    /// next version of `name`, then waits until MLflow says it is READY. Not retried: a retry
    /// after a lost answer would make two versions.
    public func createModelVersion(
        name: String, source: String, runId: String?, tags: [String: String] = [:], waitFor: Duration = .seconds(60)
    ) async throws -> ModelVersion {
        struct Body: Encodable {
            var name: String
            var source: String
            var runId: String?
            var tags: [RunTag]
        }
        struct Answer: Decodable { var modelVersion: ModelVersion }
        let body = Body(
            name: name, source: source, runId: runId, tags: tags.sorted { $0.key < $1.key }.map { RunTag(key: $0.key, value: $0.value) })
        var version = try await call(.POST, "/model-versions/create", body: body, retry: .never, as: Answer.self).modelVersion
        let deadline = ContinuousClock.now + waitFor
        while version.status == "PENDING_REGISTRATION" {
            guard ContinuousClock.now < deadline else {
                throw MLflowError(
                    .server,
                    "MLflow at \(configuration.trackingURI): model \(name) version \(version.version) is still PENDING_REGISTRATION after \(waitFor)"
                )
            }
            try await Task.sleep(for: .milliseconds(200))
            version = try await modelVersion(name: name, version: version.version)
        }
        if version.status == "FAILED_REGISTRATION" {
            throw MLflowError(
                .server,
                "MLflow at \(configuration.trackingURI): registering \(name) version \(version.version) failed: \(version.statusMessage ?? "no reason given")"
            )
        }
        return version
    }

    public func modelVersion(name: String, version: String) async throws -> ModelVersion {
        struct Answer: Decodable { var modelVersion: ModelVersion }
        return try await call(
            .GET, "/model-versions/get", query: [("name", name), ("version", version)], retry: .whileTransient, as: Answer.self
        )
        .modelVersion
    }

    /// Versions of `name`, newest first.
    public func modelVersions(name: String) async throws -> [ModelVersion] {
        struct Answer: Decodable {
            var modelVersions: [ModelVersion]?
            var nextPageToken: String?
        }
        let escaped = name.replacingOccurrences(of: "'", with: "\\'")
        var all: [ModelVersion] = []
        var token: String?
        repeat {
            var query = [("filter", "name='\(escaped)'"), ("max_results", "1000")]
            if let token { query.append(("page_token", token)) }
            let answer = try await call(.GET, "/model-versions/search", query: query, retry: .whileTransient, as: Answer.self)
            all += answer.modelVersions ?? []
            token = answer.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return all.sorted { (Int($0.version) ?? 0) > (Int($1.version) ?? 0) }
    }

    /// Points `alias` of `name` at `version` (moving it if it pointed elsewhere).
    public func setAlias(name: String, alias: String, version: String) async throws {
        struct Body: Encodable {
            var name: String
            var alias: String
            var version: String
        }
        struct Answer: Decodable {}
        let _: Answer = try await call(
            .POST, "/registered-models/alias", body: Body(name: name, alias: alias, version: version), retry: .whileTransient)
    }

    /// The version `alias` points at, or nil when the alias (or the model) does not exist.
    public func modelVersion(name: String, alias: String) async throws -> ModelVersion? {
        struct Answer: Decodable { var modelVersion: ModelVersion }
        do {
            return try await call(
                .GET, "/registered-models/alias", query: [("name", name), ("alias", alias)], retry: .whileTransient, as: Answer.self
            )
            .modelVersion
        } catch let error as MLflowError where error.code == .notFound || error.mlflowCode == "INVALID_PARAMETER_VALUE" {
            return nil
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        struct Body: Encodable {
            var name: String
            var alias: String
        }
        struct Answer: Decodable {}
        let _: Answer = try await call(.DELETE, "/registered-models/alias", body: Body(name: name, alias: alias), retry: .whileTransient)
    }

    public func setModelVersionTag(name: String, version: String, key: String, value: String) async throws {
        struct Body: Encodable {
            var name: String
            var version: String
            var key: String
            var value: String
        }
        struct Answer: Decodable {}
        let _: Answer = try await call(
            .POST, "/model-versions/set-tag", body: Body(name: name, version: version, key: key, value: value), retry: .whileTransient)
    }
}

extension MLflowClient {
    /// Deletes version `version` of `name`; a version already gone is not an error.
    public func deleteModelVersion(name: String, version: String) async throws {
        struct Body: Encodable {
            var name: String
            var version: String
        }
        struct Answer: Decodable {}
        do {
            let _: Answer = try await call(
                .DELETE, "/model-versions/delete", body: Body(name: name, version: version), retry: .whileTransient)
        } catch let error as MLflowError where error.code == .notFound {
            return
        }
    }

    /// Where the files of a version are (an artifact URI such as `mlflow-artifacts:/1/RUN/artifacts/model`),
    /// whatever its source was registered as.
    public func downloadURI(name: String, version: String) async throws -> String {
        struct Answer: Decodable { var artifactUri: String }
        return try await call(
            .GET, "/model-versions/get-download-uri", query: [("name", name), ("version", version)], retry: .whileTransient,
            as: Answer.self
        )
        .artifactUri
    }
}
