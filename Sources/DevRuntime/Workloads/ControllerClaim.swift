import KubeAPI

/// What a controller does with a candidate child (`ControllerRefManager.ClaimObject`): keep what it
/// owns and still selects, adopt matching orphans, release owned objects its selector no longer picks.
enum ControllerClaim: Sendable, Equatable {
    case owned
    case adopt
    case release
    case ignore

    static func decide(
        _ object: JSONValue, labels: [String: String], owner: (uid: String, namespace: String?, deleting: Bool),
        selector: WorkloadSelector
    ) -> ControllerClaim {
        let deleting = object[path: ["metadata", "deletionTimestamp"]] != nil
        let matches = selector.matches(labels)
        if let controllerUID = WorkloadJSON.controllerUID(of: object) {
            guard controllerUID == owner.uid else { return .ignore }
            if matches { return .owned }
            // A controller being deleted leaves its children as they are.
            return owner.deleting ? .ignore : .release
        }
        if owner.deleting || !matches || deleting { return .ignore }
        if let namespace = owner.namespace, let childNamespace = object[path: ["metadata", "namespace"]]?.stringValue,
            childNamespace != namespace
        {
            return .ignore
        }
        return .adopt
    }
}
