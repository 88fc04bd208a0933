import KubeAPI

extension TrainingJobStatus: ConditionedStatus {
    public init() { self.init(observedGeneration: nil) }
}

extension ModelDeploymentStatus: ConditionedStatus {
    public init() { self.init(observedGeneration: nil) }
}

extension BatchPredictionStatus: ConditionedStatus {
    public init() { self.init(observedGeneration: nil) }
}

extension TrainingJob: StatusResource {}
extension ModelDeployment: StatusResource {}
extension BatchPrediction: StatusResource {}
