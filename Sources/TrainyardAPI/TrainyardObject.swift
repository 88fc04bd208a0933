import KubeAPI

/// Any one of the Trainyard resources, chosen by `apiVersion` and `kind` while decoding, for tools
/// that read manifests of mixed kinds (`trainyard` CLI, tests over `examples/`).
public enum TrainyardObject: Codable, Sendable, Equatable {
    case trainingJob(TrainingJob)
    case modelDeployment(ModelDeployment)
    case batchPrediction(BatchPrediction)

    private enum Keys: String, CodingKey {
        case apiVersion, kind
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let apiVersion = try container.decode(String.self, forKey: .apiVersion)
        let kind = try container.decode(String.self, forKey: .kind)
        guard apiVersion == TrainingJob.groupVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .apiVersion,
                in: container,
                debugDescription: "Unsupported value: \(quoted(apiVersion)): supported values: \(quoted(TrainingJob.groupVersion))"
            )
        }
        switch kind {
        case TrainingJob.kind: self = .trainingJob(try TrainingJob(from: decoder))
        case ModelDeployment.kind: self = .modelDeployment(try ModelDeployment(from: decoder))
        case BatchPrediction.kind: self = .batchPrediction(try BatchPrediction(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: container,
                debugDescription: "no matches for kind \(quoted(kind)) in version \(quoted(apiVersion))"
            )
        }
    }

    /// Decodes a manifest already parsed into JSON.
    public init(json: JSONValue) throws {
        self = try json.decode(as: TrainyardObject.self)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .trainingJob(let object): try object.encode(to: encoder)
        case .modelDeployment(let object): try object.encode(to: encoder)
        case .batchPrediction(let object): try object.encode(to: encoder)
        }
    }

    public var metadata: ObjectMeta {
        switch self {
        case .trainingJob(let object): return object.metadata
        case .modelDeployment(let object): return object.metadata
        case .batchPrediction(let object): return object.metadata
        }
    }
}
