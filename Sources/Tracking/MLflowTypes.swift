/// MLflow's entities as its REST API returns them (snake_case on the wire).

public struct Experiment: Sendable, Codable, Equatable {
    public var experimentId: String
    public var name: String
    public var artifactLocation: String?
    public var lifecycleStage: String?
}

/// A run's state (`RunStatus` in MLflow).
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"
}

public struct RunInfo: Sendable, Codable, Equatable {
    public var runId: String
    public var experimentId: String
    public var runName: String?
    public var status: RunStatus
    @FlexibleInt64 public var startTime: Int64?
    @FlexibleInt64 public var endTime: Int64?
    public var artifactUri: String?
    public var lifecycleStage: String?
}

public struct Metric: Sendable, Codable, Equatable {
    public var key: String
    public var value: Double
    /// Milliseconds since the epoch.
    @FlexibleInt64 public var timestamp: Int64?
    @FlexibleInt64 public var step: Int64?

    public init(key: String, value: Double, timestamp: Int64, step: Int64 = 0) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
    }
}

public struct Param: Sendable, Codable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public struct RunTag: Sendable, Codable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public struct RunData: Sendable, Codable, Equatable {
    public var metrics: [Metric]?
    public var params: [Param]?
    public var tags: [RunTag]?
}

public struct Run: Sendable, Codable, Equatable {
    public var info: RunInfo
    public var data: RunData

    /// The latest value of each metric, param and tag by key.
    public var metrics: [String: Double] {
        Dictionary((data.metrics ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
    public var params: [String: String] {
        Dictionary((data.params ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
    public var tags: [String: String] { Dictionary((data.tags ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }) }
}

/// An int64 that MLflow may send as a JSON number or, protobuf-style, as a string.
@propertyWrapper
public struct FlexibleInt64: Sendable, Codable, Equatable {
    public var wrappedValue: Int64?

    public init(wrappedValue: Int64?) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            wrappedValue = nil
        } else if let number = try? container.decode(Int64.self) {
            wrappedValue = number
        } else {
            let text = try container.decode(String.self)
            guard let number = Int64(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an integer")
            }
            wrappedValue = number
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// Absent keys decode as nil for ``FlexibleInt64`` properties.
    public func decode(_ type: FlexibleInt64.Type, forKey key: Key) throws -> FlexibleInt64 {
        try decodeIfPresent(type, forKey: key) ?? FlexibleInt64(wrappedValue: nil)
    }
}

/// A dataset a run used (MLflow's `DatasetInput`): the UI lists it under the run's datasets with
/// its digest, source and schema. `context` is `training`, `validation`, ...
public struct DatasetInput: Sendable, Equatable {
    public var name: String
    /// At most 36 characters (MLflow's limit).
    public var digest: String
    /// `local`, `http`, `s3`, ...
    public var sourceType: String
    /// JSON, e.g. `{"uri": "/data/churn.csv"}`.
    public var source: String
    /// JSON, e.g. `{"mlflow_colspec": [{"type": "double", "name": "age"}]}`.
    public var schema: String?
    /// JSON, e.g. `{"num_rows": 569}`.
    public var profile: String?
    public var context: String

    public init(
        name: String, digest: String, sourceType: String, source: String, schema: String? = nil, profile: String? = nil,
        context: String
    ) {
        self.name = name
        self.digest = String(digest.prefix(36))
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
        self.context = context
    }
}
