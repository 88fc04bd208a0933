import ControllerRuntime
import TrainyardAPI

/// A ModelDeployment's status as one reconcile changes it.
typealias ModelDeploymentUpdate = StatusUpdate<ModelDeployment>
